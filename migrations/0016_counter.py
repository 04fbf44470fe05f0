"""The bank counter (issue 12, QRG 8): what a teller recorded (cash or a cheque), the banks' collection files,
their lines and the officers' resolutions of the exceptions. All four tables are append-only: triggers refuse
UPDATE and DELETE on SQLite and PostgreSQL. Frozen copies of the models as they are in this migration.
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
)
from playhouse.migrate import PostgresqlMigrator

TABLES = ("counter_payment", "collection_file", "collection_line", "collection_resolution")
OUTCOMES = ("matched", "confirmed", "duplicate", "exception")
REASONS = ("unknown_number", "amount_differs", "already_paid", "held", "cancelled", "reference_reused")


def _now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def _one_of(column, values):
    return Check(f"{column} IN ({', '.join(repr(v) for v in values)})")


def _not_negative(column):
    return Check(f"{column} >= 0")


def _triggers(postgres):
    statements = []
    for table in TABLES:
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


def _models(db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    def stub(name):
        return type(name.title().replace("_", ""), (Base,), {"Meta": type("Meta", (), {"table_name": name})})

    user, acknowledgement, attempt = (stub(n) for n in ("user", "acknowledgement", "payment_attempt"))

    class CounterPayment(Base):
        attempt_ = ForeignKeyField(attempt, unique=True, backref="+", on_delete="RESTRICT", column_name="attempt_id")
        acknowledgement_ = ForeignKeyField(acknowledgement, backref="+", on_delete="RESTRICT",
                                           column_name="acknowledgement_id")
        teller = ForeignKeyField(user, backref="+", on_delete="RESTRICT")
        method = CharField(max_length=6, constraints=[_one_of("method", ("cash", "cheque"))])
        bank = CharField(max_length=6, null=True)
        cheque_no = CharField(max_length=6, null=True)
        amount = BigIntegerField(constraints=[_not_negative("amount")])
        token = CharField(max_length=43, unique=True)
        created_at = DateTimeField(default=_now)

        class Meta:
            table_name = "counter_payment"
            constraints = [Check("method <> 'cheque' OR (bank IS NOT NULL AND cheque_no IS NOT NULL)")]

    CounterPayment.add_index(CounterPayment.bank, CounterPayment.cheque_no, unique=True,
                             where=CounterPayment.method == "cheque", name="counter_payment_cheque_once")

    class CollectionFile(Base):
        fingerprint = CharField(max_length=64, unique=True)
        bank = CharField(max_length=6)
        filename = CharField(max_length=255)
        lines = IntegerField(constraints=[_not_negative("lines")])
        imported_by = ForeignKeyField(user, backref="+", on_delete="RESTRICT")
        imported_at = DateTimeField(default=_now)

        class Meta:
            table_name = "collection_file"

    class CollectionLine(Base):
        file = ForeignKeyField(CollectionFile, backref="+", on_delete="RESTRICT")
        line_no = IntegerField()
        day = DateField()
        number = CharField(max_length=15)
        amount = BigIntegerField(constraints=[_not_negative("amount")])
        bank = CharField(max_length=6)
        reference = CharField(max_length=30)
        raw = CharField(max_length=200)
        outcome = CharField(max_length=10, constraints=[_one_of("outcome", OUTCOMES)])
        reason = CharField(max_length=20, null=True, constraints=[_one_of("reason", REASONS)])
        acknowledgement_ = ForeignKeyField(acknowledgement, null=True, backref="+", on_delete="RESTRICT",
                                           column_name="acknowledgement_id")
        attempt_ = ForeignKeyField(attempt, null=True, backref="+", on_delete="RESTRICT", column_name="attempt_id")
        repeats = ForeignKeyField("self", null=True, backref="+")
        created_at = DateTimeField(default=_now)

        class Meta:
            table_name = "collection_line"
            constraints = [Check("(outcome = 'exception') = (reason IS NOT NULL)")]
            indexes = ((("file", "line_no"), True), (("outcome", "created_at"), False))

    CollectionLine.add_index(CollectionLine.bank, CollectionLine.reference, unique=True,
                             where=CollectionLine.repeats.is_null(), name="collection_line_reference_once")
    CollectionLine.add_index(CollectionLine.attempt_, unique=True, where=CollectionLine.attempt_.is_null(False),
                             name="collection_line_attempt_once")

    class CollectionResolution(Base):
        line = ForeignKeyField(CollectionLine, unique=True, backref="+", on_delete="RESTRICT")
        note = CharField(max_length=300)
        resolved_by = ForeignKeyField(user, backref="+", on_delete="RESTRICT")
        resolved_at = DateTimeField(default=_now)

        class Meta:
            table_name = "collection_resolution"

    return [CounterPayment, CollectionFile, CollectionLine, CollectionResolution]


def up(migrator, db):
    db.create_tables(_models(db))
    for statement in _triggers(isinstance(migrator, PostgresqlMigrator)):  # `db` may be a DatabaseProxy
        db.execute_sql(statement)
