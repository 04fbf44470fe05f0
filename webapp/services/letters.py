"""Registration letters and generated forms for an employer and batch, and emailing them (QRG 4)."""


from core.coverage import coverage
from core.documents.letters import TITLES, EmployeeInfo, EmployerInfo, form, letter
from webapp.clock import MALAYSIA, malaysia_today
from webapp.models import Employer, Employment, Person, RegistrationBatch
from webapp.services import outbox
from webapp.services.employees import facts

LETTERS = ("acknowledgement", "induction", "successful", "eis_rejection")


def employer_info(employer: Employer) -> EmployerInfo:
    registered = (employer.registered_at + MALAYSIA).date() if employer.registered_at else malaysia_today()
    return EmployerInfo(employer.name, employer.code or "-", employer.registration_number, employer.address,
                        employer.postcode, employer.state, employer.phone, employer.email, employer.induction_venue,
                        employer.first_employment_date, registered, employer.kind == "domestic")


def employees_info(batch: RegistrationBatch) -> list[EmployeeInfo]:
    rows = Employment.select(Employment, Person).join(Person).where(Employment.batch == batch).order_by(Employment.id)
    return [EmployeeInfo(e.person.id_number, e.person.name, e.person.birth_date, e.person.gender, e.start_date,
                         foreign=not e.person.citizen,
                         eis=coverage(facts(e), max(e.start_date, batch.created_at.date()).replace(day=1)).eis)
            for e in rows]


def letter_kinds(batch: RegistrationBatch) -> list[str]:
    """The letters of a submitted batch: all three, plus EIS rejection when no employee is covered by EIS."""
    if batch.kind != "new_employer":
        return ["acknowledgement"]
    kinds = ["acknowledgement", "induction", "successful"]
    if not any(e.eis for e in employees_info(batch)):
        kinds.append("eis_rejection")
    return kinds


def filename(kind: str) -> str:
    return f"{TITLES[kind]}.pdf"


def build(kind: str, batch: RegistrationBatch) -> bytes:
    employer = employer_info(batch.employer)
    if kind in ("sip1", "ds"):
        return form(kind, employer, employees_info(batch))
    return letter(kind, employer, employees_info(batch), batch.crn)


def email_letters(batch: RegistrationBatch) -> None:
    """Queue the letters to the employer's email address, if it has one (call inside the submit transaction)."""
    employer = batch.employer
    if not employer.email:
        return
    attachments = [(filename(kind), "application/pdf", build(kind, batch)) for kind in letter_kinds(batch)]
    outbox.enqueue(employer.email, f"Pendaftaran berjaya / Registration successful: {employer.code}",
                   f"Salam Sejahtera,\n\nPendaftaran {employer.name} ({batch.crn}) telah berjaya. Kod Majikan: "
                   f"{employer.code}. Surat-surat pendaftaran dilampirkan.\n\nThe registration of {employer.name} "
                   f"({batch.crn}) is successful. Employer Code: {employer.code}. The registration letters are "
                   "attached.\n\nPERKESO ASSIST\nTalian Khidmat Pelanggan / Customer service hotline: 1-300-22-8000\n",
                   attachments=attachments)
