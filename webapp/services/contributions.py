"""Monthly contributions (QRG 4/5/6, 9): the pending list, drafts and their lines, COMPLETE, CONFIRM, cancel."""

import secrets
from datetime import date

from peewee import IntegrityError

from core import contributions as rules
from core.errors import N_, Conflict, NotAllowed, ValidationError
from core.identifiers import acknowledgement_number
from core.money import format_rm, from_sen, sen
from core.periods import add_months
from webapp.clock import MALAYSIA, utcnow
from webapp.db import Prepared, database, for_update, locked
from webapp.models import (
    Acknowledgement,
    Employer,
    Submission,
    SubmissionLine,
    User,
)
from webapp.services import audit, counters, drafts
from webapp.services.drafts import ACT_SHARES, SHARES, employments_in, line_status  # noqa: F401 - the service API
from webapp.services.employees import coverage_now
from webapp.services.month_reads import Totals, line_for, lines, submission_for, totals  # noqa: F401 - service API

SCHEMES = {"combined": (True, True), "socso": (True, False), "eis": (False, True)}
AUTO_ARREARS_MONTHS = 12  # older months are reached with ARREARS CONTRIBUTION


def live_acts(employer: Employer, month: date, short: bool = False) -> set[str]:
    """The kinds (ACR, ECR) of this month already submitted and not cancelled: the regular bill (Monthly or
    Arrears, nil returns included), or with `short` the SHORT top-up."""
    kind_of_type = (Acknowledgement.type == "short") if short else (Acknowledgement.type != "short")
    return {a.kind for a in Acknowledgement.select(Acknowledgement.kind).where(
        (Acknowledgement.employer == employer) & (Acknowledgement.month == month) & kind_of_type
        & (Acknowledgement.status != "cancelled"))}


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


def open_submission(employer: Employer, user: User, scheme: str, month: date, type_: str, today: date,
                    fill=None, medium: str = "8A") -> Submission:
    """The draft for this month (regular, or SHORT), made with one line per employee working that month.

    There is one open draft per month and schemes (a unique index): opening the month as Monthly or as
    Arrears, from two tabs at once, gives the same draft. A new draft starts from what was declared before
    (webapp.services.drafts). `fill(employment, previous)`, when given, supplies a line's status, wages and
    shares (a text file); it replaces whatever the draft had, in the same transaction.
    """
    month = rules.check_month(month, today, employer.first_employment_date)
    short = type_ == "short"
    with locked():
        schemes = _schemes_due(employer, month, short, _wanted(scheme))
        submission = _open_draft(employer, month, short, schemes)
        if submission is None:
            submission = _new_draft(employer, user, month, "short" if short else rules.regular_type(month, today),
                                    medium, schemes)
        elif fill is None:
            return submission
        if fill is not None:  # the file replaces what the draft had
            Submission.update(status="draft", medium=medium).where(Submission.id == submission.id).execute()
            audit.record(user, "month.text_file", employer=employer, submission=submission,
                         subject=month.strftime("%m/%Y"))
        elif SubmissionLine.select().where(SubmissionLine.submission == submission).exists():
            return submission  # another request made this draft, with its lines, a moment ago
        drafts.build(submission, employer, fill=fill,
                     declared=_declared(employer, month, exclude=submission.id) if short else None)
    return submission


def _open_draft(employer: Employer, month: date, short: bool, schemes: dict) -> Submission | None:
    kind_of_type = (Submission.type == "short") if short else (Submission.type != "short")
    return for_update(Submission.select().where(
        (Submission.employer == employer) & (Submission.month == month) & kind_of_type
        & (Submission.with_socso == schemes["with_socso"]) & (Submission.with_eis == schemes["with_eis"])
        & Submission.status.in_(("draft", "complete")))).first()


def _new_draft(employer: Employer, user: User, month: date, type_: str, medium: str, schemes: dict) -> Submission:
    """A new empty draft; if another request made the same one a moment ago (the unique index), that one."""
    try:
        with database.atomic():  # a savepoint: PostgreSQL's transaction survives the refused insert
            return Submission.create(employer=employer, month=month, type=type_, medium=medium,
                                     confirm_token=secrets.token_urlsafe(32), created_by=user, **schemes)
    except IntegrityError:
        found = _open_draft(employer, month, type_ == "short", schemes)
        if found is None:
            raise
        return found


def _schemes_due(employer: Employer, month: date, short: bool, wanted: set[str]) -> dict:
    regular = live_acts(employer, month)
    if short:
        due = wanted & regular
        if not due:
            raise ValidationError(N_("Nothing was submitted for %(month)s yet: use ARREARS CONTRIBUTION."),
                                  field="month", month=month.strftime("%m/%Y"))
    else:
        due = wanted - regular
    if not due:
        raise Conflict(ALREADY_SUBMITTED, month=month.strftime("%m/%Y"))
    return {"with_socso": "ACR" in due, "with_eis": "ECR" in due}


ALREADY_SUBMITTED = N_("%(month)s was already submitted. Use SHORT CONTRIBUTION to top it up, or cancel the "
                       "ACR/ECR first.")


def claim_draft(submission: Submission, status: str = "draft") -> None:
    """Inside the caller's locked transaction: move a draft (or completed draft) to `status`, or refuse.

    The check and the write are one conditional UPDATE, so a pencil save or COMPLETE racing CONFIRM in
    another tab can never set a confirmed submission back to draft.
    """
    # A new one-time token each time: a summary page shown before this change can no longer CONFIRM
    # figures it did not show (the other tab's edit or COMPLETE).
    changed = Submission.update(status=status, confirm_token=secrets.token_urlsafe(32)).where(
        (Submission.id == submission.id) & Submission.status.in_(("draft", "complete"))).execute()
    if not changed:
        raise NotAllowed(N_("This contribution was already submitted."))


def _rm(amount_sen: int | None) -> str:
    return "-" if amount_sen is None else format_rm(from_sen(amount_sen))


def update_line(submission: Submission, line_id: int, status: str, wages, by: User | None = None) -> SubmissionLine:
    """The pencil: set an employee's status and wages; the amounts follow the schedule of the month."""
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
        claim_draft(submission)
        SubmissionLine.update(status=status, wages=None if wages is None else sen(wages), carried_accepted=False,
                              **shares).where(SubmissionLine.id == line.id).execute()
        audit.record(by, "line.changed", employer=submission.employer_id, submission=submission,
                     employment=line.employment_id, subject=line.employment.person.name,
                     details={"status": f"{line.status} → {status}",
                              "wages": f"{_rm(line.wages)} → {_rm(None if wages is None else sen(wages))}"})
    return line_for(submission, line_id)


def _declared(employer: Employer, month: date, exclude: int) -> dict[int, dict]:
    """Per employment: the highest wages and the shares already declared for this month, counting each act's
    shares only from submissions whose ACR (SOCSO, SKBBK) or ECR (EIS) is still live (not cancelled)."""
    live: dict[int, set[str]] = {}
    for ack in Acknowledgement.select(Acknowledgement.submission, Acknowledgement.kind).where(
            (Acknowledgement.employer == employer) & (Acknowledgement.month == month)
            & (Acknowledgement.status != "cancelled") & (Acknowledgement.submission != exclude)):
        live.setdefault(ack.submission_id, set()).add(ack.kind)
    found: dict[int, dict] = {}
    for line in SubmissionLine.select().where(SubmissionLine.submission.in_(list(live))):
        entry = found.setdefault(line.employment_id, {"wages": None, **dict.fromkeys(SHARES, 0)})
        entry["wages"] = max(entry["wages"] or 0, line.wages or 0) if line.wages is not None else entry["wages"]
        for kind in live[line.submission_id]:
            for name in ACT_SHARES[kind]:
                entry[name] += getattr(line, name)
    return found


def same_as_last_month(submission: Submission, line_ids: list[int] | None = None, by: User | None = None) -> int:
    """SAME AS LAST MONTH: accept last month's wages for every line still without wages (or only those of
    `line_ids`, the page on screen); one locked transaction, refused once submitted. Returns how many."""
    with locked():
        claim_draft(submission)
        count = drafts.accept_carried(submission, line_ids)
        audit.record(by, "month.same_as_last_month", employer=submission.employer_id, submission=submission,
                     subject=submission.month.strftime("%m/%Y"), details={"salaries": count})
        return count


def undo_same_as_last_month(submission: Submission, by: User | None = None) -> int:
    """UNDO: the wages SAME AS LAST MONTH filled in (and nobody changed since) are not counted again."""
    with locked():
        claim_draft(submission)
        count = drafts.undo_carried(submission)
        audit.record(by, "month.undo_same_as_last_month", employer=submission.employer_id, submission=submission,
                     subject=submission.month.strftime("%m/%Y"), details={"salaries": count})
        return count


def follow_registrations(submission: Submission) -> bool:
    """Before a draft is shown: its lines follow the month's employments (webapp.services.drafts).

    Reads first and takes the write lock only when something changed, so showing a draft costs no lock.
    """
    if not drafts.differs(submission):
        return False
    with locked():
        if Submission.select(Submission.status).where(Submission.id == submission.id).scalar() not in (
                "draft", "complete"):
            return False
        return drafts.follow(submission)


def complete(submission: Submission, by: User | None = None) -> Totals:
    """COMPLETE: every employee has wages or a status that explains why not (one locked transaction).

    The lines follow the month's employments first. Returns the totals, so the page can say when nothing
    is due (a nil return).
    """
    with locked():  # refusals are raised after the commit, so the lines keep following registrations
        if Submission.select(Submission.status).where(Submission.id == submission.id).scalar() in (
                "draft", "complete"):
            drafts.follow(submission)
        refusal = _incomplete(submission)
        if refusal is None:
            claim_draft(submission, "complete")
            figures = totals(submission)
            audit.record(by, "month.completed", employer=submission.employer_id, submission=submission,
                         subject=submission.month.strftime("%m/%Y"), details={"amount": format_rm(figures.amount)})
            if submission.type == "short" and figures.nil:
                refusal = ValidationError(N_("Nothing to top up: no salary is higher than declared before. Enter "
                                             "the wages that were too low."))
                Submission.update(status="draft").where(Submission.id == submission.id).execute()
    if refusal is not None:
        raise refusal
    return figures


def _incomplete(submission: Submission) -> ValidationError | None:
    """Why COMPLETE cannot go on: employees left out of a text file, or without wages nor a status."""
    left_out = SubmissionLine.select().where((SubmissionLine.submission == submission)
                                             & (SubmissionLine.in_file == False)).count()  # noqa: E712
    if left_out:
        return ValidationError(N_("%(count)s employee(s) were not in the text file: choose what to do for them on "
                                  "the preview first."), count=left_out)
    states = [rules.LineState(line.employment.person.name, line.status,
                              None if line.wages is None else from_sen(line.wages),
                              from_sen(line.socso_employer + line.socso_employee + line.eis_employer
                                       + line.eis_employee))
              for line in lines(submission, 1, 1_000_000)]
    missing = rules.incomplete(states)
    if missing:
        shown = ", ".join(missing[:5]) + (f" (+{len(missing) - 5})" if len(missing) > 5 else "")
        return ValidationError(N_("Enter the salary, or a status, for: %(names)s."), names=shown)
    return None


def confirm(submission: Submission, token: str, by: User | None = None) -> list[Acknowledgement]:
    """CONFIRM: the ACR and/or ECR, exactly once however often it is pressed (token + unique index).

    A scheme whose total is RM 0.00 gets a nil return (status "nil", no number) instead of a bill; a SHORT
    top-up issues nothing for an act with no difference. A regular submission is Monthly or Arrears by the
    day it is confirmed (core.contributions.regular_type). An employee registered or terminated since
    COMPLETE sends the submission back to draft: CONFIRM bills only what the summary showed.
    """
    with locked():  # a refusal for changed employees is raised after the commit, keeping the followed lines
        current = for_update(Submission.select().where(Submission.id == submission.id)).get()
        if current.status == "confirmed":
            return list(current.acknowledgements.order_by(Acknowledgement.kind))
        if not secrets.compare_digest(current.confirm_token.encode(), (token or "").encode()):
            raise Conflict(N_("This page is out of date. Open the contribution again and press SUBMIT."))
        if current.status != "complete":
            raise NotAllowed(N_("Press COMPLETE before you submit."))
        changed = drafts.follow(current)
        if not changed:
            issued = _issue(current)
            audit.record(by, "month.confirmed", employer=current.employer_id, submission=current,
                         subject=current.month.strftime("%m/%Y"),
                         details={a.kind: f"{a.number or '-'} {format_rm(from_sen(a.amount))}" for a in issued})
    if changed:
        raise Conflict(N_("Your employees changed since COMPLETE (a registration or a termination). Check the month "
                          "and press COMPLETE again."))
    return issued


def _issue(current: Submission) -> list[Acknowledgement]:
    """The ACR/ECR (or nil returns) of a completed submission, inside CONFIRM's locked transaction."""
    figures = totals(current)
    now = utcnow()
    issued_on = (now + MALAYSIA).date()
    type_ = "short" if current.type == "short" else rules.regular_type(current.month, issued_on)
    issued = []
    for kind, wanted, amount, employees in (("ACR", current.with_socso, figures.socso, figures.socso_employees),
                                            ("ECR", current.with_eis, figures.eis, figures.eis_employees)):
        if not wanted or (type_ == "short" and not amount):
            continue
        number = (acknowledgement_number(kind, issued_on, counters.next_value(f"{kind}-{issued_on.year}"))
                  if amount else None)
        try:
            with database.atomic():
                issued.append(Acknowledgement.create(
                    number=number, kind=kind, submission=current, employer=current.employer_id,
                    month=current.month, type=type_, medium=current.medium, employees=employees,
                    amount=amount, status="unpaid" if amount else "nil"))
        except IntegrityError:
            raise Conflict(ALREADY_SUBMITTED, month=current.month.strftime("%m/%Y")) from None
    Submission.update(status="confirmed", confirmed_at=now, type=type_,
                      confirm_token=secrets.token_urlsafe(32)).where(Submission.id == current.id).execute()
    return issued
