"""Every way of paying is a payment (issue 12): payment_attempt gains `channel` (fpx, eft, direct_debit,
counter, collection; existing rows are FPX) and `reference` (an EFT's payment reference, a cheque number, a
bank's reference); msg_token, bank_id and ar_fields become FPX's own (NULL for the other channels, and a check
keeps them present for FPX). The items, receipts and notices keep pointing at payment_attempt, so the
invariants of issue 11 (paid once; held by one live payment) hold for every channel.

SQLite cannot drop NOT NULL: the table is rebuilt (new table, copy, drop, rename) with foreign keys off (the
migrator turns them off) and checked at the end, as in 0004. A frozen copy of the model as it is here.
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

CHANNELS = ("fpx", "eft", "direct_debit", "counter", "collection")
FPX_HAS_ITS_AR = "channel <> 'fpx' OR (msg_token IS NOT NULL AND bank_id IS NOT NULL AND ar_fields IS NOT NULL)"


def _now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def _one_of(column, values):
    return Check(f"{column} IN ({', '.join(repr(v) for v in values)})")


def _not_negative(column):
    return Check(f"{column} >= 0")


def _payment_attempt(db):
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

    class PaymentAttempt(Base):
        order_no = CharField(max_length=20, unique=True)
        employer = ForeignKeyField(Employer, backref="+", on_delete="RESTRICT")
        user = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
        channel = CharField(max_length=12, default="fpx", constraints=[_one_of("channel", CHANNELS)])
        msg_token = CharField(max_length=2, null=True, constraints=[_one_of("msg_token", ("01", "02"))])
        amount = BigIntegerField(constraints=[_not_negative("amount")])
        bank_id = CharField(max_length=10, null=True)
        email = CharField(max_length=254)
        status = CharField(max_length=12, default="created", constraints=[
            _one_of("status", ("created", "pending", "succeeded", "failed", "needs_review"))])
        reference = CharField(max_length=60, null=True)
        ar_fields = TextField(null=True)
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
            indexes = ((("status", "next_check_at"), False), (("employer", "created_at"), False),
                       (("channel", "status", "created_at"), False))
            constraints = [Check(FPX_HAS_ITS_AR)]

    return PaymentAttempt


def _rebuild_sqlite(db, model):
    """New table with the new columns (channel 'fpx' for every existing row), copy, drop, rename, indexes."""
    table = model._meta.table_name
    new = ("channel", "reference")
    old = [f'"{field.column_name}"' for field in model._meta.sorted_fields if field.name not in new]
    temporary = type(f"{model.__name__}Rebuilt", (model,), {"Meta": type("Meta", (), {"table_name": f"{table}__new"})})
    temporary._schema.create_table(safe=False)
    columns = ", ".join(old)
    db.execute_sql(f'INSERT INTO "{table}__new" ({columns}, "channel") '  # noqa: S608
                   f"SELECT {columns}, 'fpx' FROM \"{table}\"")
    db.execute_sql(f'DROP TABLE "{table}"')
    db.execute_sql(f'ALTER TABLE "{table}__new" RENAME TO "{table}"')
    model._schema.create_indexes(safe=False)


def up(migrator, db):
    model = _payment_attempt(db)
    if isinstance(migrator, PostgresqlMigrator):  # `db` may be a DatabaseProxy
        migrate(migrator.add_column("payment_attempt", "channel", model.channel),  # with its CHECK
                migrator.add_column("payment_attempt", "reference", model.reference),
                migrator.drop_not_null("payment_attempt", "msg_token"),
                migrator.drop_not_null("payment_attempt", "bank_id"),
                migrator.drop_not_null("payment_attempt", "ar_fields"),
                migrator.add_constraint("payment_attempt", "payment_attempt_fpx_has_its_ar", Check(FPX_HAS_ITS_AR)))
        model._schema.create_indexes(safe=True)
        return
    _rebuild_sqlite(db, model)
    broken = db.execute_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"Foreign keys broken by the rebuild: {broken}")
