"""The store of EFT payments (QRG 6, payments.md B.2): the employer's EFT registration per scheme, and each
EFT payment's slip, awaiting an officer's verification.

The money side of an EFT is a `payment_attempt` of channel `eft` (its items held while it waits, settled or
released by webapp.services.settlement); the row here adds what only an EFT has: the scheme, the payment date
the employer typed, the uploaded slip, who submitted it, and the officers' decisions (maker-checker). The
database keeps the rules that matter, not only the code:
- one registration per employer and scheme; one EFT row per payment; a slip is the proof of one payment only;
- whoever submitted a payment never approves or verifies it, and the officer who gave the first approval of a
  payment that needs two is not the one who verifies it (CHECK constraints).
Nothing is deleted: a rejected payment keeps its row, its slip and the reason.
"""

from peewee import BigIntegerField, CharField, Check, DateField, DateTimeField, ForeignKeyField

from webapp.clock import utcnow
from webapp.models import BaseModel, Employer, StoredFile, User, not_negative, one_of
from webapp.payment_models import PaymentAttempt

SCHEMES = ("socso", "eis")
EFT_STATUSES = ("submitted", "checked", "verified", "rejected")  # checked: first of two approvals given
OPEN_STATUSES = ("submitted", "checked")  # waiting for an officer
NOT_THE_SUBMITTER = ("(decided_by_id IS NULL OR decided_by_id <> submitted_by_id) AND "
                     "(first_officer_id IS NULL OR first_officer_id <> submitted_by_id)")
TWO_OFFICERS = "status <> 'verified' OR first_officer_id IS NULL OR first_officer_id <> decided_by_id"


class EftRegistration(BaseModel):
    """ELECTRONIC FUND TRANSFER, Registration: once per employer and scheme (Email Address, Contact No.,
    Officer Name). The receipts of its EFT payments are emailed to its Email Address."""

    employer = ForeignKeyField(Employer, backref="+", on_delete="RESTRICT")
    scheme = CharField(max_length=5, constraints=[one_of("scheme", SCHEMES)])
    email = CharField(max_length=254)
    contact_no = CharField(max_length=15)
    officer_name = CharField(max_length=150)
    registered_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    registered_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("employer", "scheme"), True),)


class EftPayment(BaseModel):
    """An EFT payment with its slip: `submitted` until an officer verifies it (`verified`, the attempt settled)
    or rejects it (`rejected`, the attempt failed and its items free again); `checked` when an amount above the
    threshold has its first approval and waits for a second, different officer."""

    attempt = ForeignKeyField(PaymentAttempt, unique=True, backref="+", on_delete="RESTRICT")
    registration = ForeignKeyField(EftRegistration, backref="payments", on_delete="RESTRICT")
    payment_date = DateField()  # the day of the transfer, as the employer gives it
    slip = ForeignKeyField(StoredFile, unique=True, backref="+", on_delete="RESTRICT")
    submitted_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    submitted_at = DateTimeField(default=utcnow)
    status = CharField(max_length=10, default="submitted", constraints=[one_of("status", EFT_STATUSES)])
    first_officer = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    first_approved_at = DateTimeField(null=True)
    decided_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    decided_at = DateTimeField(null=True)
    statement_amount = BigIntegerField(null=True, constraints=[not_negative("statement_amount")])  # sen
    statement_reference = CharField(max_length=60, null=True)
    reason = CharField(max_length=500, null=True)  # why it was rejected, as the employer is told

    class Meta:
        indexes = ((("status", "submitted_at"), False),)
        constraints = [Check(NOT_THE_SUBMITTER), Check(TWO_OFFICERS)]


EFT_MODELS = [EftRegistration, EftPayment]
