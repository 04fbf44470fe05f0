"""The store of online payments (issue 11, payments.md A.8 and B): FPX payment attempts and the items they pay,
the raw gateway messages (append-only), the server-side cart, receipts and FCLB (late-payment interest) notices.

Money is integer sen in 64-bit columns. The database keeps the invariants that matter, not only the code:
- I1: an ACR/ECR or a notice is paid by at most one payment (a partial unique index on paid items);
- an item in a payment still in flight cannot be put in a second one (a partial unique index on live items);
- one receipt per payment, one FCLB notice per late ACR/ECR (unique indexes);
- I3: `gateway_message` is append-only: triggers (migration 0006) refuse UPDATE and DELETE.
"""

from peewee import BigIntegerField, CharField, Check, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from core.payment_channels import CHANNELS, FPX
from webapp.clock import utcnow
from webapp.models import Acknowledgement, BaseModel, Employer, User, not_negative, one_of

PAYMENT_STATUSES = ("created", "pending", "succeeded", "failed", "needs_review")
LIVE_STATUSES = ("created", "pending", "needs_review")  # no final answer yet: the items are held
ITEM_STATES = ("open", "paid", "released")  # open while the payment is live; released when it failed
FPX_TOKENS = ("01", "02")  # B2C, B2B1
NOTICE_STATUSES = ("unpaid", "paid")
MESSAGE_KINDS = ("AR", "AE", "BE", "AC-direct", "AC-indirect", "AE-reply", "BC")
VERDICTS = ("sent", "applied", "duplicate", "no_change", "conflict", "bad_signature", "certificate", "malformed",
            "unknown_order", "mismatch", "error")
ONE_OF_TWO = "(acknowledgement_id IS NULL) <> (notice_id IS NULL)"  # an item is an ACR/ECR or a notice
FPX_HAS_ITS_AR = "channel <> 'fpx' OR (msg_token IS NOT NULL AND bank_id IS NOT NULL AND ar_fields IS NOT NULL)"


class PaymentAttempt(BaseModel):
    """One payment by any channel (core.payment_channels): for FPX an attempt (an AR), committed before the
    browser is sent to the exchange; for EFT the slip awaiting an officer; for direct debit the debit sent to
    the bank; at the counter or from the bank's collection file the payment recorded.

    `status` moves only forward: created -> pending (FPX 09/99; an EFT slip; a debit sent) -> succeeded or
    failed (FPX's final code; an EFT rejected; a debit refused); needs_review when reconciliation could not
    get a final answer from FPX. `succeeded` is terminal. The msg_token, bank_id and ar_fields columns are
    FPX's (NULL for the other channels); `reference` is the other channels' (the EFT's payment reference, the
    cheque number, the bank's reference).
    """

    order_no = CharField(max_length=20, unique=True)  # fpx_sellerExOrderNo (and fpx_sellerOrderNo)
    employer = ForeignKeyField(Employer, backref="payments", on_delete="RESTRICT")
    user = ForeignKeyField(User, backref="+", on_delete="RESTRICT")  # who paid, or the officer/teller recording it
    channel = CharField(max_length=12, default=FPX, constraints=[one_of("channel", CHANNELS)])
    msg_token = CharField(max_length=2, null=True, constraints=[one_of("msg_token", FPX_TOKENS)])
    amount = BigIntegerField(constraints=[not_negative("amount")])  # sen
    bank_id = CharField(max_length=10, null=True)
    email = CharField(max_length=254)
    status = CharField(max_length=12, default="created", constraints=[one_of("status", PAYMENT_STATUSES)])
    reference = CharField(max_length=60, null=True)
    ar_fields = TextField(null=True)  # FPX: JSON of the signed AR as sent (every AC is compared with it, AE is built
    # from it)
    fpx_txn_id = CharField(max_length=20, null=True)
    fpx_txn_time = CharField(max_length=14, null=True)
    debit_auth_code = CharField(max_length=2, null=True)
    debit_auth_no = CharField(max_length=20, null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    completed_at = DateTimeField(null=True)  # when it succeeded or failed
    paid_on = DateField(null=True)  # the Malaysian day the success was recorded: late interest runs to it
    # Reconciliation: the next AE is due at next_check_at; a worker claims it with a lease (claimed_until).
    next_check_at = DateTimeField(null=True)
    checks = IntegerField(default=0, constraints=[not_negative("checks")])
    claimed_until = DateTimeField(null=True)
    last_check_error = CharField(max_length=200, null=True)
    review_reason = CharField(max_length=200, null=True)

    class Meta:
        indexes = ((("status", "next_check_at"), False), (("employer", "created_at"), False),
                   (("channel", "status", "created_at"), False))
        constraints = [Check(FPX_HAS_ITS_AR)]


class FclbNotice(BaseModel):
    """Faedah Caruman Lewat Bayar: the interest on an ACR/ECR paid after its deadline, itself payable."""

    number = CharField(max_length=17, unique=True)
    employer = ForeignKeyField(Employer, backref="notices", on_delete="RESTRICT")
    acknowledgement = ForeignKeyField(Acknowledgement, unique=True, backref="notices", on_delete="RESTRICT")
    attempt = ForeignKeyField(PaymentAttempt, backref="notices", on_delete="RESTRICT")  # the late payment
    amount = BigIntegerField(constraints=[not_negative("amount")])  # the interest, sen
    late_amount = BigIntegerField(constraints=[not_negative("late_amount")])  # what was paid late, sen
    paid_on = DateField()
    days_late = IntegerField(constraints=[not_negative("days_late")])
    status = CharField(max_length=10, default="unpaid", constraints=[one_of("status", NOTICE_STATUSES)])
    created_at = DateTimeField(default=utcnow)


class PaymentItem(BaseModel):
    """An ACR/ECR or an FCLB notice in a payment, with the amount it pays (sen)."""

    attempt = ForeignKeyField(PaymentAttempt, backref="items", on_delete="RESTRICT")
    acknowledgement = ForeignKeyField(Acknowledgement, null=True, backref="payment_items", on_delete="RESTRICT")
    notice = ForeignKeyField(FclbNotice, null=True, backref="payment_items", on_delete="RESTRICT")
    amount = BigIntegerField(constraints=[not_negative("amount")])
    state = CharField(max_length=10, default="open", constraints=[one_of("state", ITEM_STATES)])

    class Meta:
        constraints = [Check(ONE_OF_TWO)]


for _column in (PaymentItem.acknowledgement, PaymentItem.notice):
    PaymentItem.add_index(_column, unique=True, where=PaymentItem.state == "paid",
                          name=f"payment_item_{_column.name}_paid_once")  # I1
    PaymentItem.add_index(_column, unique=True, where=PaymentItem.state.in_(("open", "paid")),
                          name=f"payment_item_{_column.name}_live_once")  # not in two payments at once


class Receipt(BaseModel):
    """The receipt of a succeeded payment (Receipt No.: the year and a running number)."""

    number = CharField(max_length=14, unique=True)
    attempt = ForeignKeyField(PaymentAttempt, unique=True, backref="receipts", on_delete="RESTRICT")
    employer = ForeignKeyField(Employer, backref="receipts", on_delete="RESTRICT")
    amount = BigIntegerField(constraints=[not_negative("amount")])
    created_at = DateTimeField(default=utcnow)


class CartItem(BaseModel):
    """The payment cart, on the server per user and employer (a phone and the office PC see one cart)."""

    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    employer = ForeignKeyField(Employer, backref="+", on_delete="CASCADE")
    acknowledgement = ForeignKeyField(Acknowledgement, null=True, backref="+", on_delete="CASCADE")
    notice = ForeignKeyField(FclbNotice, null=True, backref="+", on_delete="CASCADE")
    added_at = DateTimeField(default=utcnow)

    class Meta:
        constraints = [Check(ONE_OF_TWO)]
        indexes = ((("user", "employer", "acknowledgement"), True), (("user", "employer", "notice"), True))


class GatewayMessage(BaseModel):
    """Every message to and from FPX, raw, with what the portal made of it (I3). Append-only: rows are
    never updated or deleted (database triggers refuse it)."""

    received_at = DateTimeField(default=utcnow)
    direction = CharField(max_length=3, constraints=[one_of("direction", ("in", "out"))])
    kind = CharField(max_length=12, constraints=[one_of("kind", MESSAGE_KINDS)])
    attempt = ForeignKeyField(PaymentAttempt, null=True, backref="messages")
    order_no = CharField(max_length=60, null=True)  # fpx_sellerExOrderNo as the message says it
    fpx_txn_id = CharField(max_length=30, null=True)
    debit_auth_code = CharField(max_length=10, null=True)
    verdict = CharField(max_length=16, constraints=[one_of("verdict", VERDICTS)])
    note = CharField(max_length=300, default="")
    raw = TextField()

    class Meta:
        indexes = ((("attempt", "received_at"), False),)


# The dedupe key of ACs (payments.md B.1): (fpxTxnId, debitAuthCode) changes an attempt at most once.
GatewayMessage.add_index(GatewayMessage.fpx_txn_id, GatewayMessage.debit_auth_code, unique=True,
                         where=GatewayMessage.verdict == "applied", name="gateway_message_applied_once")

PAYMENT_MODELS = [PaymentAttempt, FclbNotice, PaymentItem, Receipt, CartItem, GatewayMessage]

# Migration 0006 creates these (a copy of the SQL lives there, frozen); tests use them to empty the table.
APPEND_ONLY_SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS gateway_message_no_update BEFORE UPDATE ON gateway_message "
    "BEGIN SELECT RAISE(ABORT, 'gateway_message is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS gateway_message_no_delete BEFORE DELETE ON gateway_message "
    "BEGIN SELECT RAISE(ABORT, 'gateway_message is append-only'); END",
]
APPEND_ONLY_POSTGRES = [
    "CREATE OR REPLACE FUNCTION gateway_message_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "RAISE EXCEPTION 'gateway_message is append-only' USING ERRCODE = 'integrity_constraint_violation'; END $$",
    "DROP TRIGGER IF EXISTS gateway_message_append_only ON gateway_message",
    "CREATE TRIGGER gateway_message_append_only BEFORE UPDATE OR DELETE ON gateway_message "
    "FOR EACH ROW EXECUTE FUNCTION gateway_message_append_only()",
]
