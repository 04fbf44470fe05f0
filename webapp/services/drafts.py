"""The lines of a draft: one per employee working in the month, following the employer's people until CONFIRM.

- A new draft starts from what the employer last declared for the month when there is something: the
  submission that was cancelled (QRG 9) or confirmed before, salaries and "No wages this month" kept, the
  amounts computed again for the new draft's schemes. A SHORT top-up starts from the declared wages.
- Otherwise each line carries the wages declared for the employee in the last month submitted before
  (`carried_wages`, `carried_from`): shown, not counted, until the employer accepts them with SAME AS LAST
  MONTH (`accept_carried`); UNDO takes back what that action filled (the month in a minute, issue 13).
- Whenever a draft is shown or COMPLETEd, its lines follow the employments of that month (`follow`): an
  employee registered since appears as "New this month", one who left in the month becomes "Left this
  month" (their salary kept), one whose employment no longer reaches the month goes. Registration's New
  and Left win over what a text file or the pencil said.

These functions run inside the caller's locked transaction; they are the contribution service's helpers.
"""

from datetime import date

from peewee import JOIN, Select, fn

from core import contributions as rules
from core.money import from_sen, sen
from core.periods import add_months
from webapp.db import Prepared, database
from webapp.models import Employer, Employment, Person, Submission, SubmissionLine
from webapp.services.employees import coverage_now, first_eis_on

SHARES = ("socso_employer", "socso_employee", "eis_employer", "eis_employee", "skbbk_employee")
ACT_SHARES = {"ACR": ("socso_employer", "socso_employee", "skbbk_employee"), "ECR": ("eis_employer", "eis_employee")}
LINE_COLUMNS = ("submission_id", "employment_id", "position", "status", "wages", *SHARES, "in_file", "carried_wages",
                "carried_from", "carried_accepted")


def employments_in(employer: Employer, month: date, after: date | None = None):
    """Employees working at any time in `month`: registered, started by its end, not left before it.
    (`after` is the first day of the next month; given by a prepared query as a placeholder.)"""
    # Only what the lines and core.coverage need: a big employer has thousands of rows here.
    return (Employment.select(Employment.id, Employment.start_date, Employment.end_date, Employment.domestic,
                              Employment.person, Person.id, Person.id_number, Person.name, Person.birth_date,
                              Person.citizen, Person.first_insured_on, first_eis_on()).join(Person)
            .where(_working_in(employer, month, after))
            .order_by(Person.name, Employment.id))


def _working_in(employer: Employer, month: date, after: date | None = None):
    return ((Employment.employer == employer) & (Employment.status != "pending")
            & (Employment.start_date < (after if after is not None else add_months(month, 1)))
            & (Employment.end_date.is_null() | (Employment.end_date >= month)))


def line_status(employment: Employment, month: date) -> str:
    """What registration says of an employee in `month`: Left this month, New this month, or Active."""
    if employment.end_date and employment.end_date < add_months(month, 1):
        return "left"
    return "new" if employment.start_date >= month else "active"


def _registered_status(employment: Employment, month: date, said: str) -> str:
    """The status a line keeps: registration's New or Left when it knows one, else what was said."""
    known = line_status(employment, month)
    return said if known == "active" else known


def insert_lines(rows: list[tuple]) -> None:
    """Many lines at once with one prepared, parameterised statement (thousands of employees)."""
    if not rows:
        return
    marks = ", ".join([database.param] * len(LINE_COLUMNS))
    sql = f'INSERT INTO "submission_line" ({", ".join(LINE_COLUMNS)}) VALUES ({marks})'  # noqa: S608 - fixed names
    database.cursor().executemany(sql, rows)


def earlier_lines(employer: Employer, month: date, exclude: int) -> dict[int, SubmissionLine]:
    """Per employment, the line of the last regular submission of `month` that was confirmed or cancelled."""
    source = (Submission.select(Submission.id)
              .where((Submission.employer == employer) & (Submission.month == month) & (Submission.type != "short")
                     & Submission.status.in_(("confirmed", "cancelled")) & (Submission.id != exclude))
              .order_by(Submission.id.desc()).limit(1).scalar())
    if source is None:
        return {}
    return {line.employment_id: line for line in SubmissionLine.select().where(SubmissionLine.submission == source)}


def last_month_wages(employer: Employer, month: date) -> tuple[date | None, dict[int, int]]:
    """The month last submitted before `month` (a confirmed regular submission) and, per employment, the
    wages declared in it (sen); (None, {}) when nothing was submitted before."""
    source = (Submission.select(Submission.id, Submission.month)
              .where((Submission.employer == employer) & (Submission.month < month) & (Submission.type != "short")
                     & (Submission.status == "confirmed"))
              .order_by(Submission.month.desc(), Submission.id.desc()).first())
    if source is None:
        return None, {}
    return source.month, dict(SubmissionLine.select(SubmissionLine.employment, SubmissionLine.wages)
                              .where((SubmissionLine.submission == source.id) & SubmissionLine.wages.is_null(False))
                              .tuples())


def amounts_for(submission: Submission, employment: Employment, wages_sen: int | None) -> dict:
    """The shares (sen) of `wages_sen` for this employee under the submission's schemes."""
    amounts = rules.line_amounts(coverage_now(employment, submission.month),
                                 None if wages_sen is None else from_sen(wages_sen), submission.month,
                                 with_socso=submission.with_socso, with_eis=submission.with_eis)
    return {name: sen(getattr(amounts, name)) for name in SHARES}


def build(submission: Submission, employer: Employer, *, declared: dict | None = None, fill=None) -> None:
    """Insert the lines of a new (or emptied) draft.

    `declared` (SHORT): per employment, the wages declared before. `fill(employment, previous)` (a text
    file) gives a line's status, wages, shares and `in_file`; `previous` is the draft's line before the
    file, or None.
    Otherwise the lines start from the last cancelled or confirmed submission of the month, if any.
    """
    month = submission.month
    previous = {line.employment_id: line for line in
                SubmissionLine.select().where(SubmissionLine.submission == submission)}
    if previous:
        SubmissionLine.delete().where(SubmissionLine.submission == submission).execute()
    earlier = {} if declared is not None or fill is not None else earlier_lines(employer, month, submission.id)
    carried_from, carried = (last_month_wages(employer, month) if declared is None and fill is None and not earlier
                             else (None, {}))
    rows = []
    for position, employment in enumerate(employments_in(employer, month), 1):
        line = {"status": line_status(employment, month), "wages": None, **dict.fromkeys(SHARES, 0), "in_file": None,
                "carried_wages": carried.get(employment.id)}
        if declared is not None:
            line["wages"] = declared.get(employment.id, {}).get("wages")
        elif fill is not None:
            line.update(fill(employment, previous.get(employment.id)))
            for kind, wanted in (("ACR", submission.with_socso), ("ECR", submission.with_eis)):
                if not wanted:  # an act already billed for the month: the file's shares for it are not this bill's
                    line.update(dict.fromkeys(ACT_SHARES[kind], 0))
        elif employment.id in earlier:
            before = earlier[employment.id]
            line.update(status=_registered_status(employment, month, before.status), wages=before.wages,
                        **amounts_for(submission, employment, before.wages))
        rows.append((submission.id, employment.id, position, line["status"], line["wages"],
                     *(line[name] for name in SHARES), line["in_file"], line["carried_wages"],
                     carried_from if line["carried_wages"] is not None else None, False))
    insert_lines(rows)


def _has_line(submission_id):
    return (SubmissionLine.select(SubmissionLine.id)
            .where((SubmissionLine.submission == submission_id) & (SubmissionLine.employment == Employment.id)))


# The three reads of `differences`, run before every draft page is shown: prepared (their SQL is built once).
_missing = Prepared(lambda submission_id, employer_id, month, after: employments_in(employer_id, month, after)
                    .where(~fn.EXISTS(_has_line(submission_id))))
def _gone_query(submission_id, employer_id, month, after):
    return (SubmissionLine.select(SubmissionLine.id)
            .join(Employment, JOIN.LEFT_OUTER, on=((SubmissionLine.employment == Employment.id)
                                                  & _working_in(employer_id, month, after)))
            .where((SubmissionLine.submission == submission_id) & Employment.id.is_null()))


_gone = Prepared(_gone_query)


def _restated_query(submission_id, month, after):
    left = Employment.end_date.is_null(False) & (Employment.end_date < after)
    return (SubmissionLine.select(SubmissionLine.id, Employment.start_date, Employment.end_date)
            .join(Employment)
            .where((SubmissionLine.submission == submission_id)
                   & ((left & (SubmissionLine.status != "left"))
                      | (~left & (Employment.start_date >= month) & (SubmissionLine.status == "active")))))


_restated = Prepared(_restated_query)


def _differs_query(submission_id, employer_id, month, after):
    missing = Employment.select(Employment.id).where(_working_in(employer_id, month, after)
                                                     & ~fn.EXISTS(_has_line(submission_id)))
    gone = _gone_query(submission_id, employer_id, month, after)
    return Select(columns=[fn.EXISTS(missing) | fn.EXISTS(gone)
                           | fn.EXISTS(_restated_query(submission_id, month, after))]).bind(database).tuples()


_differs = Prepared(_differs_query)


def differs(submission: Submission) -> bool:
    """Whether `differences` would find anything: one query, run before every draft page is shown."""
    month, employer, after = submission.month, submission.employer_id, add_months(submission.month, 1)
    return bool(_differs(submission.id, employer, month, after)[0][0])


def differences(submission: Submission) -> tuple[list, list, list]:
    """What an open draft lacks against the month's employments: (employments without a line, lines whose
    employment no longer reaches the month, lines whose New/Left registration knows better). Reads only:
    indexed anti-joins, cheap when nothing changed."""
    month, employer, after = submission.month, submission.employer_id, add_months(submission.month, 1)
    return (_missing(submission.id, employer, month, after), _gone(submission.id, employer, month, after),
            _restated(submission.id, month, after))


def follow(submission: Submission) -> bool:
    """Bring an open draft's lines in step with the month's employments; True when something changed.

    New employees get a line at the end; a changed completed draft goes back to draft, so COMPLETE checks
    the new lines. Runs inside the caller's locked transaction.
    """
    missing, gone, restated = differences(submission)
    if not (missing or gone or restated):
        return False
    if gone:
        SubmissionLine.delete().where(SubmissionLine.id.in_([line.id for line in gone])).execute()
    for line in restated:
        SubmissionLine.update(status=line_status(line.employment, submission.month)).where(
            SubmissionLine.id == line.id).execute()
    last = SubmissionLine.select(fn.MAX(SubmissionLine.position)).where(
        SubmissionLine.submission == submission).scalar() or 0
    insert_lines([(submission.id, e.id, last + n, line_status(e, submission.month), None, *(0,) * len(SHARES), None,
                   None, None, False) for n, e in enumerate(missing, 1)])
    Submission.update(status="draft").where((Submission.id == submission.id) & (Submission.status == "complete")
                                            ).execute()
    return True


def accept_carried(submission: Submission, line_ids: list[int] | None = None) -> int:
    """SAME AS LAST MONTH: last month's wages become this month's, amounts computed, for every line still
    without wages (or only `line_ids`, the page shown); returns how many lines it filled. Runs inside the
    caller's locked transaction."""
    waiting = (SubmissionLine.select(SubmissionLine.id, SubmissionLine.employment, SubmissionLine.carried_wages)
               .where((SubmissionLine.submission == submission) & SubmissionLine.wages.is_null()
                      & SubmissionLine.carried_wages.is_null(False) & (SubmissionLine.status != "no_wages")))
    if line_ids is not None:
        waiting = waiting.where(SubmissionLine.id.in_(line_ids))
    waiting = list(waiting)
    if not waiting:
        return 0
    wanted = {line.employment_id for line in waiting}
    people = {e.id: e for e in employments_in(submission.employer_id, submission.month) if e.id in wanted}
    for line in waiting:
        shares = amounts_for(submission, people[line.employment_id], line.carried_wages)
        SubmissionLine.update(wages=line.carried_wages, carried_accepted=True, **shares).where(
            SubmissionLine.id == line.id).execute()
    return len(waiting)


def undo_carried(submission: Submission) -> int:
    """UNDO of SAME AS LAST MONTH: the lines it filled (and nobody edited since) are not counted again."""
    return (SubmissionLine.update(wages=None, carried_accepted=False, **dict.fromkeys(SHARES, 0))
            .where((SubmissionLine.submission == submission) & SubmissionLine.carried_accepted).execute())

