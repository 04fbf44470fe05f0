"""Direct debit by e-Mandate (issue 12, QRG 7): mandates (one live per employer and scheme), the debits made
on them (each a payment_attempt of channel direct_debit), and every e-Mandate message, append-only (triggers
refuse UPDATE and DELETE, on SQLite and PostgreSQL). A frozen copy of the models as they are here."""

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
from playhouse.migrate import PostgresqlMigrator

SCHEMES = ("socso", "eis")
STATUSES = ("pending_authorisation", "awaiting_approval", "approved", "rejected", "terminated", "expired")
LIVE_STATUSES = ("pending_authorisation", "awaiting_approval", "approved")
MESSAGE_KINDS = ("AD", "AC-direct", "AC-indirect", "AE", "AE-reply", "MA", "MT", "DR", "DS", "DS-notice", "TR",
                 "TS")
VERDICTS = ("sent", "applied", "duplicate", "no_change", "conflict", "bad_signature", "certificate", "malformed",
            "unknown_order", "mismatch", "error")

SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS mandate_message_no_update BEFORE UPDATE ON mandate_message "
    "BEGIN SELECT RAISE(ABORT, 'mandate_message is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS mandate_message_no_delete BEFORE DELETE ON mandate_message "
    "BEGIN SELECT RAISE(ABORT, 'mandate_message is append-only'); END",
]
POSTGRES_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION mandate_message_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "RAISE EXCEPTION 'mandate_message is append-only' USING ERRCODE = 'integrity_constraint_violation'; END $$",
    "DROP TRIGGER IF EXISTS mandate_message_append_only ON mandate_message",
    "CREATE TRIGGER mandate_message_append_only BEFORE UPDATE OR DELETE ON mandate_message "
    "FOR EACH ROW EXECUTE FUNCTION mandate_message_append_only()",
]


def _now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def _one_of(column, values):
    return Check(f"{column} IN ({', '.join(repr(v) for v in values)})")


def _not_negative(column):
    return Check(f"{column} >= 0")


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    def stub(name):
        return type(name.title().replace("_", ""), (Base,), {"Meta": type("Meta", (), {"table_name": name})})

    user, employer, payment_attempt = (stub(n) for n in ("user", "employer", "payment_attempt"))

    class Mandate(Base):
        order_no = CharField(max_length=20, unique=True)
        employer_ = ForeignKeyField(employer, backref="+", on_delete="RESTRICT", column_name="employer_id")
        user_ = ForeignKeyField(user, backref="+", on_delete="RESTRICT", column_name="user_id")
        scheme = CharField(max_length=5, constraints=[_one_of("scheme", SCHEMES)])
        msg_token = CharField(max_length=2, constraints=[_one_of("msg_token", ("01", "02"))])
        bank_id = CharField(max_length=10)
        limit_sen = BigIntegerField(constraints=[_not_negative("limit_sen")])
        max_frequency = IntegerField(constraints=[_not_negative("max_frequency")])
        phone = CharField(max_length=15)
        email = CharField(max_length=254)
        effective_on = DateField()
        expiry_on = DateField()
        status = CharField(max_length=22, default="pending_authorisation", constraints=[_one_of("status", STATUSES)])
        mandate_id = CharField(max_length=20, null=True, unique=True)
        auth_code = CharField(max_length=2, null=True)
        ad_fields = TextField()
        created_at = DateTimeField(default=_now)
        updated_at = DateTimeField(default=_now)
        approved_on = DateField(null=True)
        terminated_at = DateTimeField(null=True)
        terminated_by = CharField(max_length=8, null=True,
                                  constraints=[_one_of("terminated_by", ("employer", "bank"))])
        bank_told_at = DateTimeField(null=True)

        class Meta:
            table_name = "mandate"
            indexes = ((("employer_", "scheme", "created_at"), False),)

    Mandate.add_index(Mandate.employer_, Mandate.scheme, unique=True, where=Mandate.status.in_(LIVE_STATUSES),
                      name="mandate_one_live_per_scheme")

    class MandateDebit(Base):
        attempt_ = ForeignKeyField(payment_attempt, unique=True, backref="+", on_delete="RESTRICT",
                                   column_name="attempt_id")
        mandate_ = ForeignKeyField(Mandate, backref="+", on_delete="RESTRICT", column_name="mandate_id")
        month = DateField()
        dr_fields = TextField()

        class Meta:
            table_name = "mandate_debit"
            indexes = ((("mandate_", "month"), False),)

    class MandateMessage(Base):
        received_at = DateTimeField(default=_now)
        direction = CharField(max_length=3, constraints=[_one_of("direction", ("in", "out"))])
        kind = CharField(max_length=12, constraints=[_one_of("kind", MESSAGE_KINDS)])
        mandate_ = ForeignKeyField(Mandate, null=True, backref="+", column_name="mandate_id")
        attempt_ = ForeignKeyField(payment_attempt, null=True, backref="+", column_name="attempt_id")
        order_no = CharField(max_length=60, null=True)
        fpx_txn_id = CharField(max_length=30, null=True)
        code = CharField(max_length=10, null=True)
        verdict = CharField(max_length=16, constraints=[_one_of("verdict", VERDICTS)])
        note = CharField(max_length=300, default="")
        raw = TextField()

        class Meta:
            table_name = "mandate_message"
            indexes = ((("mandate_", "received_at"), False), (("attempt_", "received_at"), False))

    MandateMessage.add_index(MandateMessage.order_no, MandateMessage.fpx_txn_id, MandateMessage.code, unique=True,
                             where=MandateMessage.verdict == "applied", name="mandate_message_applied_once")

    db.create_tables([Mandate, MandateDebit, MandateMessage])
    for statement in POSTGRES_TRIGGERS if isinstance(migrator, PostgresqlMigrator) else SQLITE_TRIGGERS:
        db.execute_sql(statement)
