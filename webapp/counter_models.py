"""The store of the bank counter (QRG 8, issue 12): what a teller recorded, and the banks' collection files with
their lines and the exceptions queue.

Every payment itself is a `payment_attempt` (channel counter or collection) with its item, settled like any
other (webapp.services.settlement); these tables say how it was made. Nothing here is ever updated or
deleted: triggers (migration 0016) refuse it, and an exception is worked by adding its resolution.
The database keeps what matters:
- a cheque (bank, serial number) pays one document at most; a teller's form (its one-time token) records
  once however often it is sent;
- a file (its sha256) is imported once; a bank's reference names one collection (a partial unique index
  over the lines that are not repeats of an earlier one);
- a payment is the outcome of at most one collection line; a line is resolved at most once.
"""

from peewee import BigIntegerField, CharField, Check, DateField, DateTimeField, ForeignKeyField, IntegerField

from core.counter import METHODS
from webapp.clock import utcnow
from webapp.models import Acknowledgement, BaseModel, User, not_negative, one_of
from webapp.payment_models import PaymentAttempt

LINE_OUTCOMES = ("matched", "confirmed", "duplicate", "exception")
EXCEPTION_REASONS = ("unknown_number", "amount_differs", "already_paid", "held", "cancelled", "reference_reused")
A_CHEQUE_HAS_ITS_NUMBER = "method <> 'cheque' OR (bank IS NOT NULL AND cheque_no IS NOT NULL)"
AN_EXCEPTION_HAS_ITS_REASON = "(outcome = 'exception') = (reason IS NOT NULL)"


class CounterPayment(BaseModel):
    """A payment a bank teller recorded at the counter: cash, or a cheque (one cheque, one document)."""

    attempt = ForeignKeyField(PaymentAttempt, unique=True, backref="+", on_delete="RESTRICT")
    acknowledgement = ForeignKeyField(Acknowledgement, backref="+", on_delete="RESTRICT")
    teller = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    method = CharField(max_length=6, constraints=[one_of("method", METHODS)])
    bank = CharField(max_length=6, null=True)  # core.counter.BANKS, a cheque's drawee bank
    cheque_no = CharField(max_length=6, null=True)
    amount = BigIntegerField(constraints=[not_negative("amount")])  # sen, received
    token = CharField(max_length=43, unique=True)  # the form's one-time token: a double press records once
    created_at = DateTimeField(default=utcnow)

    class Meta:
        constraints = [Check(A_CHEQUE_HAS_ITS_NUMBER)]


CounterPayment.add_index(CounterPayment.bank, CounterPayment.cheque_no, unique=True,
                         where=CounterPayment.method == "cheque", name="counter_payment_cheque_once")


class CollectionFile(BaseModel):
    """One bank's daily collection file, as an officer imported it (core.collection_file)."""

    fingerprint = CharField(max_length=64, unique=True)  # sha256 of the bytes: the same file is imported once
    bank = CharField(max_length=6)  # core.counter.BANKS: whose counters collected
    filename = CharField(max_length=255)
    lines = IntegerField(constraints=[not_negative("lines")])
    imported_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    imported_at = DateTimeField(default=utcnow)


class CollectionLine(BaseModel):
    """A line of a collection file and what became of it: matched (paid, with a receipt), confirmed (the
    teller's counter payment of it, seen again in the bank's file), duplicate (a line imported before:
    nothing changed), or an exception for an officer, with its reason."""

    file = ForeignKeyField(CollectionFile, backref="+", on_delete="RESTRICT")
    line_no = IntegerField()
    day = DateField()
    number = CharField(max_length=15)  # the ACR/ECR number as the file says it
    amount = BigIntegerField(constraints=[not_negative("amount")])  # sen
    bank = CharField(max_length=6)
    reference = CharField(max_length=30)
    raw = CharField(max_length=200)
    outcome = CharField(max_length=10, constraints=[one_of("outcome", LINE_OUTCOMES)])
    reason = CharField(max_length=20, null=True, constraints=[one_of("reason", EXCEPTION_REASONS)])
    acknowledgement = ForeignKeyField(Acknowledgement, null=True, backref="+", on_delete="RESTRICT")
    attempt = ForeignKeyField(PaymentAttempt, null=True, backref="+", on_delete="RESTRICT")
    repeats = ForeignKeyField("self", null=True, backref="+")  # the line seen first (NO ACTION, not RESTRICT:
    # RESTRICT is checked row by row, so even emptying the table in tests would fail; rows are never deleted)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        constraints = [Check(AN_EXCEPTION_HAS_ITS_REASON)]
        indexes = ((("file", "line_no"), True), (("outcome", "created_at"), False))


CollectionLine.add_index(CollectionLine.bank, CollectionLine.reference, unique=True,
                         where=CollectionLine.repeats.is_null(), name="collection_line_reference_once")
CollectionLine.add_index(CollectionLine.attempt, unique=True, where=CollectionLine.attempt.is_null(False),
                         name="collection_line_attempt_once")


class CollectionResolution(BaseModel):
    """An officer's resolution of an exception (refunded, paid by another channel ...): once per line."""

    line = ForeignKeyField(CollectionLine, unique=True, backref="+", on_delete="RESTRICT")
    note = CharField(max_length=300)
    resolved_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    resolved_at = DateTimeField(default=utcnow)


COUNTER_MODELS = [CounterPayment, CollectionFile, CollectionLine, CollectionResolution]
APPEND_ONLY_TABLES = ("counter_payment", "collection_file", "collection_line", "collection_resolution")


def append_only_sql(postgres: bool) -> list[str]:
    """The triggers that refuse UPDATE and DELETE on these tables (migration 0016 keeps a frozen copy)."""
    statements = []
    for table in APPEND_ONLY_TABLES:
        if postgres:
            statements += [
                f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"RAISE EXCEPTION '{table} is append-only' USING ERRCODE = 'integrity_constraint_violation'; END $$",
                f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"]
        else:
            statements += [f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END" for verb in ("UPDATE", "DELETE")]
    return statements
