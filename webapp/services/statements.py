"""Yearly statements (issue 13): what the store recorded for one employer and year, read in a few queries
whatever the number of employees and months (no query per row), handed to core.statements.

Read-only: the submissions and their lines, the ACR/ECRs (and nil returns), the FCLB notices, and the paid
payment items with their payment's day and receipt.
"""

from datetime import date

from peewee import JOIN

from core import statements as rules
from core.documents import statement as files
from core.errors import N_, NotFound
from core.money import from_sen
from webapp.clock import MALAYSIA, utcnow
from webapp.models import Acknowledgement, Employer, Employment, Person, Submission, SubmissionLine
from webapp.payment_models import FclbNotice, PaymentAttempt, PaymentItem, Receipt


def _in_year(column, year: int):
    return (column >= date(year, 1, 1)) & (column <= date(year, 12, 1))


def years(employer: Employer) -> list[int]:
    """The years with a live ACR/ECR or nil return of this employer, newest first (one query)."""
    months = (Acknowledgement.select(Acknowledgement.month).distinct()
              .where((Acknowledgement.employer == employer) & (Acknowledgement.status != "cancelled")).tuples())
    return sorted({month.year for (month,) in months}, reverse=True)


def _payments(employer: Employer, year: int) -> tuple[dict, dict]:
    """The paid payment items of the year's ACR/ECRs and notices: {id: Payment} for each (one query)."""
    acks = Acknowledgement.select(Acknowledgement.id).where(
        (Acknowledgement.employer == employer) & _in_year(Acknowledgement.month, year))
    notices = FclbNotice.select(FclbNotice.id).join(Acknowledgement).where(
        (FclbNotice.employer == employer) & _in_year(Acknowledgement.month, year))
    rows = (PaymentItem.select(PaymentItem.acknowledgement, PaymentItem.notice, PaymentItem.amount,
                               PaymentAttempt.paid_on, Receipt.number)
            .join(PaymentAttempt).join(Receipt, JOIN.LEFT_OUTER, on=(Receipt.attempt == PaymentAttempt.id))
            .where((PaymentItem.state == "paid") & (PaymentAttempt.employer == employer)
                   & (PaymentItem.acknowledgement.in_(acks) | PaymentItem.notice.in_(notices))).tuples())
    by_ack, by_notice = {}, {}
    for ack_id, notice_id, amount, paid_on, receipt in rows:
        payment = rules.Payment(from_sen(amount), receipt, paid_on)
        if ack_id:
            by_ack[ack_id] = payment
        else:
            by_notice[notice_id] = payment
    return by_ack, by_notice


def _documents(employer: Employer, year: int, paid: dict) -> list[rules.Document]:
    rows = (Acknowledgement.select(Acknowledgement.id, Acknowledgement.kind, Acknowledgement.number,
                                   Acknowledgement.month, Acknowledgement.type, Acknowledgement.status,
                                   Acknowledgement.amount, Acknowledgement.submission)
            .where((Acknowledgement.employer == employer) & _in_year(Acknowledgement.month, year)).tuples())
    return [rules.Document(kind, number, month, type_, status, from_sen(amount), submission_id, paid.get(ack_id))
            for ack_id, kind, number, month, type_, status, amount, submission_id in rows]


def _notices(employer: Employer, year: int, paid: dict) -> list[rules.Notice]:
    rows = (FclbNotice.select(FclbNotice.id, FclbNotice.number, Acknowledgement.month, Acknowledgement.number,
                              FclbNotice.amount, FclbNotice.status).join(Acknowledgement)
            .where((FclbNotice.employer == employer) & _in_year(Acknowledgement.month, year)).tuples())
    return [rules.Notice(number, month, ack_number, from_sen(amount), status, paid.get(notice_id))
            for notice_id, number, month, ack_number, amount, status in rows]


def statement(employer: Employer, year: int, today: date) -> rules.YearStatement:
    """The employer's statement for `year` (months up to today's): four queries."""
    rules.check_year(year)
    by_ack, by_notice = _payments(employer, year)
    return rules.year_statement(year, _documents(employer, year, by_ack), _notices(employer, year, by_notice),
                                until=today)


SHARE_COLUMNS = [getattr(SubmissionLine, name) for name in rules.SHARE_NAMES]


def _lines(employer: Employer, year: int, employment_id: int | None = None) -> list[rules.Line]:
    condition = ((Submission.employer == employer) & _in_year(Submission.month, year)
                 & (Submission.status == "confirmed"))
    if employment_id is not None:
        condition &= SubmissionLine.employment == employment_id
    rows = (SubmissionLine.select(SubmissionLine.submission, SubmissionLine.employment, Person.name,
                                  Person.id_number, Submission.month, SubmissionLine.wages, *SHARE_COLUMNS)
            .join(Submission).switch(SubmissionLine).join(Employment).join(Person).where(condition).tuples())
    return [rules.Line(submission_id, employment, name, id_number, month,
                       None if wages is None else from_sen(wages), *(from_sen(s) for s in shares))
            for submission_id, employment, name, id_number, month, wages, *shares in rows]


def overview(employer: Employer, year: int, today: date) -> tuple[rules.YearStatement, list[rules.EmployeeYear]]:
    """The statement for `year` and every employee with a month of it on a live submission, by name (four
    queries)."""
    rules.check_year(year)
    by_ack, by_notice = _payments(employer, year)
    documents = _documents(employer, year, by_ack)
    return (rules.year_statement(year, documents, _notices(employer, year, by_notice), until=today),
            rules.employee_years(year, _lines(employer, year), documents))


def employee(employer: Employer, year: int, employment_id: int) -> rules.EmployeeYear:
    """One employee of this employer, month by month in `year` (no months when nothing was declared);
    NotFound for anyone else's."""
    rules.check_year(year)
    found = (Employment.select(Employment.id, Person.name, Person.id_number).join(Person)
             .where((Employment.id == employment_id) & (Employment.employer == employer)
                    & (Employment.status != "pending")).tuples().first())
    if found is None:
        raise NotFound(N_("No such employee."))
    by_ack, _ = _payments(employer, year)
    months = rules.employee_years(year, _lines(employer, year, employment_id), _documents(employer, year, by_ack))
    return months[0] if months else rules.EmployeeYear(*found)


def heading(employer: Employer, year: int) -> files.Heading:
    return files.Heading(employer.code or "", employer.name, year, utcnow() + MALAYSIA)


def statement_pdf(employer: Employer, year: int, today: date) -> bytes:
    """The yearly statement as a PDF in both languages, with each employee's year."""
    return files.statement_pdf(heading(employer, year), *overview(employer, year, today))


def statement_csv(employer: Employer, year: int, today: date) -> str:
    return files.statement_csv(statement(employer, year, today))


def employees_csv(employer: Employer, year: int, today: date) -> str:
    return files.employees_csv(overview(employer, year, today)[1])


def proof_pdf(employer: Employer, year: int, employment_id: int) -> bytes:
    """Proof of contributions for one employee and year, as a PDF in both languages."""
    return files.proof_pdf(heading(employer, year), employee(employer, year, employment_id))
