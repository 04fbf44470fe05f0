"""The audit trail (issue 13): who changed money, people, confirmations, payments and the team, and when.
Append-only: triggers make the database refuse UPDATE and DELETE on it, on SQLite and PostgreSQL."""

import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, Model, TextField
from playhouse.migrate import PostgresqlMigrator

SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
]
POSTGRES_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "RAISE EXCEPTION 'audit_event is append-only' USING ERRCODE = 'integrity_constraint_violation'; END $$",
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
]


def _now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    def stub(name):
        return type(name.title().replace("_", ""), (Base,), {"Meta": type("Meta", (), {"table_name": name})})

    user, employer, submission, employment = (stub(n) for n in ("user", "employer", "submission", "employment"))

    class AuditEvent(Base):
        at = DateTimeField(default=_now, index=True)
        user_ = ForeignKeyField(user, null=True, backref="+", on_delete="RESTRICT", column_name="user_id")
        employer_ = ForeignKeyField(employer, null=True, backref="+", on_delete="RESTRICT", column_name="employer_id")
        action = CharField(max_length=40)
        subject = CharField(max_length=254, default="")
        submission_ = ForeignKeyField(submission, null=True, backref="+", on_delete="RESTRICT",
                                      column_name="submission_id")
        employment_ = ForeignKeyField(employment, null=True, backref="+", on_delete="RESTRICT",
                                      column_name="employment_id")
        details = TextField(default="{}")

        class Meta:
            table_name = "audit_event"
            indexes = ((("employer_", "at"), False),)

    db.create_tables([AuditEvent])
    for statement in POSTGRES_TRIGGERS if isinstance(migrator, PostgresqlMigrator) else SQLITE_TRIGGERS:
        db.execute_sql(statement)
