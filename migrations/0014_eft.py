"""EFT (issue 12, QRG 6): the employer's EFT registration per scheme, and each EFT payment's slip with the
officers' decisions (maker-checker: CHECK constraints keep the submitter from approving or verifying, and the
first of two approvals from being the second). Frozen copies of the models as they are in this migration.
"""

import datetime

from peewee import BigIntegerField, CharField, Check, DateField, DateTimeField, ForeignKeyField, Model

SCHEMES = ("socso", "eis")
EFT_STATUSES = ("submitted", "checked", "verified", "rejected")
NOT_THE_SUBMITTER = ("(decided_by_id IS NULL OR decided_by_id <> submitted_by_id) AND "
                     "(first_officer_id IS NULL OR first_officer_id <> submitted_by_id)")
TWO_OFFICERS = "status <> 'verified' OR first_officer_id IS NULL OR first_officer_id <> decided_by_id"


def _now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def _one_of(column, values):
    return Check(f"{column} IN ({', '.join(repr(v) for v in values)})")


def _models(db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    def stub(name):
        return type(name.title().replace("_", ""), (Base,), {"Meta": type("Meta", (), {"table_name": name})})

    user, employer, stored_file, payment_attempt = (
        stub(n) for n in ("user", "employer", "stored_file", "payment_attempt"))

    class EftRegistration(Base):
        employer_ = ForeignKeyField(employer, backref="+", on_delete="RESTRICT", column_name="employer_id")
        scheme = CharField(max_length=5, constraints=[_one_of("scheme", SCHEMES)])
        email = CharField(max_length=254)
        contact_no = CharField(max_length=15)
        officer_name = CharField(max_length=150)
        registered_by = ForeignKeyField(user, backref="+", on_delete="RESTRICT")
        registered_at = DateTimeField(default=_now)

        class Meta:
            table_name = "eft_registration"
            indexes = ((("employer_", "scheme"), True),)

    class EftPayment(Base):
        attempt = ForeignKeyField(payment_attempt, unique=True, backref="+", on_delete="RESTRICT")
        registration = ForeignKeyField(EftRegistration, backref="+", on_delete="RESTRICT")
        payment_date = DateField()
        slip = ForeignKeyField(stored_file, unique=True, backref="+", on_delete="RESTRICT")
        submitted_by = ForeignKeyField(user, backref="+", on_delete="RESTRICT")
        submitted_at = DateTimeField(default=_now)
        status = CharField(max_length=10, default="submitted", constraints=[_one_of("status", EFT_STATUSES)])
        first_officer = ForeignKeyField(user, null=True, backref="+", on_delete="RESTRICT")
        first_approved_at = DateTimeField(null=True)
        decided_by = ForeignKeyField(user, null=True, backref="+", on_delete="RESTRICT")
        decided_at = DateTimeField(null=True)
        statement_amount = BigIntegerField(null=True, constraints=[Check("statement_amount >= 0")])
        statement_reference = CharField(max_length=60, null=True)
        reason = CharField(max_length=500, null=True)

        class Meta:
            table_name = "eft_payment"
            indexes = ((("status", "submitted_at"), False),)
            constraints = [Check(NOT_THE_SUBMITTER), Check(TWO_OFFICERS)]

    return [EftRegistration, EftPayment]


def up(migrator, db):
    db.create_tables(_models(db))
