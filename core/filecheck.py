"""Checking a parsed text file against the employer uploading it and the month it is for.

- The employer code on every line must be the uploader's, and every line must be for the same month, one
  for which the portal has a contribution schedule.
- An employee may appear once.
- Combined layout: every share must equal the schedule for the declared wages (the error gives the amount
  expected). When the portal knows the employee (`coverage_of` returns their Coverage) the category, EIS
  and SKBBK follow it; for an unknown employee any lawful combination is accepted (First or Second
  Category, with or without EIS) and the closest one is used to explain a mismatch.
- SOCSO-only and EIS-only layouts carry no wages, only the employee's total. It must be a total the
  schedule gives for THIS employee's coverage (`lawful_shares`): a First Category total for a Second
  Category employee, or an EIS amount for someone EIS does not cover, is an error, never a guess.
- The 223-character SOCSO amount from June 2026 (our reading, the official layout not being published):
  the whole Act 4 amount of the employee, SOCSO employer and employee shares PLUS the employee's SKBBK,
  because SKBBK is an Act 4 contribution carried on the ACR. An amount without SKBBK is refused with the
  amount expected; upload, the pencil, the ACR and the export all use this reading.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import product

from core.coverage import Coverage
from core.errors import N_
from core.money import ZERO, format_rm
from core.rates import Category, eis, schedule_for, skbbk, socso
from core.textfile import COLUMNS, Layout, LineError, Record

SHARES = ("socso_employer", "socso_employee", "eis_employer", "eis_employee", "skbbk_employee")
LABELS = {c.attribute: c.label for c in COLUMNS[Layout.COMBINED]}


def expected_shares(wages: Decimal, month: date, category: Category | None, with_eis: bool,
                    with_skbbk: bool) -> dict[str, Decimal]:
    """The five amounts of a combined line for these wages and this coverage."""
    socso_share = socso(wages, month, category) if category else None
    eis_share = eis(wages, month) if with_eis else None
    return {
        "socso_employer": socso_share.employer if socso_share else ZERO,
        "socso_employee": socso_share.employee if socso_share else ZERO,
        "eis_employer": eis_share.employer if eis_share else ZERO,
        "eis_employee": eis_share.employee if eis_share else ZERO,
        "skbbk_employee": skbbk(wages, month) if with_skbbk and category else ZERO,
    }


def _candidates(wages: Decimal, month: date, coverage: Coverage | None):
    if coverage is not None:
        yield expected_shares(wages, month, coverage.socso, coverage.eis, coverage.skbbk)
        return
    skbbk_due = schedule_for("skbbk", month) is not None
    eis_options = (True, False) if schedule_for("eis", month) is not None else (False,)
    for category, with_eis in product((Category.FIRST, Category.SECOND, None), eis_options):
        yield expected_shares(wages, month, category, with_eis, skbbk_due)


def _combined_errors(record: Record, coverage: Coverage | None) -> list[LineError]:
    declared = {name: getattr(record, name) or ZERO for name in SHARES}
    best = None
    for candidate in _candidates(record.wages, record.month, coverage):
        wrong = [name for name in SHARES if declared[name] != candidate[name]]
        if not wrong:
            return []
        if best is None or len(wrong) < len(best[1]):
            best = (candidate, wrong)
    candidate, wrong = best
    return [LineError(record.line, LABELS[name], N_("%(value)s does not match the schedule"),
                      N_("%(amount)s for wages of %(wages)s in %(month)s"),
                      {"value": format_rm(declared[name]), "amount": format_rm(candidate[name]),
                       "wages": format_rm(record.wages), "month": record.month.strftime("%m/%Y")})
            for name in wrong]


@lru_cache(maxsize=256)
def _totals(layout: Layout, month: date, category: Category | None, with_skbbk: bool) -> tuple[dict, list]:
    """For one kind of employee: {total: shares} of every band, and the totals band by band."""
    if layout is Layout.EIS:
        schedule = schedule_for("eis", month) if category else None
        rows = [{"eis_employer": b.employer, "eis_employee": b.employee} for b in schedule.bands] if schedule else []
    else:
        schedule, skbbk_schedule = schedule_for("socso", month), schedule_for("skbbk", month)
        rows = []
        for band in (schedule.bands if schedule and category else ()):
            employer, employee = ((band.employer, band.employee) if category is Category.FIRST
                                  else (band.second_category, ZERO))
            probe = band.upper if band.upper is not None else band.lower + 1
            extra = skbbk_schedule.band(probe).employee if with_skbbk and skbbk_schedule else ZERO
            rows.append({"socso_employer": employer, "socso_employee": employee, "skbbk_employee": extra})
    table = {sum(row.values()): row for row in reversed(rows)}  # the lowest band wins a tie
    return table, [sum(row.values()) for row in rows]


def _kinds(layout: Layout, coverage: Coverage | None, month: date) -> list[tuple[Category | None, bool]]:
    """The (category, SKBBK) pairs a line may be for: the employee's own, or every lawful one if unknown."""
    if layout is Layout.EIS:
        return [(Category.FIRST if coverage is None or coverage.eis else None, False)]
    if coverage is not None:
        return [(coverage.socso, coverage.skbbk)]
    skbbk_due = schedule_for("skbbk", month) is not None
    return [(Category.FIRST, skbbk_due), (Category.SECOND, skbbk_due)]


def lawful_shares(layout: Layout, amount: Decimal, month: date,
                  coverage: Coverage | None) -> dict[str, Decimal] | None:
    """The shares that make up a SOCSO-only or EIS-only total for this employee, or None if none do.

    A total of 0.00 (no wages this month) is always lawful and gives no shares.
    """
    if amount == ZERO:
        return {}
    for category, with_skbbk in _kinds(layout, coverage, month):
        found = _totals(layout, month, category, with_skbbk)[0].get(amount)
        if found is not None:
            return dict(found)
    return None


def _same_band_for(layout: Layout, amount: Decimal, month: date, coverage: Coverage) -> Decimal | None:
    """What this employee owes for the wage band where `amount` is some other kind of employee's total."""
    own = _totals(layout, month, *_kinds(layout, coverage, month)[0])[1]
    skbbk_due = schedule_for("skbbk", month) is not None
    for category, with_skbbk in product((Category.FIRST, Category.SECOND), {False, skbbk_due}):
        others = _totals(layout, month, category, with_skbbk)[1]
        if amount in others:
            index = others.index(amount)
            return own[index] if own else ZERO
    return None


def _amount_error(record: Record, layout: Layout, month: date, coverage: Coverage | None) -> LineError:
    params = {"value": format_rm(record.amount), "month": month.strftime("%m/%Y")}
    label = N_("Contribution Amount")
    if coverage is not None:
        if layout is Layout.EIS and not coverage.eis:
            return LineError(record.line, label, N_("the employee is not covered by EIS in %(month)s"),
                             N_("0 (or no line for this employee)"), params)
        if layout is Layout.SOCSO and coverage.socso is None:
            return LineError(record.line, label, N_("the employee is not covered by SOCSO in %(month)s"),
                             N_("0 (or no line for this employee)"), params)
        expected = _same_band_for(layout, record.amount, month, coverage)
        if expected is not None:
            return LineError(record.line, label,
                             N_("%(value)s is the amount for another kind of employee (category or SKBBK)"),
                             N_("%(amount)s, this employee's amount for the same wages in %(month)s"),
                             {**params, "amount": format_rm(expected)})
    return LineError(record.line, label, N_("%(value)s is not an amount of the %(month)s schedule"),
                     N_("a total from the contribution table"), params)


def _schedule_missing(records: list[Record], layout: Layout, month: date) -> LineError | None:
    scheme = "eis" if layout is Layout.EIS else "socso"
    if schedule_for(scheme, month) is not None:
        return None
    return LineError(records[0].line if records else 0, N_("Month Contribution"),
                     N_("there is no %(scheme)s contribution schedule for %(month)s"),
                     N_("a month from the first schedule on"),
                     {"scheme": scheme.upper(), "month": month.strftime("%m/%Y")})


def check(records: list[Record], layout: Layout, *, employer_code: str, month: date,
          coverage_of: Callable[[Record], Coverage | None] | None = None) -> list[LineError]:
    """Every problem of `records` for this employer and month, line by line (an empty list when clean)."""
    missing = _schedule_missing(records, layout, month)
    if missing:
        return [missing]
    errors, first_line = [], {}
    for record in records:
        if record.employer_code != employer_code:
            errors.append(LineError(record.line, N_("Employer Code"), N_("%(value)s is another employer's code"),
                                    employer_code, {"value": record.employer_code}))
        if record.month != month:
            errors.append(LineError(record.line, N_("Month Contribution"), N_("the line is for %(value)s"),
                                    month.strftime("%m%Y"), {"value": record.month.strftime("%m%Y")}))
            continue
        if record.id_number in first_line:
            errors.append(LineError(record.line, N_("ID Number"), N_("%(value)s is also on line %(other)s"),
                                    N_("one line per employee"),
                                    {"value": record.id_number, "other": first_line[record.id_number]}))
        first_line.setdefault(record.id_number, record.line)
        coverage = coverage_of(record) if coverage_of else None
        if layout is Layout.COMBINED:
            errors.extend(_combined_errors(record, coverage))
        elif lawful_shares(layout, record.amount, month, coverage) is None:
            errors.append(_amount_error(record, layout, month, coverage))
    return errors
