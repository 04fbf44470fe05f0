"""Foundation and Portal ID: accounts, sessions, lockout counters, resets, uploads, applications, outbox.

Frozen copies of the models as they were when this migration was written (never import webapp.models here).
"""

import datetime

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def _now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Counter(Base):
        name = CharField(primary_key=True, max_length=40)
        value = IntegerField(default=0)

    class User(Base):
        email = CharField(max_length=254, unique=True)
        name = CharField(max_length=150)
        role = CharField(max_length=10, default="employer")
        password_hash = CharField(max_length=200)
        password_is_temporary = BooleanField(default=True)
        temp_password_expires_at = DateTimeField(null=True)
        temp_password_used_at = DateTimeField(null=True)
        password_changed_at = DateTimeField(null=True)
        terms_accepted_at = DateTimeField(null=True)
        language = CharField(max_length=2, default="ms")
        is_active = BooleanField(default=True)
        created_at = DateTimeField(default=_now)

    class AuthSession(Base):
        token_hash = CharField(max_length=64, unique=True)
        user = ForeignKeyField(User, on_delete="CASCADE")
        created_at = DateTimeField(default=_now)
        last_seen_at = DateTimeField(default=_now)
        kiosk = BooleanField(default=False)
        revoked_at = DateTimeField(null=True)
        revoked_reason = CharField(max_length=20, null=True)
        user_agent = CharField(max_length=200, default="")

    class LoginThrottle(Base):
        email = CharField(max_length=254, unique=True)
        failures = IntegerField(default=0)
        lockouts = IntegerField(default=0)
        locked_until = DateTimeField(null=True)
        last_failure_at = DateTimeField(null=True)

    class PasswordReset(Base):
        user = ForeignKeyField(User, on_delete="CASCADE")
        token_hash = CharField(max_length=64, unique=True)
        created_at = DateTimeField(default=_now)
        expires_at = DateTimeField()
        used_at = DateTimeField(null=True)

    class StoredFile(Base):
        stored_name = CharField(max_length=64, unique=True)
        original_name = CharField(max_length=255)
        content_type = CharField(max_length=40)
        size = IntegerField()
        sha256 = CharField(max_length=64)
        created_at = DateTimeField(default=_now)

    class PortalApplication(Base):
        reference = CharField(max_length=20, unique=True)
        company_name = CharField(max_length=150)
        brn = CharField(max_length=20)
        applicant_name = CharField(max_length=150)
        applicant_mykad = CharField(max_length=12)
        designation = CharField(max_length=100)
        email = CharField(max_length=254, index=True)
        phone = CharField(max_length=15)
        certificate = ForeignKeyField(StoredFile, on_delete="RESTRICT")
        language = CharField(max_length=2, default="ms")
        status = CharField(max_length=10, default="pending", index=True)
        submitted_at = DateTimeField(default=_now)
        submitted_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        decided_at = DateTimeField(null=True)
        decided_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        reject_reason = TextField(null=True)
        user = ForeignKeyField(User, null=True, on_delete="SET NULL")

    class Outbox(Base):
        to_addr = CharField(max_length=254)
        subject = CharField(max_length=200)
        body = TextField()
        sensitive = BooleanField(default=False)
        created_at = DateTimeField(default=_now)
        status = CharField(max_length=10, default="pending", index=True)
        attempts = IntegerField(default=0)
        next_attempt_at = DateTimeField(default=_now)
        claimed_until = DateTimeField(null=True)
        sent_at = DateTimeField(null=True)
        last_error = TextField(null=True)

    db.create_tables([Counter, User, AuthSession, LoginThrottle, PasswordReset, StoredFile,
                      PortalApplication, Outbox])
