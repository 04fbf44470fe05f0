"""What the month's pages read of a contribution (QRG 5/6): the submission, a page of its lines, one line
for the pencil, and the totals. Every view of a draft runs these, so their SQL is built once."""

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from peewee import Case, fn

from core.errors import N_, NotFound
from core.money import from_sen
from webapp.db import Prepared
from webapp.models import Employer, Employment, Person, Submission, SubmissionLine

# The pencil pages read these on every request: SQL built once (webapp.db.Prepared).
_submission_of = Prepared(lambda submission_id, employer_id: Submission.select().where(
    (Submission.id == submission_id) & (Submission.employer == employer_id)))
LINE_VALUES = ("id", "submission_id", "employment_id", "position", "status", "wages", "socso_employer",
               "socso_employee", "eis_employer", "eis_employee", "skbbk_employee", "carried_wages", "carried_from",
               "carried_accepted")
_lines_page = Prepared(lambda submission_id, limit, offset: SubmissionLine.select(
    SubmissionLine.id, SubmissionLine.submission, SubmissionLine.employment, SubmissionLine.position,
    SubmissionLine.status, SubmissionLine.wages, SubmissionLine.socso_employer, SubmissionLine.socso_employee,
    SubmissionLine.eis_employer, SubmissionLine.eis_employee, SubmissionLine.skbbk_employee,
    SubmissionLine.carried_wages, SubmissionLine.carried_from, SubmissionLine.carried_accepted,
    Employment.start_date, Employment.end_date, Person.id, Person.id_type, Person.id_number, Person.name)
    .join(Employment).join(Person).where(SubmissionLine.submission == submission_id)
    .order_by(SubmissionLine.position).limit(limit).offset(offset).tuples())


def _line_view(values: tuple) -> SimpleNamespace:
    """A read-only line as the lists use it: its values, `employment` (dates) and `employment.person`."""
    line = dict(zip(LINE_VALUES, values, strict=False))
    start, end, person_id, id_type, id_number, name = values[len(LINE_VALUES):]
    person = SimpleNamespace(id=person_id, id_type=id_type, id_number=id_number, name=name)
    return SimpleNamespace(**line, employment=SimpleNamespace(id=line["employment_id"], start_date=start,
                                                              end_date=end, person_id=person_id, person=person))


def submission_for(employer: Employer, submission_id: int) -> Submission:
    """A submission of this employer; NotFound for anyone else's."""
    submission = _submission_of.first(submission_id, employer.id)
    if submission is None:
        raise NotFound(N_("No such contribution."))
    return submission


def lines(submission: Submission, page: int = 1, per_page: int = 10) -> list[SimpleNamespace]:
    """A page of lines, read-only, with what the lists show: the line's values, the employment's dates and
    the person's identity and name (plain objects, cheaper to build than three models a row)."""
    return [_line_view(values) for values in _lines_page(submission.id, per_page, (max(page, 1) - 1) * per_page)]


_line_of = Prepared(lambda line_id, submission_id: SubmissionLine.select(SubmissionLine, Employment, Person)
                    .join(Employment).join(Person)
                    .where((SubmissionLine.id == line_id) & (SubmissionLine.submission == submission_id)).limit(1))


def line_for(submission: Submission, line_id: int) -> SubmissionLine:
    """One line of `submission` with its employment and person, or NotFound."""
    line = _line_of.first(line_id, submission.id)
    if line is None:
        raise NotFound(N_("No such employee in this contribution."))
    return line


@dataclass(frozen=True)
class Totals:
    lines: int
    employees: int  # with an amount to pay
    socso: int  # sen, ACR (SOCSO shares + SKBBK)
    eis: int  # sen, ECR
    socso_employees: int = 0  # with a SOCSO (or SKBBK) amount: the ACR's Total Employee(s)
    eis_employees: int = 0  # with an EIS amount: the ECR's
    carried_waiting: int = 0  # last month's wages shown, not counted yet (SAME AS LAST MONTH)
    carried_accepted: int = 0  # filled by SAME AS LAST MONTH (UNDO takes them back)
    carried_from: date | None = None  # the month they come from

    @property
    def amount(self):
        return from_sen(self.socso + self.eis)

    @property
    def nil(self) -> bool:
        """Nothing to pay at all: CONFIRM records a nil return instead of an ACR/ECR."""
        return self.socso + self.eis == 0


def _totals_query(submission_id):
    socso_sum = (SubmissionLine.socso_employer + SubmissionLine.socso_employee + SubmissionLine.skbbk_employee)
    eis_sum = SubmissionLine.eis_employer + SubmissionLine.eis_employee

    def counting(condition):
        return fn.COALESCE(fn.SUM(Case(None, [(condition, 1)], 0)), 0)

    waiting = (SubmissionLine.wages.is_null() & SubmissionLine.carried_wages.is_null(False)
               & (SubmissionLine.status != "no_wages"))
    return (SubmissionLine.select(fn.COUNT(SubmissionLine.id), fn.COALESCE(fn.SUM(socso_sum), 0),
                                  fn.COALESCE(fn.SUM(eis_sum), 0), counting((socso_sum + eis_sum) > 0),
                                  counting(socso_sum > 0), counting(eis_sum > 0), counting(waiting),
                                  counting(SubmissionLine.carried_accepted == True),  # noqa: E712
                                  fn.MAX(SubmissionLine.carried_from))
            .where(SubmissionLine.submission == submission_id).tuples())


_totals_of = Prepared(_totals_query)


def totals(submission: Submission) -> Totals:
    row = _totals_of.first(submission.id)
    carried_from = date.fromisoformat(row[8]) if isinstance(row[8], str) else row[8]  # SQLite: text
    return Totals(lines=row[0], socso=int(row[1]), eis=int(row[2]), employees=int(row[3]),
                  socso_employees=int(row[4]), eis_employees=int(row[5]), carried_waiting=int(row[6]),
                  carried_accepted=int(row[7]), carried_from=carried_from)
