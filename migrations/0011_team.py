"""A team behind each employer (issue 13): each account's role for an employer (accounts that already manage
one are its administrators) and invitations by email. Frozen copies of the models."""

import datetime

from peewee import CharField, Check, DateTimeField, ForeignKeyField, Model
from playhouse.migrate import migrate

ROLES = "('clerk', 'approver', 'administrator')"


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

    class Invitation(Base):
        employer = ForeignKeyField(Employer, backref="invitations", on_delete="CASCADE")
        email = CharField(max_length=254)
        role = CharField(max_length=13, constraints=[Check(f"role IN {ROLES}")])
        token_hash = CharField(max_length=64, unique=True)
        invited_by = ForeignKeyField(User, backref="+", on_delete="CASCADE")
        created_at = DateTimeField(default=_now)
        expires_at = DateTimeField()
        used_at = DateTimeField(null=True)
        withdrawn_at = DateTimeField(null=True)

        class Meta:
            table_name = "invitation"

    migrate(migrator.add_column("employer_access", "role", CharField(
        max_length=13, default="administrator", constraints=[Check(f"role IN {ROLES}")])))
    db.create_tables([Invitation])
