"""Monthly contributions: submissions (drafts to CONFIRM), their lines, and the ACR/ECR acknowledgements.
Frozen copies of the models as they were then."""

import datetime

from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, Model


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

    class Employment(Base):
        class Meta:
            table_name = "employment"

    class Submission(Base):
        employer = ForeignKeyField(Employer, on_delete="CASCADE")
        month = DateField()
        type = CharField(max_length=10)
        with_socso = BooleanField()
        with_eis = BooleanField()
        medium = CharField(max_length=10, default="8A")
        status = CharField(max_length=10, default="draft")
        confirm_token = CharField(max_length=43)
        created_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
        created_at = DateTimeField(default=_now)
        confirmed_at = DateTimeField(null=True)

    class SubmissionLine(Base):
        submission = ForeignKeyField(Submission, on_delete="CASCADE")
        employment = ForeignKeyField(Employment, backref="+", on_delete="RESTRICT")
        position = IntegerField()
        status = CharField(max_length=10, default="active")
        wages = IntegerField(null=True)
        socso_employer = IntegerField(default=0)
        socso_employee = IntegerField(default=0)
        eis_employer = IntegerField(default=0)
        eis_employee = IntegerField(default=0)
        skbbk_employee = IntegerField(default=0)

        class Meta:
            indexes = ((("submission", "employment"), True),)

    class Acknowledgement(Base):
        number = CharField(max_length=15, unique=True)
        kind = CharField(max_length=3)
        submission = ForeignKeyField(Submission, on_delete="RESTRICT")
        employer = ForeignKeyField(Employer, on_delete="RESTRICT")
        month = DateField()
        type = CharField(max_length=10)
        medium = CharField(max_length=10)
        employees = IntegerField()
        amount = IntegerField()
        status = CharField(max_length=10, default="unpaid")
        created_at = DateTimeField(default=_now)
        cancelled_at = DateTimeField(null=True)

    Acknowledgement.add_index(Acknowledgement.employer, Acknowledgement.month, Acknowledgement.kind,
                              Acknowledgement.type, unique=True, where=Acknowledgement.status != "cancelled",
                              name="acknowledgement_live_unique")

    db.create_tables([Submission, SubmissionLine, Acknowledgement])
