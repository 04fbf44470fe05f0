"""Paying online (issue 11): FPX payment attempts and their items, the append-only gateway messages, the
server-side cart, receipts and FCLB notices; outbox attachments built at delivery (`source`). Frozen copies
of the models as they are in this migration.

The partial unique indexes keep I1 (an item paid once) and "an item in a payment in flight is in no other
payment"; triggers make gateway_message append-only (UPDATE and DELETE are refused) on both databases.
"""

import datetime

from peewee import (
    BigIntegerField,
    CharField,
    Check,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)
from playhouse.migrate import PostgresqlMigrator, migrate


def _now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def _one_of(column, values):
    return Check(f"{column} IN ({', '.join(repr(v) for v in values)})")


def _not_negative(column):
    return Check(f"{column} >= 0")


ONE_OF_TWO = "(acknowledgement_id IS NULL) <> (notice_id IS NULL)"
SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS gateway_message_no_update BEFORE UPDATE ON gateway_message "
    "BEGIN SELECT RAISE(ABORT, 'gateway_message is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS gateway_message_no_delete BEFORE DELETE ON gateway_message "
    "BEGIN SELECT RAISE(ABORT, 'gateway_message is append-only'); END",
]
POSTGRES_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION gateway_message_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "RAISE EXCEPTION 'gateway_message is append-only' USING ERRCODE = 'integrity_constraint_violation'; END $$",
    "DROP TRIGGER IF EXISTS gateway_message_append_only ON gateway_message",
    "CREATE TRIGGER gateway_message_append_only BEFORE UPDATE OR DELETE ON gateway_message "
    "FOR EACH ROW EXECUTE FUNCTION gateway_message_append_only()",
]


def _models(db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "user"

    class Employer(Base):
        class Meta:
            table_name = "employer"

    class Acknowledgement(Base):
        class Meta:
            table_name = "acknowledgement"

    class PaymentAttempt(Base):
        order_no = CharField(max_length=20, unique=True)
        employer = ForeignKeyField(Employer, backref="+", on_delete="RESTRICT")
        user = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
        msg_token = CharField(max_length=2, constraints=[_one_of("msg_token", ("01", "02"))])
        amount = BigIntegerField(constraints=[_not_negative("amount")])
        bank_id = CharField(max_length=10)
        email = CharField(max_length=254)
        status = CharField(max_length=12, default="created", constraints=[
            _one_of("status", ("created", "pending", "succeeded", "failed", "needs_review"))])
        ar_fields = TextField()
        fpx_txn_id = CharField(max_length=20, null=True)
        fpx_txn_time = CharField(max_length=14, null=True)
        debit_auth_code = CharField(max_length=2, null=True)
        debit_auth_no = CharField(max_length=20, null=True)
        created_at = DateTimeField(default=_now)
        updated_at = DateTimeField(default=_now)
        completed_at = DateTimeField(null=True)
        paid_on = DateField(null=True)
        next_check_at = DateTimeField(null=True)
        checks = IntegerField(default=0, constraints=[_not_negative("checks")])
        claimed_until = DateTimeField(null=True)
        last_check_error = CharField(max_length=200, null=True)
        review_reason = CharField(max_length=200, null=True)

        class Meta:
            table_name = "payment_attempt"
            indexes = ((("status", "next_check_at"), False), (("employer", "created_at"), False))

    class FclbNotice(Base):
        number = CharField(max_length=17, unique=True)
        employer = ForeignKeyField(Employer, backref="+", on_delete="RESTRICT")
        acknowledgement = ForeignKeyField(Acknowledgement, unique=True, backref="+", on_delete="RESTRICT")
        attempt = ForeignKeyField(PaymentAttempt, backref="+", on_delete="RESTRICT")
        amount = BigIntegerField(constraints=[_not_negative("amount")])
        late_amount = BigIntegerField(constraints=[_not_negative("late_amount")])
        paid_on = DateField()
        days_late = IntegerField(constraints=[_not_negative("days_late")])
        status = CharField(max_length=10, default="unpaid", constraints=[_one_of("status", ("unpaid", "paid"))])
        created_at = DateTimeField(default=_now)

        class Meta:
            table_name = "fclb_notice"

    class PaymentItem(Base):
        attempt = ForeignKeyField(PaymentAttempt, backref="+", on_delete="RESTRICT")
        acknowledgement = ForeignKeyField(Acknowledgement, null=True, backref="+", on_delete="RESTRICT")
        notice = ForeignKeyField(FclbNotice, null=True, backref="+", on_delete="RESTRICT")
        amount = BigIntegerField(constraints=[_not_negative("amount")])
        state = CharField(max_length=10, default="open",
                          constraints=[_one_of("state", ("open", "paid", "released"))])

        class Meta:
            table_name = "payment_item"
            constraints = [Check(ONE_OF_TWO)]

    for column in (PaymentItem.acknowledgement, PaymentItem.notice):
        PaymentItem.add_index(column, unique=True, where=PaymentItem.state == "paid",
                              name=f"payment_item_{column.name}_paid_once")
        PaymentItem.add_index(column, unique=True, where=PaymentItem.state.in_(("open", "paid")),
                              name=f"payment_item_{column.name}_live_once")

    class Receipt(Base):
        number = CharField(max_length=14, unique=True)
        attempt = ForeignKeyField(PaymentAttempt, unique=True, backref="+", on_delete="RESTRICT")
        employer = ForeignKeyField(Employer, backref="+", on_delete="RESTRICT")
        amount = BigIntegerField(constraints=[_not_negative("amount")])
        created_at = DateTimeField(default=_now)

        class Meta:
            table_name = "receipt"

    class CartItem(Base):
        user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
        employer = ForeignKeyField(Employer, backref="+", on_delete="CASCADE")
        acknowledgement = ForeignKeyField(Acknowledgement, null=True, backref="+", on_delete="CASCADE")
        notice = ForeignKeyField(FclbNotice, null=True, backref="+", on_delete="CASCADE")
        added_at = DateTimeField(default=_now)

        class Meta:
            table_name = "cart_item"
            constraints = [Check(ONE_OF_TWO)]
            indexes = ((("user", "employer", "acknowledgement"), True), (("user", "employer", "notice"), True))

    class GatewayMessage(Base):
        received_at = DateTimeField(default=_now)
        direction = CharField(max_length=3, constraints=[_one_of("direction", ("in", "out"))])
        kind = CharField(max_length=12, constraints=[
            _one_of("kind", ("AR", "AE", "BE", "AC-direct", "AC-indirect", "AE-reply", "BC"))])
        attempt = ForeignKeyField(PaymentAttempt, null=True, backref="+")
        order_no = CharField(max_length=60, null=True)
        fpx_txn_id = CharField(max_length=30, null=True)
        debit_auth_code = CharField(max_length=10, null=True)
        verdict = CharField(max_length=16, constraints=[_one_of("verdict", (
            "sent", "applied", "duplicate", "no_change", "conflict", "bad_signature", "certificate", "malformed",
            "unknown_order", "mismatch", "error"))])
        note = CharField(max_length=300, default="")
        raw = TextField()

        class Meta:
            table_name = "gateway_message"
            indexes = ((("attempt", "received_at"), False),)

    GatewayMessage.add_index(GatewayMessage.fpx_txn_id, GatewayMessage.debit_auth_code, unique=True,
                             where=GatewayMessage.verdict == "applied", name="gateway_message_applied_once")
    return [PaymentAttempt, FclbNotice, PaymentItem, Receipt, CartItem, GatewayMessage]


def up(migrator, db):
    db.create_tables(_models(db))
    # An email's attachment may be a document built when the mail goes out (the receipt PDF), named here.
    migrate(migrator.add_column("outbox_attachment", "source", CharField(max_length=60, null=True)))
    postgres = isinstance(migrator, PostgresqlMigrator)  # `db` may be a DatabaseProxy
    for statement in POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS:
        db.execute_sql(statement)
