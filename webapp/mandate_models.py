"""The store of direct debits (QRG 7, issue 12): e-Mandates, the debits made on them, and every e-Mandate
message to and from FPX (append-only).

The database keeps the rules that matter, not only the code:
- one live mandate (pending authorisation, awaiting bank approval or approved) per employer and scheme (a
  partial unique index); the bank's mandate id belongs to one mandate;
- a debit is one payment_attempt of channel direct_debit (its items held, settled or released like every
  channel's) with one mandate_debit row naming the mandate, the calendar month it counts in, and the signed
  DR that is sent again to ask for a lost answer;
- `mandate_message` is append-only: triggers (migration 0015) refuse UPDATE and DELETE; an answer is applied
  at most once (a partial unique index on order, FPX id and code).
"""

from peewee import BigIntegerField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from core.mandates import SCHEMES, STATUSES, TERMINATED_BY
from webapp.clock import utcnow
from webapp.models import BaseModel, Employer, User, not_negative, one_of
from webapp.payment_models import PaymentAttempt

LIVE_STATUSES = ("pending_authorisation", "awaiting_approval", "approved")
MESSAGE_KINDS = ("AD", "AC-direct", "AC-indirect", "AE", "AE-reply", "MA", "MT", "DR", "DS", "DS-notice", "TR",
                 "TS")
VERDICTS = ("sent", "applied", "duplicate", "no_change", "conflict", "bad_signature", "certificate", "malformed",
            "unknown_order", "mismatch", "error")


class Mandate(BaseModel):
    """An employer's e-Mandate for one scheme: its terms, its state, and the enrolment as it was sent (the
    signed AD; its RM 1.00 authorisation's ACs are compared with it)."""

    order_no = CharField(max_length=20, unique=True)  # the enrolment's fpx_sellerExOrderNo, MD...
    employer = ForeignKeyField(Employer, backref="mandates", on_delete="RESTRICT")
    user = ForeignKeyField(User, backref="+", on_delete="RESTRICT")  # who enrolled it
    scheme = CharField(max_length=5, constraints=[one_of("scheme", SCHEMES)])
    msg_token = CharField(max_length=2, constraints=[one_of("msg_token", ("01", "02"))])  # Business Model
    bank_id = CharField(max_length=10)
    limit_sen = BigIntegerField(constraints=[not_negative("limit_sen")])  # Limit Per Transaction
    max_frequency = IntegerField(constraints=[not_negative("max_frequency")])  # Max Frequency Per Month
    phone = CharField(max_length=15)
    email = CharField(max_length=254)
    effective_on = DateField()
    expiry_on = DateField()
    status = CharField(max_length=22, default="pending_authorisation", constraints=[one_of("status", STATUSES)])
    mandate_id = CharField(max_length=20, null=True, unique=True)  # the bank's: the authorisation's fpxTxnId
    auth_code = CharField(max_length=2, null=True)  # the authorisation's debitAuthCode
    ad_fields = TextField()  # JSON of the signed AD as sent
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    approved_on = DateField(null=True)
    terminated_at = DateTimeField(null=True)
    terminated_by = CharField(max_length=8, null=True, constraints=[one_of("terminated_by", TERMINATED_BY)])
    bank_told_at = DateTimeField(null=True)  # an employer's termination, confirmed by the exchange (TS 00)

    class Meta:
        indexes = ((("employer", "scheme", "created_at"), False),)


Mandate.add_index(Mandate.employer, Mandate.scheme, unique=True, where=Mandate.status.in_(LIVE_STATUSES),
                  name="mandate_one_live_per_scheme")


class MandateDebit(BaseModel):
    """The mandate a direct-debit payment is made on, the Malaysian month it counts in, and its DR."""

    attempt = ForeignKeyField(PaymentAttempt, unique=True, backref="+", on_delete="RESTRICT")
    mandate = ForeignKeyField(Mandate, backref="debits", on_delete="RESTRICT")
    month = DateField()  # the first day of the calendar month (Malaysia) the debit was initiated in
    dr_fields = TextField()  # JSON of the signed DR (sent again, unchanged, to ask for its answer)

    class Meta:
        indexes = ((("mandate", "month"), False),)


class MandateMessage(BaseModel):
    """Every e-Mandate message to and from FPX, raw, with what the portal made of it. Append-only."""

    received_at = DateTimeField(default=utcnow)
    direction = CharField(max_length=3, constraints=[one_of("direction", ("in", "out"))])
    kind = CharField(max_length=12, constraints=[one_of("kind", MESSAGE_KINDS)])
    mandate = ForeignKeyField(Mandate, null=True, backref="messages")
    attempt = ForeignKeyField(PaymentAttempt, null=True, backref="+")
    order_no = CharField(max_length=60, null=True)  # fpx_sellerExOrderNo as the message says it
    fpx_txn_id = CharField(max_length=30, null=True)  # the FPX id (a notice: the mandate id)
    code = CharField(max_length=10, null=True)  # debitAuthCode, or MA / MT for a notice
    verdict = CharField(max_length=16, constraints=[one_of("verdict", VERDICTS)])
    note = CharField(max_length=300, default="")
    raw = TextField()

    class Meta:
        indexes = ((("mandate", "received_at"), False), (("attempt", "received_at"), False))


MandateMessage.add_index(MandateMessage.order_no, MandateMessage.fpx_txn_id, MandateMessage.code, unique=True,
                         where=MandateMessage.verdict == "applied", name="mandate_message_applied_once")

MANDATE_MODELS = [Mandate, MandateDebit, MandateMessage]

# Migration 0015 creates these (a frozen copy lives there); tests use the table's name to empty it.
APPEND_ONLY_SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS mandate_message_no_update BEFORE UPDATE ON mandate_message "
    "BEGIN SELECT RAISE(ABORT, 'mandate_message is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS mandate_message_no_delete BEFORE DELETE ON mandate_message "
    "BEGIN SELECT RAISE(ABORT, 'mandate_message is append-only'); END",
]
APPEND_ONLY_POSTGRES = [
    "CREATE OR REPLACE FUNCTION mandate_message_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "RAISE EXCEPTION 'mandate_message is append-only' USING ERRCODE = 'integrity_constraint_violation'; END $$",
    "DROP TRIGGER IF EXISTS mandate_message_append_only ON mandate_message",
    "CREATE TRIGGER mandate_message_append_only BEFORE UPDATE OR DELETE ON mandate_message "
    "FOR EACH ROW EXECUTE FUNCTION mandate_message_append_only()",
]
