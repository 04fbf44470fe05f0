"""Employer registration (Form 1) and employee registration batches (Form 2, CRN), QRG 2, 3, 4 and 10."""

import logging
from dataclasses import dataclass
from datetime import date

from peewee import IntegrityError

from core.errors import N_, Conflict, NotAllowed, NotFound, ValidationError
from core.identifiers import crn_number, issue_employer_code, normalize_brn, normalize_mykad, normalize_phone
from core.names import normalize_person_name
from core.registration import check_document_period, check_identity, check_start_date, required_documents
from webapp.clock import utcnow
from webapp.db import for_update, locked
from webapp.models import (
    BatchDocument,
    Employer,
    EmployerAccess,
    Employment,
    Person,
    RegistrationBatch,
    StoredFile,
    User,
)
from webapp.services import audit, counters, letters, uploads
from webapp.services.employers import managed

search_log = logging.getLogger("assist.audit")
CODE_BASE = 9_000_000_000  # codes we issue start at 9000000001: they cannot collide with PERKESO's own


@dataclass(frozen=True)
class EmployerForm:
    kind: str  # business | domestic
    name: str
    business_entity: str
    sub_entity: str
    registration_number: str
    nationality: str
    industry: str
    address: str
    postcode: str
    state: str
    phone: str
    email: str
    first_employment_date: date
    induction_venue: str


def _normalized_number(data: EmployerForm) -> str:
    if data.kind == "business":
        return normalize_brn(data.registration_number)
    if data.nationality == "MY":
        return normalize_mykad(data.registration_number)
    number = data.registration_number.strip().upper()
    if not (4 <= len(number) <= 20 and number.isalnum()):
        raise ValidationError(N_("Enter the passport number: 4 to 20 letters or digits."))
    return number


def start_employer(user: User, data: EmployerForm, today: date) -> RegistrationBatch:
    """SAVE & CONTINUE of Form 1: a draft employer and its first CRN batch (one transaction)."""
    checks = {"registration_number": lambda: _normalized_number(data), "phone": lambda: normalize_phone(data.phone)}
    values = {}
    for field, check in checks.items():
        try:
            values[field] = check()
        except ValidationError as exc:
            exc.field = field
            raise
    if data.first_employment_date > today:
        raise ValidationError(N_("The date of first employment cannot be in the future."),
                              field="first_employment_date")
    with locked():
        if Employer.select().where((Employer.kind == data.kind) & (Employer.status == "registered")
                                   & (Employer.registration_number == values["registration_number"])).exists():
            raise Conflict(N_("%(number)s is already registered as an employer. If this is your business, call the "
                              "hotline 1-300-22-8000 to be given access to it."), field="registration_number",
                           number=values["registration_number"])
        employer = Employer.create(
            kind=data.kind, name=" ".join(data.name.split()).upper(), business_entity=data.business_entity,
            sub_entity=data.sub_entity, nationality=data.nationality, industry=data.industry,
            address=data.address.strip(), postcode=data.postcode, state=data.state, email=data.email.strip().lower(),
            first_employment_date=data.first_employment_date, induction_venue=data.induction_venue,
            created_by=user, **values)
        EmployerAccess.create(user=user, employer=employer)
        return _new_batch(employer, user, "new_employer", today)


def _new_batch(employer: Employer, user: User, kind: str, today: date) -> RegistrationBatch:
    month = today.replace(day=1)
    sequence = counters.next_value(f"crn-{month:%Y%m}")
    return RegistrationBatch.create(crn=crn_number(month, sequence), employer=employer, kind=kind, created_by=user)


def start_update(user: User, employer: Employer, today: date) -> RegistrationBatch:
    """QRG 10 Update Add New Employee: the open draft batch of a registered employer, or a new one."""
    if employer.status != "registered":
        raise NotAllowed(N_("Finish the employer registration first."))
    with locked():
        draft = (RegistrationBatch.select().where((RegistrationBatch.employer == employer)
                                                  & (RegistrationBatch.status == "draft")).first())
        return draft or _new_batch(employer, user, "add_employees", today)


def batch_for(user: User, batch_id: int, *, draft: bool = True) -> RegistrationBatch:
    """A batch of an employer `user` manages (NotFound otherwise); with `draft`, one still being filled."""
    batch = (RegistrationBatch.select().join(Employer)
             .where((RegistrationBatch.id == batch_id) & Employer.id.in_(managed(user).select(Employer.id)))
             .first())
    if batch is None:
        raise NotFound(N_("No such registration."))
    if draft and batch.status != "draft":
        raise NotAllowed(N_("This registration was already submitted."))
    return batch


def find_person(id_type: str, id_number: str) -> Person | None:
    """A person insured before, by any employer (no log: callers that show the person use search_existing)."""
    number = id_number.strip().upper().replace("-", "").replace(" ", "")
    return Person.get_or_none((Person.id_type == id_type) & (Person.id_number == number))


def search_existing(account: User | None, employer_id: int, id_type: str, id_number: str,
                    purpose: str = "search") -> Person | None:
    """Search Existing Employee: find a person insured before and log the look-up.

    The answer shows a person's name, birth date and gender, so every look-up is logged (account, employer,
    the number's last four characters, found or not); the views cap look-ups per account (ratelimits.py).
    """
    person = find_person(id_type, id_number)
    number = id_number.strip().upper().replace("-", "").replace(" ", "")
    search_log.info("employee %s account=%s employer=%s id_type=%s number=*%s found=%s", purpose,
               account.id if account else "-", employer_id, id_type, number[-4:], person is not None)
    return person


@dataclass(frozen=True)
class EmployeeForm:
    foreign: bool
    id_type: str
    id_number: str
    name: str
    birth_date: date | None
    gender: str | None
    nationality: str
    start_date: date
    passport_number: str = ""
    passport_start: date | None = None
    passport_end: date | None = None
    permit_number: str = ""
    permit_start: date | None = None
    permit_end: date | None = None
    kin_name: str = ""
    kin_phone: str = ""
    kin_relationship: str = ""


def add_employee(batch: RegistrationBatch, data: EmployeeForm, files: dict, settings, today: date,
                 account: User | None = None) -> Employment:
    """SAVE on the employee form: the person (found or new) and a pending employment, in one transaction.

    `files` maps "passport_file" / "permit_file" to (stream, filename) for foreign workers.
    """
    person = search_existing(account, batch.employer_id, data.id_type, data.id_number, purpose="save")
    identity = check_identity(data.id_type, data.id_number, person.birth_date if person else data.birth_date,
                              person.gender if person else data.gender)
    check_start_date(data.start_date, identity.birth_date, today)
    if person is not None and data.start_date < person.first_insured_on:
        raise ValidationError(N_("%(name)s was first insured with SOCSO on %(date)s: an employment cannot start "
                                 "before that. If the date is wrong, call the hotline 1-300-22-8000."),
                              field="start_date", name=person.name, date=person.first_insured_on.strftime("%d/%m/%Y"))
    if data.foreign:
        check_document_period(N_("passport"), data.passport_number, data.passport_start, data.passport_end, today,
                              "passport_number")
        check_document_period(N_("pass/permit"), data.permit_number, data.permit_start, data.permit_end, today,
                              "permit_number")
        if not data.kin_name.strip():
            raise ValidationError(N_("Enter the next of kin."), field="kin_name")
    if person is None and not data.name.strip():
        raise ValidationError(N_("Enter the employee's name."), field="name")
    # A person found by Search Existing Employee keeps the name on record: a later employer cannot rename them.
    name = person.name if person else _person_name(data.name, "name").upper()
    kin_name = _person_name(data.kin_name, "kin_name") if data.foreign else ""
    accepted = {name: uploads.accept(stream, filename, settings, field=name)
                for name, (stream, filename) in files.items() if filename}
    employer = batch.employer
    with locked():
        if person is None:
            person = Person.create(id_type=identity.id_type, id_number=identity.id_number,
                                   name=name, birth_date=identity.birth_date,
                                   gender=identity.gender, citizen=not data.foreign, nationality=data.nationality,
                                   first_insured_on=data.start_date)
        if Employment.select().where((Employment.employer == employer) & (Employment.person == person)
                                     & Employment.end_date.is_null()).exists():
            raise Conflict(N_("%(name)s is already an employee of this employer."), field="id_number",
                           name=person.name)
        stored = {name: uploads.store(upload, settings["UPLOAD_DIR"]) for name, upload in accepted.items()}
        try:
            return Employment.create(
                employer=employer, person=person, batch=batch, domestic=employer.kind == "domestic",
                start_date=data.start_date,
                eis_start_date=data.start_date if batch.kind == "new_employer" else max(today, data.start_date),
                passport_number=data.passport_number.strip().upper(), passport_start=data.passport_start,
                passport_end=data.passport_end, permit_number=data.permit_number.strip().upper(),
                permit_start=data.permit_start, permit_end=data.permit_end, kin_name=kin_name,
                kin_phone=data.kin_phone.strip(), kin_relationship=data.kin_relationship, **stored)
        except IntegrityError:
            raise Conflict(N_("%(name)s is already an employee of this employer."), field="id_number",
                           name=person.name) from None


def _person_name(text: str, field: str) -> str:
    try:
        return normalize_person_name(text)
    except ValidationError as exc:
        exc.field = field
        raise


def remove_employee(batch: RegistrationBatch, employment_id: int) -> None:
    """Take a pending employee off a draft batch."""
    deleted = Employment.delete().where((Employment.id == employment_id) & (Employment.batch == batch)
                                        & (Employment.status == "pending")).execute()
    if not deleted:
        raise NotFound(N_("No such employee in this registration."))


def add_document(batch: RegistrationBatch, document_type: str, stream, filename: str, remarks: str,
                 settings) -> BatchDocument:
    """ADD DOCUMENT: a checked file stored outside static/, listed with the batch."""
    upload = uploads.accept(stream, filename, settings, field="file")
    with locked():
        stored = uploads.store(upload, settings["UPLOAD_DIR"])
        return BatchDocument.create(batch=batch, document_type=document_type, file=stored, remarks=remarks.strip())


def open_drafts(employer_ids: list[int]) -> dict[int, RegistrationBatch]:
    """The draft batch (registration not yet submitted) of each of these employers, by employer id."""
    return {b.employer_id: b for b in RegistrationBatch.select().where(
        (RegistrationBatch.status == "draft") & RegistrationBatch.employer.in_(employer_ids))}


def batch_employees(batch: RegistrationBatch) -> list[Employment]:
    """Form 2's New Employee(s) Listing: the batch's employees, in the order they were added."""
    return list(Employment.select(Employment, Person).join(Person).where(Employment.batch == batch)
                .order_by(Employment.id))


def batch_document(batch: RegistrationBatch, document_id: int) -> BatchDocument:
    """One uploaded document of this batch; NotFound for any other."""
    upload = BatchDocument.get_or_none((BatchDocument.id == document_id) & (BatchDocument.batch == batch))
    if upload is None:
        raise NotFound(N_("No such document."))
    return upload


def checklist(batch: RegistrationBatch) -> list[str]:
    """The supporting documents the checklist asks for in this batch's case (codes of DOCUMENT_TYPES)."""
    has_foreign = Employment.select().join(Person).where((Employment.batch == batch) & ~Person.citizen).exists()
    return required_documents(batch.employer.kind == "domestic", batch.kind == "new_employer", has_foreign)


def uploaded_documents(batch: RegistrationBatch) -> list[BatchDocument]:
    return list(BatchDocument.select(BatchDocument, StoredFile).join(StoredFile)
                .where(BatchDocument.batch == batch).order_by(BatchDocument.id))


def missing_documents(batch: RegistrationBatch) -> list[str]:
    """Required documents (checklist codes) not uploaded yet."""
    uploaded = {d.document_type for d in BatchDocument.select(BatchDocument.document_type)
                .where(BatchDocument.batch == batch)}
    return [code for code in checklist(batch) if code not in uploaded]


def submit(batch: RegistrationBatch, today: date, by: User | None = None) -> Employer:
    """CONFIRM at "Proceed for Submission?": employees active, and for a new employer its code."""
    with locked():
        batch = for_update(RegistrationBatch.select().where(RegistrationBatch.id == batch.id)).get()
        if batch.status != "draft":
            raise Conflict(N_("This registration was already submitted."))
        if not Employment.select().where(Employment.batch == batch).exists():
            raise ValidationError(N_("Add at least one employee before you submit."))
        if not BatchDocument.select().where(BatchDocument.batch == batch).exists():
            raise ValidationError(N_("Add at least one supporting document before you submit."))
        missing = missing_documents(batch)
        if missing:
            raise ValidationError(N_("Upload every document the checklist marks as required: %(count)s still "
                                     "missing (see Upload Supporting Document)."), count=len(missing))
        employer = batch.employer
        if batch.kind == "new_employer":
            prefix = "A" if employer.kind == "domestic" else "E"
            employer.code = issue_employer_code(prefix, CODE_BASE + counters.next_value(f"employer-code-{prefix}"))
            employer.status, employer.registered_at = "registered", utcnow()
            try:
                employer.save()
            except IntegrityError:
                raise Conflict(N_("%(number)s was registered by someone else meanwhile. Call the hotline "
                                  "1-300-22-8000."), number=employer.registration_number) from None
        Employment.update(status="active").where(Employment.batch == batch).execute()
        for employment in Employment.select(Employment, Person).join(Person).where(Employment.batch == batch):
            audit.record(by, "employee.registered", employer=employer, employment=employment,
                         subject=employment.person.name, details={"start": employment.start_date.strftime("%d/%m/%Y"),
                                                                  "reference": batch.crn})
        batch.status, batch.submitted_at = "submitted", utcnow()
        batch.save()
        letters.email_letters(batch)
    return employer
