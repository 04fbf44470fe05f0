"""TEXT FILE (the batch path of QRG 4): check an uploaded contribution file, turn a clean one into a draft;
and export a submitted month in any of the three layouts."""

from dataclasses import dataclass
from datetime import date

from peewee import fn

from core import contributions as rules
from core.errors import N_, InvalidIdentifier, ValidationError
from core.filecheck import check, lawful_shares
from core.identifiers import normalize_mykad
from core.money import ZERO, from_sen, sen
from core.textfile import MAX_ERRORS, Layout, LineError, Record, generate, parse
from webapp.db import locked
from webapp.models import Employer, Employment, Person, Submission, SubmissionLine, User
from webapp.services import audit, contributions
from webapp.services.drafts import SHARES
from webapp.services.employees import coverage_now

LAYOUT_OF = {"combined": Layout.COMBINED, "socso": Layout.SOCSO, "eis": Layout.EIS}


def _bad_mykad(id_number: str) -> bool:
    """A 12-digit ID that cannot be a MyKad (month 13, an unknown place code): say so, not "not an employee"."""
    if not (len(id_number) == 12 and id_number.isascii() and id_number.isdigit()):
        return False
    try:
        normalize_mykad(id_number)
    except InvalidIdentifier:
        return True
    return False


@dataclass
class Checked:
    layout: Layout
    month: date | None
    records: list[Record]
    errors: list[LineError]
    matched: dict  # id number -> Employment
    unchecked: int = 0  # lines not read once MAX_ERRORS errors were found


def check_upload(employer: Employer, scheme: str, data: bytes, today: date) -> Checked:
    """Parse and check a file against this employer, its employees and the schedule; never raises."""
    layout = LAYOUT_OF[scheme]
    parsed = parse(data, layout)
    month = parsed.records[0].month if parsed.records else None
    errors = list(parsed.errors)
    matched = {}
    if month is not None:
        try:
            rules.check_month(month, today, employer.first_employment_date)
        except ValidationError as exc:
            errors.append(LineError(parsed.records[0].line, N_("Month Contribution"), exc.message, "",
                                    exc.params))
            month = None
    if month is not None:
        working = {e.person.id_number: e for e in contributions.employments_in(employer, month)}
        for record in parsed.records:
            if record.id_number in working:
                matched[record.id_number] = working[record.id_number]
            elif record.month == month and _bad_mykad(record.id_number):
                errors.append(LineError(record.line, N_("ID Number"), N_("%(value)s is not a valid MyKad number"),
                                        N_("12 digits: a real birth date and place-of-birth code"),
                                        {"value": record.id_number}))
            elif record.month == month:
                errors.append(LineError(
                    record.line, N_("ID Number"), N_("%(value)s is not an employee of this employer in %(month)s"),
                    N_("register the employee first: REGISTRATION, Update Add New Employee"),
                    {"value": record.id_number, "month": month.strftime("%m/%Y")}))
        errors += check(parsed.records, layout, employer_code=employer.code, month=month,
                        coverage_of=lambda r: coverage_now(matched[r.id_number], month)
                        if r.id_number in matched else None)
    errors.sort(key=lambda e: e.line)
    return Checked(layout, month, parsed.records, errors[:MAX_ERRORS], matched,
                   parsed.unchecked + len({e.line for e in errors[MAX_ERRORS:]}))


def to_draft(employer: Employer, user: User, scheme: str, checked: Checked, today: date) -> Submission:
    """A clean file becomes the draft of its month (medium Text File), replacing what the draft had.

    Employees of the month the file leaves out keep what the draft had (or nothing yet) and are marked
    `in_file=False`: the preview lists them and the employer chooses for them before COMPLETE.
    """
    if checked.errors or checked.month is None:
        raise ValidationError(N_("Correct the file first: nothing is saved while a line is wrong."))
    month = checked.month
    by_employment = {checked.matched[r.id_number].id: r for r in checked.records}

    def fill(employment, previous) -> dict:
        record = by_employment.get(employment.id)
        if record is None:
            kept = {name: getattr(previous, name) for name in ("status", "wages", *SHARES)} if previous else {}
            return {**kept, "in_file": False}
        if checked.layout is Layout.COMBINED:
            values = {"wages": sen(record.wages), "socso_employer": sen(record.socso_employer),
                      "socso_employee": sen(record.socso_employee), "eis_employer": sen(record.eis_employer),
                      "eis_employee": sen(record.eis_employee), "skbbk_employee": sen(record.skbbk_employee or ZERO)}
        else:  # the file's total, split as the schedule splits it for this employee (checked already)
            shares = lawful_shares(checked.layout, record.amount, month, coverage_now(employment, month))
            if shares is None:
                raise ValidationError(N_("Correct the file first: nothing is saved while a line is wrong."))
            values = {"wages": None, **{name: sen(value) for name, value in shares.items()}}
        paid = any(v for k, v in values.items() if k != "wages") or values["wages"]
        # New and Left come from registration; the file only says whether there were wages.
        return {**values, "status": contributions.line_status(employment, month) if paid else "no_wages",
                "in_file": True}

    return contributions.open_submission(employer, user, scheme, month, "monthly", today, fill=fill, medium="TEXT")


MISSING_CHOICES = {"keep": N_("Keep what the draft has"), "no_wages": N_("No wages this month"),
                   "left": N_("Left this month")}


def left_out(submission: Submission) -> list[SubmissionLine]:
    """The employees of the month the uploaded file left out, not yet decided."""
    return list(SubmissionLine.select(SubmissionLine, Employment, Person).join(Employment).join(Person)
                .where((SubmissionLine.submission == submission) & (SubmissionLine.in_file == False))  # noqa: E712
                .order_by(SubmissionLine.position))


def file_counts(submission: Submission) -> dict:
    """What the file held: its lines (matched employees), the employees of the month it left out, and how
    many of those still wait for the employer's choice."""
    count = fn.COUNT(SubmissionLine.id)
    rows = dict(SubmissionLine.select(SubmissionLine.in_file, count).where(SubmissionLine.submission == submission)
                .group_by(SubmissionLine.in_file).tuples())
    return {"in_file": rows.get(True, 0), "left_out": sum(rows.values()) - rows.get(True, 0),
            "undecided": rows.get(False, 0)}


def decide_left_out(submission: Submission, decisions: dict[int, str], by=None) -> int:
    """Apply the employer's choice for each left-out employee (line id -> keep | no_wages | left).

    One locked transaction, refused if the draft was submitted meanwhile; every left-out line must get a
    choice. Returns how many lines were decided.
    """
    if any(choice not in MISSING_CHOICES for choice in decisions.values()):
        raise ValidationError(N_("Choose what to do for each employee."))
    with locked():
        contributions.claim_draft(submission)
        waiting = {line.id for line in SubmissionLine.select(SubmissionLine.id).where(
            (SubmissionLine.submission == submission) & (SubmissionLine.in_file == False))}  # noqa: E712
        if waiting - set(decisions):
            raise ValidationError(N_("Choose what to do for each employee not in the file."))
        for line_id, choice in decisions.items():
            if line_id not in waiting:
                continue
            changes = {"in_file": None}
            if choice == "no_wages":
                changes.update(status="no_wages", wages=None, **dict.fromkeys(SHARES, 0))
            elif choice == "left":
                changes["status"] = "left"
            SubmissionLine.update(**changes).where(SubmissionLine.id == line_id).execute()
        audit.record(by, "month.left_out_decided", employer=submission.employer_id, submission=submission,
                     subject=submission.month.strftime("%m/%Y"),
                     details={choice: sum(1 for c in decisions.values() if c == choice) for choice in MISSING_CHOICES})
    return len(waiting)


def export_layouts(submission: Submission) -> list[str]:
    """The layouts a submitted month can be downloaded in: SOCSO-only and EIS-only for the acts it declared,
    and SOCSO + EIS only when it declared wages (a month sent as a 223 file has amounts without wages)."""
    layouts = [name for name, wanted in (("socso", submission.with_socso), ("eis", submission.with_eis)) if wanted]
    paid_without_wages = SubmissionLine.select().where(
        (SubmissionLine.submission == submission) & SubmissionLine.wages.is_null()
        & ((SubmissionLine.socso_employer + SubmissionLine.socso_employee + SubmissionLine.eis_employer
            + SubmissionLine.eis_employee + SubmissionLine.skbbk_employee) > 0)).exists()
    return layouts if paid_without_wages else ["combined", *layouts]


def export(submission: Submission, layout: Layout) -> bytes:
    """A submitted month as a text file (zero-filled, CRLF) in the layout asked for (one of export_layouts)."""
    if layout.value not in export_layouts(submission):
        raise ValidationError(N_("This month cannot be downloaded in that layout: it was declared without wages, "
                                 "or without that scheme. Use the layouts offered on the page."))
    employer = submission.employer
    records = []
    for line in contributions.lines(submission, 1, 1_000_000):
        person = line.employment.person
        common = {"employer_code": employer.code, "id_number": person.id_number[:12], "name": person.name,
                  "month": submission.month}
        if layout is Layout.COMBINED:
            records.append(Record(**common, wages=from_sen(line.wages or 0),
                                  socso_employer=from_sen(line.socso_employer),
                                  socso_employee=from_sen(line.socso_employee),
                                  eis_employer=from_sen(line.eis_employer), eis_employee=from_sen(line.eis_employee),
                                  skbbk_employee=from_sen(line.skbbk_employee)))
        else:  # the 223 SOCSO amount carries SKBBK from June 2026 (core.filecheck explains the reading)
            amount = (line.socso_employer + line.socso_employee + line.skbbk_employee if layout is Layout.SOCSO
                      else line.eis_employer + line.eis_employee)
            records.append(Record(**common, amount=from_sen(amount)))
    return generate(records, layout)


def non_ascii_names(submission: Submission) -> int:
    """How many of the submission's employees have a name with letters outside A-Z: exported files pad by
    characters (UTF-8), so programs that count bytes would misread those lines."""
    names = (SubmissionLine.select(Person.name).join(Employment).join(Person)
             .where(SubmissionLine.submission == submission).tuples())
    return sum(1 for (name,) in names if not name.isascii())
