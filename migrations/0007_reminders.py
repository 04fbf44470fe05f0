"""Reminders (issue 13): each account can turn them off, and each reminder sent is recorded once
(employer, member, month, reason). Frozen copies of the models."""

import datetime

from peewee import BooleanField, CharField, Check, DateField, DateTimeField, ForeignKeyField, Model
from playhouse.migrate import migrate


def _now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def up(migrator, db):
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

    class ReminderSent(Base):
        employer = ForeignKeyField(Employer, backref="+", on_delete="CASCADE")
        user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
        month = DateField()
        reason = CharField(max_length=10, constraints=[Check("reason IN ('due_5', 'due_1', 'unpaid')")])
        sent_at = DateTimeField(default=_now)

        class Meta:
            table_name = "reminder_sent"
            indexes = ((("employer", "user", "month", "reason"), True),)

    migrate(migrator.add_column("user", "reminders", BooleanField(default=True)))
    db.create_tables([ReminderSent])
