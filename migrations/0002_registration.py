"""Employer and employee registration: employers, who may manage them, insured persons, CRN batches,
employments, supporting documents, and attachments for outbox emails. Frozen copies of the models."""

import datetime

from peewee import (
    BlobField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    Model,
    TextField,
)


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

    class StoredFile(Base):
        class Meta:
            table_name = "stored_file"

    class Employer(Base):
        code = CharField(max_length=12, unique=True, null=True)
        kind = CharField(max_length=10)
        name = CharField(max_length=150)
        business_entity = CharField(max_length=30)
        sub_entity = CharField(max_length=40)
        registration_number = CharField(max_length=20)
        nationality = CharField(max_length=2, default="MY")
        industry = CharField(max_length=40)
        address = TextField()
        postcode = CharField(max_length=5)
        state = CharField(max_length=30)
        phone = CharField(max_length=15)
        email = CharField(max_length=254, default="")
        first_employment_date = DateField()
        induction_venue = CharField(max_length=60)
        status = CharField(max_length=10, default="draft")
        created_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
        created_at = DateTimeField(default=_now)
        registered_at = DateTimeField(null=True)

    Employer.add_index(Employer.kind, Employer.registration_number, unique=True,
                       where=Employer.status == "registered", name="employer_registered_unique")

    class EmployerAccess(Base):
        user = ForeignKeyField(User, on_delete="CASCADE")
        employer = ForeignKeyField(Employer, on_delete="CASCADE")

        class Meta:
            indexes = ((("user", "employer"), True),)

    class Person(Base):
        id_type = CharField(max_length=10)
        id_number = CharField(max_length=20)
        name = CharField(max_length=150)
        birth_date = DateField()
        gender = CharField(max_length=1)
        citizen = BooleanField(default=True)
        nationality = CharField(max_length=2, default="MY")
        first_insured_on = DateField()
        created_at = DateTimeField(default=_now)

        class Meta:
            indexes = ((("id_type", "id_number"), True),)

    class RegistrationBatch(Base):
        crn = CharField(max_length=20, unique=True)
        employer = ForeignKeyField(Employer, on_delete="CASCADE")
        kind = CharField(max_length=15)
        status = CharField(max_length=10, default="draft")
        created_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
        created_at = DateTimeField(default=_now)
        submitted_at = DateTimeField(null=True)

    class Employment(Base):
        employer = ForeignKeyField(Employer, on_delete="CASCADE")
        person = ForeignKeyField(Person, on_delete="RESTRICT")
        batch = ForeignKeyField(RegistrationBatch, on_delete="CASCADE")
        domestic = BooleanField(default=False)
        start_date = DateField()
        eis_start_date = DateField(null=True)
        end_date = DateField(null=True)
        end_reason = CharField(max_length=20, null=True)
        status = CharField(max_length=10, default="pending", index=True)
        passport_number = CharField(max_length=20, default="")
        passport_start = DateField(null=True)
        passport_end = DateField(null=True)
        passport_file = ForeignKeyField(StoredFile, null=True, backref="+", on_delete="SET NULL")
        permit_number = CharField(max_length=20, default="")
        permit_start = DateField(null=True)
        permit_end = DateField(null=True)
        permit_file = ForeignKeyField(StoredFile, null=True, backref="+", on_delete="SET NULL")
        kin_name = CharField(max_length=150, default="")
        kin_phone = CharField(max_length=15, default="")
        kin_relationship = CharField(max_length=40, default="")
        created_at = DateTimeField(default=_now)

        class Meta:
            indexes = ((("employer", "status"), False),)

    Employment.add_index(Employment.employer, Employment.person, unique=True, where=Employment.end_date.is_null(),
                         name="employment_open_unique")

    class BatchDocument(Base):
        batch = ForeignKeyField(RegistrationBatch, on_delete="CASCADE")
        document_type = CharField(max_length=30)
        file = ForeignKeyField(StoredFile, backref="+", on_delete="RESTRICT")
        remarks = CharField(max_length=200, default="")
        created_at = DateTimeField(default=_now)

    class Outbox(Base):
        class Meta:
            table_name = "outbox"

    class OutboxAttachment(Base):
        message = ForeignKeyField(Outbox, on_delete="CASCADE")
        filename = CharField(max_length=120)
        content_type = CharField(max_length=60)
        data = BlobField()

    db.create_tables([Employer, EmployerAccess, Person, RegistrationBatch, Employment, BatchDocument,
                      OutboxAttachment])
