"""Monthly contributions (QRG 4/5/6, 9): the pending list, drafts and their lines, COMPLETE, CONFIRM, cancel."""

import secrets
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from peewee import Case, IntegrityError, fn

from core import contributions as rules
from core.errors import N_, Conflict, NotAllowed, NotFound, ValidationError
from core.identifiers import acknowledgement_number
from core.money import from_sen, sen
from core.periods import add_months
from webapp.db import Prepared, database, for_update, locked
from webapp.models import (
    MALAYSIA,
    Acknowledgement,
    Employer,
    Employment,
    Person,
    Submission,
    SubmissionLine,
    User,
    utcnow,
)
from webapp.services import counters
from webapp.services.employees import coverage_now

SCHEMES = {"combined": (True, True), "socso": (True, False), "eis": (False, True)}
AUTO_ARREARS_MONTHS = 12  # older months are reached with ARREARS CONTRIBUTION


def live_acts(employer: Employer, month: date, type_: str) -> set[str]:
    """The kinds (ACR, ECR) already generated and not cancelled for this month and type."""
    return {a.kind for a in Acknowledgement.select(Acknowledgement.kind).where(
        (Acknowledgement.employer == employer) & (Acknowledgement.month == month)
        & (Acknowledgement.type == type_) & (Acknowledgement.status != "cancelled"))}


def _wanted(scheme: str) -> set[str]:
    socso_, eis_ = SCHEMES[scheme]
    return {kind for kind, wanted in (("ACR", socso_), ("ECR", eis_)) if wanted}


_live_since = Prepared(lambda employer_id, first: Acknowledgement.select(Acknowledgement.month, Acknowledgement.kind)
                       .where((Acknowledgement.employer == employer_id) & (Acknowledgement.type != "short")
                              & (Acknowledgement.status != "cancelled") & (Acknowledgement.month >= first)))


def pending(employer: Employer, scheme: str, today: date) -> list[tuple[date, str]]:
    """Employer Contribution Pending List: months still owing an ACR/ECR of this scheme (monthly or arrears)."""
    first = max(employer.first_employment_date.replace(day=1), add_months(today.replace(day=1), -AUTO_ARREARS_MONTHS))
    wanted = _wanted(scheme)
    covered: dict[date, set[str]] = {}
    for ack in _live_since(employer.id, first):
        covered.setdefault(ack.month, set()).add(ack.kind)
    done = {month for month, kinds in covered.items() if wanted <= kinds}
    return rules.due_months(first, today, done)


def employments_in(employer: Employer, month: date):
    """Employees working at any time in `month`: registered, started by its end, not left before it."""
    month_end = add_months(month, 1)
    # Only what the lines and core.coverage need: a big employer has thousands of rows here.
    return (Employment.select(Employment.id, Employment.start_date, Employment.end_date, Employment.domestic,
                              Employment.person, Person.id, Person.id_number, Person.name, Person.birth_date,
                              Person.citizen, Person.first_insured_on).join(Person)
            .where((Employment.employer == employer) & (Employment.status != "pending")
                   & (Employment.start_date < month_end)
                   & (Employment.end_date.is_null() | (Employment.end_date >= month)))
            .order_by(Person.name, Employment.id))


def _line_status(employment: Employment, month: date) -> str:
    if employment.end_date and employment.end_date < add_months(month, 1):
        return "left"
    return "new" if employment.start_date >= month else "active"


def open_submission(employer: Employer, user: User, scheme: str, month: date, type_: str, today: date,
                    fill=None, medium: str = "8A") -> Submission:
    """The draft for this month and type, made with one line per employee working that month.

    `fill(employment)`, when given, supplies a line's status, wages and shares (a text file); it replaces
    whatever an existing draft had, in the same transaction.
    """
    month = rules.check_month(month, today, employer.first_employment_date)
    wanted = _wanted(scheme)
    with locked():
        submission = (Submission.select().where((Submission.employer == employer) & (Submission.month == month)
                                                & (Submission.type == type_)
                                                & Submission.status.in_(("draft", "complete"))).first())
        if submission is not None and fill is None:
            return submission
        if submission is None:
            submission = Submission.create(employer=employer, month=month, type=type_, medium=medium,
                                           confirm_token=secrets.token_urlsafe(32), created_by=user,
                                           **_schemes_due(employer, month, type_, wanted))
        else:
            SubmissionLine.delete().where(SubmissionLine.submission == submission).execute()
            Submission.update(status="draft", medium=medium).where(Submission.id == submission.id).execute()
        declared = _declared(employer, month, exclude=submission.id) if type_ == "short" else {}
        rows = []
        for position, employment in enumerate(employments_in(employer, month), 1):
            line = {"status": _line_status(employment, month), "wages": declared.get(employment.id, {}).get("wages"),
                    **dict.fromkeys(SHARES, 0)}
            if fill is not None:
                line.update(fill(employment))
            rows.append((submission.id, employment.id, position, line["status"], line["wages"],
                         *(line[name] for name in SHARES)))
        _insert_lines(rows)
    return submission


def _schemes_due(employer: Employer, month: date, type_: str, wanted: set[str]) -> dict:
    if type_ == "short":
        due = wanted & (live_acts(employer, month, "monthly") | live_acts(employer, month, "arrears"))
        if not due:
            raise ValidationError(N_("Nothing was submitted for %(month)s yet: use ARREARS CONTRIBUTION."),
                                  field="month", month=month.strftime("%m/%Y"))
        due -= live_acts(employer, month, "short")
    else:
        due = wanted - live_acts(employer, month, type_)
    if not due:
        raise Conflict(N_("%(month)s was already submitted. Use SHORT CONTRIBUTION to top it up, or cancel "
                          "the ACR/ECR first."), month=month.strftime("%m/%Y"))
    return {"with_socso": "ACR" in due, "with_eis": "ECR" in due}


LINE_COLUMNS = ("submission_id", "employment_id", "position", "status", "wages", "socso_employer", "socso_employee",
                "eis_employer", "eis_employee", "skbbk_employee")


def _insert_lines(rows: list[tuple]) -> None:
    """Many lines at once with one prepared, parameterised statement (thousands of employees)."""
    if not rows:
        return
    marks = ", ".join([database.param] * len(LINE_COLUMNS))
    sql = f'INSERT INTO "submission_line" ({", ".join(LINE_COLUMNS)}) VALUES ({marks})'  # noqa: S608 - fixed names
    cursor = database.cursor()
    cursor.executemany(sql, rows)


# The pencil pages read these on every request: SQL built once (webapp.db.Prepared).
_submission_of = Prepared(lambda submission_id, employer_id: Submission.select().where(
    (Submission.id == submission_id) & (Submission.employer == employer_id)))
LINE_VALUES = ("id", "submission_id", "employment_id", "position", "status", "wages", "socso_employer",
               "socso_employee", "eis_employer", "eis_employee", "skbbk_employee")
_lines_page = Prepared(lambda submission_id, limit, offset: SubmissionLine.select(
    SubmissionLine.id, SubmissionLine.submission, SubmissionLine.employment, SubmissionLine.position,
    SubmissionLine.status, SubmissionLine.wages, SubmissionLine.socso_employer, SubmissionLine.socso_employee,
    SubmissionLine.eis_employer, SubmissionLine.eis_employee, SubmissionLine.skbbk_employee,
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


def line_for(submission: Submission, line_id: int) -> SubmissionLine:
    line = (SubmissionLine.select(SubmissionLine, Employment, Person).join(Employment).join(Person)
            .where((SubmissionLine.id == line_id) & (SubmissionLine.submission == submission)).first())
    if line is None:
        raise NotFound(N_("No such employee in this contribution."))
    return line


def _editable(submission: Submission) -> None:
    """Only a draft (or a completed draft) changes; the status is read fresh, not from a stale object."""
    if Submission.select(Submission.status).where(Submission.id == submission.id).scalar() not in ("draft",
                                                                                                   "complete"):
        raise NotAllowed(N_("This contribution was already submitted."))


def update_line(submission: Submission, line_id: int, status: str, wages) -> SubmissionLine:
    """The pencil: set an employee's status and wages; the amounts follow the schedule of the month."""
    _editable(submission)
    if status not in rules.LINE_STATUSES:
        raise ValidationError(N_("Choose a status."), field="status")
    if status == "no_wages" and wages:
        raise ValidationError(N_("An employee with no wages this month has a salary of 0.00."), field="wages")
    line = line_for(submission, line_id)
    covered = coverage_now(line.employment, submission.month)
    amounts = rules.line_amounts(covered, wages, submission.month, with_socso=submission.with_socso,
                                 with_eis=submission.with_eis)
    shares = {name: sen(getattr(amounts, name)) for name in SHARES}
    if submission.type == "short":  # only the difference with what was declared before is charged
        before = _declared(submission.employer, submission.month, exclude=submission.id).get(line.employment_id, {})
        shares = {name: max(0, value - before.get(name, 0)) for name, value in shares.items()}
    with locked():
        SubmissionLine.update(status=status, wages=None if wages is None else sen(wages), **shares).where(
            SubmissionLine.id == line.id).execute()
        Submission.update(status="draft").where(Submission.id == submission.id).execute()
    return line_for(submission, line_id)


SHARES = ("socso_employer", "socso_employee", "eis_employer", "eis_employee", "skbbk_employee")


def _declared(employer: Employer, month: date, exclude: int) -> dict[int, dict]:
    """Per employment: the highest wages and the shares already submitted (confirmed) for this month."""
    found: dict[int, dict] = {}
    for line in (SubmissionLine.select().join(Submission)
                 .where((Submission.employer == employer) & (Submission.month == month)
                        & (Submission.status == "confirmed") & (Submission.id != exclude))):
        entry = found.setdefault(line.employment_id, {"wages": None, **dict.fromkeys(SHARES, 0)})
        entry["wages"] = max(entry["wages"] or 0, line.wages or 0) if line.wages is not None else entry["wages"]
        for name in SHARES:
            entry[name] += getattr(line, name)
    return found


@dataclass(frozen=True)
class Totals:
    lines: int
    employees: int  # with an amount to pay
    socso: int  # sen, ACR (SOCSO shares + SKBBK)
    eis: int  # sen, ECR

    @property
    def amount(self):
        return from_sen(self.socso + self.eis)


def _totals_query(submission_id):
    socso_sum = (SubmissionLine.socso_employer + SubmissionLine.socso_employee + SubmissionLine.skbbk_employee)
    eis_sum = SubmissionLine.eis_employer + SubmissionLine.eis_employee
    return (SubmissionLine.select(fn.COUNT(SubmissionLine.id), fn.COALESCE(fn.SUM(socso_sum), 0),
                                  fn.COALESCE(fn.SUM(eis_sum), 0),
                                  fn.COALESCE(fn.SUM(Case(None, [((socso_sum + eis_sum) > 0, 1)], 0)), 0))
            .where(SubmissionLine.submission == submission_id).tuples())


_totals_of = Prepared(_totals_query)


def totals(submission: Submission) -> Totals:
    row = _totals_of.first(submission.id)
    return Totals(lines=row[0], socso=int(row[1]), eis=int(row[2]), employees=int(row[3]))


def complete(submission: Submission) -> None:
    """COMPLETE: every employee has wages or a status that explains why not."""
    _editable(submission)
    states = [rules.LineState(line.employment.person.name, line.status,
                              None if line.wages is None else from_sen(line.wages),
                              from_sen(line.socso_employer + line.socso_employee + line.eis_employer
                                       + line.eis_employee))
              for line in lines(submission, 1, 1_000_000)]
    missing = rules.incomplete(states)
    if missing:
        shown = ", ".join(missing[:5]) + (f" (+{len(missing) - 5})" if len(missing) > 5 else "")
        raise ValidationError(N_("Enter the salary, or a status, for: %(names)s."), names=shown)
    Submission.update(status="complete").where(Submission.id == submission.id).execute()


def confirm(submission: Submission, token: str) -> list[Acknowledgement]:
    """CONFIRM: the ACR and/or ECR, exactly once however often it is pressed (token + unique index)."""
    with locked():
        current = for_update(Submission.select().where(Submission.id == submission.id)).get()
        if current.status == "confirmed":
            return list(current.acknowledgements.order_by(Acknowledgement.kind))
        if not secrets.compare_digest(current.confirm_token, token or ""):
            raise Conflict(N_("This page is out of date. Open the contribution again and press SUBMIT."))
        if current.status != "complete":
            raise NotAllowed(N_("Press COMPLETE before you submit."))
        figures = totals(current)
        issued, now = [], utcnow()
        for kind, wanted, amount in (("ACR", current.with_socso, figures.socso),
                                     ("ECR", current.with_eis, figures.eis)):
            if not wanted:
                continue
            issued_on = (now + MALAYSIA).date()
            sequence = counters.next_value(f"{kind}-{issued_on.year}")
            number = acknowledgement_number(kind, issued_on, sequence)
            try:
                issued.append(Acknowledgement.create(
                    number=number, kind=kind, submission=current, employer=current.employer_id,
                    month=current.month, type=current.type, medium=current.medium, employees=figures.employees,
                    amount=amount))
            except IntegrityError:
                raise Conflict(N_("An %(kind)s for %(month)s already exists."), kind=kind,
                               month=current.month.strftime("%m/%Y")) from None
        Submission.update(status="confirmed", confirmed_at=now,
                          confirm_token=secrets.token_urlsafe(32)).where(Submission.id == current.id).execute()
    return issued


def cancel(employer: Employer, numbers: list[str]) -> list[Acknowledgement]:
    """QRG 9: cancel unpaid ACR/ECRs; a month with nothing left live goes back to the pending list."""
    if not numbers:
        raise ValidationError(N_("Choose the ACR, the ECR or both."), field="which")
    with locked():
        chosen = list(for_update(Acknowledgement.select().where(
            (Acknowledgement.employer == employer) & Acknowledgement.number.in_(numbers))))
        if len(chosen) != len(set(numbers)):
            raise NotFound(N_("No such ACR or ECR."))
        if any(a.status == "paid" for a in chosen):
            raise NotAllowed(N_("A paid ACR or ECR cannot be cancelled."))
        now = utcnow()
        for ack in chosen:
            Acknowledgement.update(status="cancelled", cancelled_at=now).where(
                (Acknowledgement.id == ack.id) & (Acknowledgement.status == "unpaid")).execute()
        for submission_id in {a.submission_id for a in chosen}:
            if not Acknowledgement.select().where((Acknowledgement.submission == submission_id)
                                                  & (Acknowledgement.status != "cancelled")).exists():
                Submission.update(status="cancelled").where(Submission.id == submission_id).execute()
    return chosen


def acknowledgements(employer: Employer, month: date | None = None, kind: str | None = None,
                     status: str | None = None):
    """Transaction history, newest first, filtered by month, kind (ACR/ECR) and status."""
    query = Acknowledgement.select().where(Acknowledgement.employer == employer)
    if month:
        query = query.where(Acknowledgement.month == month)
    if kind in ("ACR", "ECR"):
        query = query.where(Acknowledgement.kind == kind)
    if status in ("unpaid", "paid", "cancelled"):
        query = query.where(Acknowledgement.status == status)
    return query.order_by(Acknowledgement.created_at.desc(), Acknowledgement.id.desc())
