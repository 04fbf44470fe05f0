"""Integrity before money (issue 8): 64-bit money columns, CHECK constraints on statuses, kinds and amounts,
one live regular bill per employer, month and act (whatever the type), one open draft per month and schemes,
nil returns (an acknowledgement without a number), and the lockout's count of password checks under way.

PostgreSQL alters the tables in place. SQLite cannot add a CHECK to an existing table, so each of the three
contribution tables is rebuilt the way SQLite documents (create the new table, copy, drop, rename) inside
the migration's transaction, with foreign keys off (the migrator turns them off) and checked at the end.
Frozen copies of the models as they are after this migration.
"""

import datetime

from peewee import (
    BigIntegerField,
    BooleanField,
    CharField,
    Check,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
)
from playhouse.migrate import PostgresqlMigrator, migrate


def _now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def _one_of(column, values):
    return Check(f"{column} IN ({', '.join(repr(v) for v in values)})")


def _not_negative(column):
    return Check(f"{column} >= 0")


TYPES = ("monthly", "arrears", "short")
MEDIUMS = ("8A", "TEXT")
SHARES = ("socso_employer", "socso_employee", "eis_employer", "eis_employee", "skbbk_employee")


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

    class Employment(Base):
        class Meta:
            table_name = "employment"

    class Submission(Base):
        employer = ForeignKeyField(Employer, on_delete="CASCADE")
        month = DateField()
        type = CharField(max_length=10, constraints=[_one_of("type", TYPES)])
        with_socso = BooleanField()
        with_eis = BooleanField()
        medium = CharField(max_length=10, default="8A", constraints=[_one_of("medium", MEDIUMS)])
        status = CharField(max_length=10, default="draft",
                           constraints=[_one_of("status", ("draft", "complete", "confirmed", "cancelled"))])
        confirm_token = CharField(max_length=43)
        created_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
        created_at = DateTimeField(default=_now)
        confirmed_at = DateTimeField(null=True)

        class Meta:
            table_name = "submission"

    open_ = Submission.status.in_(("draft", "complete"))
    Submission.add_index(Submission.employer, Submission.month, Submission.with_socso, Submission.with_eis,
                         unique=True, where=open_ & (Submission.type != "short"), name="submission_open_regular_unique")
    Submission.add_index(Submission.employer, Submission.month, Submission.with_socso, Submission.with_eis,
                         unique=True, where=open_ & (Submission.type == "short"), name="submission_open_short_unique")

    class SubmissionLine(Base):
        submission = ForeignKeyField(Submission, on_delete="CASCADE")
        employment = ForeignKeyField(Employment, backref="+", on_delete="RESTRICT")
        position = IntegerField()
        status = CharField(max_length=10, default="active",
                           constraints=[_one_of("status", ("active", "new", "left", "no_wages"))])
        wages = BigIntegerField(null=True, constraints=[_not_negative("wages")])
        socso_employer = BigIntegerField(default=0, constraints=[_not_negative("socso_employer")])
        socso_employee = BigIntegerField(default=0, constraints=[_not_negative("socso_employee")])
        eis_employer = BigIntegerField(default=0, constraints=[_not_negative("eis_employer")])
        eis_employee = BigIntegerField(default=0, constraints=[_not_negative("eis_employee")])
        skbbk_employee = BigIntegerField(default=0, constraints=[_not_negative("skbbk_employee")])

        class Meta:
            table_name = "submission_line"
            indexes = ((("submission", "employment"), True),)

    class Acknowledgement(Base):
        number = CharField(max_length=15, unique=True, null=True)
        kind = CharField(max_length=3, constraints=[_one_of("kind", ("ACR", "ECR"))])
        submission = ForeignKeyField(Submission, on_delete="RESTRICT")
        employer = ForeignKeyField(Employer, on_delete="RESTRICT")
        month = DateField()
        type = CharField(max_length=10, constraints=[_one_of("type", TYPES)])
        medium = CharField(max_length=10, constraints=[_one_of("medium", MEDIUMS)])
        employees = IntegerField(constraints=[_not_negative("employees")])
        amount = BigIntegerField(constraints=[_not_negative("amount")])
        status = CharField(max_length=10, default="unpaid",
                           constraints=[_one_of("status", ("unpaid", "paid", "cancelled", "nil"))])
        created_at = DateTimeField(default=_now)
        cancelled_at = DateTimeField(null=True)

        class Meta:
            table_name = "acknowledgement"

    live = Acknowledgement.status != "cancelled"
    Acknowledgement.add_index(Acknowledgement.employer, Acknowledgement.month, Acknowledgement.kind, unique=True,
                              where=live & (Acknowledgement.type != "short"), name="acknowledgement_live_bill")
    Acknowledgement.add_index(Acknowledgement.employer, Acknowledgement.month, Acknowledgement.kind, unique=True,
                              where=live & (Acknowledgement.type == "short"), name="acknowledgement_live_short")
    return Submission, SubmissionLine, Acknowledgement


def _refuse_two_live_bills(db):
    """Before the one-bill index: if a month already has two live regular ACRs (or ECRs), say which."""
    twice = db.execute_sql(
        "SELECT employer_id, month, kind, COUNT(*) FROM acknowledgement WHERE status != 'cancelled' "
        "AND type != 'short' GROUP BY employer_id, month, kind HAVING COUNT(*) > 1").fetchall()
    if twice:
        raise RuntimeError(f"Two live bills for one month (employer, month, kind, count): {twice}. Cancel the "
                           "later one (it is unpaid: there are no payments yet), then migrate again.")


def _keep_one_open_draft(db):
    """Before the one-open-draft index: a month with two open drafts keeps the newest (older ones are set
    aside as cancelled, with their lines: nothing is deleted)."""
    db.execute_sql(
        "UPDATE submission SET status = 'cancelled' WHERE status IN ('draft', 'complete') AND EXISTS ("
        "SELECT 1 FROM submission AS newer WHERE newer.employer_id = submission.employer_id "
        "AND newer.month = submission.month AND newer.with_socso = submission.with_socso "
        "AND newer.with_eis = submission.with_eis AND newer.status IN ('draft', 'complete') "
        "AND (newer.type = 'short') = (submission.type = 'short') AND newer.id > submission.id)")


def _rebuild_sqlite(db, model):
    """SQLite's documented way to change a table's constraints: new table, copy, drop, rename, indexes."""
    table = model._meta.table_name
    columns = ", ".join(f'"{field.column_name}"' for field in model._meta.sorted_fields)
    temporary = type(f"{model.__name__}Rebuilt", (model,), {"Meta": type("Meta", (), {"table_name": f"{table}__new"})})
    temporary._schema.create_table(safe=False)
    db.execute_sql(f'INSERT INTO "{table}__new" ({columns}) SELECT {columns} FROM "{table}"')  # noqa: S608
    db.execute_sql(f'DROP TABLE "{table}"')
    db.execute_sql(f'ALTER TABLE "{table}__new" RENAME TO "{table}"')
    model._schema.create_indexes(safe=False)


def _alter_postgres(migrator, db):
    operations = [migrator.alter_column_type("submission_line", "wages", BigIntegerField(null=True)),
                  migrator.alter_column_type("acknowledgement", "amount", BigIntegerField()),
                  migrator.drop_not_null("acknowledgement", "number"),
                  migrator.drop_index("acknowledgement", "acknowledgement_live_unique")]
    operations += [migrator.alter_column_type("submission_line", name, BigIntegerField(default=0)) for name in SHARES]
    checks = {
        "submission": [("type", _one_of("type", TYPES)), ("medium", _one_of("medium", MEDIUMS)),
                       ("status", _one_of("status", ("draft", "complete", "confirmed", "cancelled")))],
        "submission_line": [("status", _one_of("status", ("active", "new", "left", "no_wages"))),
                            ("wages", _not_negative("wages"))]
        + [(name, _not_negative(name)) for name in SHARES],
        "acknowledgement": [("kind", _one_of("kind", ("ACR", "ECR"))), ("type", _one_of("type", TYPES)),
                            ("medium", _one_of("medium", MEDIUMS)), ("employees", _not_negative("employees")),
                            ("amount", _not_negative("amount")),
                            ("status", _one_of("status", ("unpaid", "paid", "cancelled", "nil")))],
    }
    operations += [migrator.add_constraint(table, f"{table}_{column}_check", check)
                   for table, pairs in checks.items() for column, check in pairs]
    migrate(*operations)


def up(migrator, db):
    _refuse_two_live_bills(db)
    _keep_one_open_draft(db)
    submission, line, acknowledgement = _models(db)
    if isinstance(migrator, PostgresqlMigrator):  # `db` may be a DatabaseProxy
        _alter_postgres(migrator, db)
        for model in (submission, acknowledgement):
            model._schema.create_indexes(safe=True)  # the new partial indexes; the others exist already
    else:
        for model in (submission, line, acknowledgement):
            _rebuild_sqlite(db, model)
        broken = db.execute_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"Foreign keys broken by the rebuild: {broken}")
    migrate(migrator.add_column("login_throttle", "pending", IntegerField(default=0)),
            migrator.add_column("login_throttle", "pending_since", DateTimeField(null=True)))
