"""Checking a parsed text file against the employer uploading it and the month it is for.

- The employer code on every line must be the uploader's, and every line must be for the same month.
- An employee may appear once.
- Combined layout: every share must equal the schedule for the declared wages (the error gives the amount
  expected). When the portal knows the employee (`coverage_of` returns their Coverage) the category, EIS
  and SKBBK follow it; for an unknown employee any lawful combination is accepted (First or Second
  Category, with or without EIS) and the closest one is used to explain a mismatch.
- SOCSO-only and EIS-only layouts carry no wages, so their amount must be one the schedule can produce.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
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
    for category, with_eis in product((Category.FIRST, Category.SECOND, None), (True, False)):
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


def _lawful_totals(layout: Layout, month: date) -> set[Decimal]:
    schedule = schedule_for("socso" if layout is Layout.SOCSO else "eis", month)
    totals = {ZERO}
    for band in schedule.bands if schedule else ():
        totals.add(band.employer + band.employee)
        if layout is Layout.SOCSO:
            totals.add(band.second_category)
    return totals


def check(records: list[Record], layout: Layout, *, employer_code: str, month: date,
          coverage_of: Callable[[Record], Coverage | None] | None = None) -> list[LineError]:
    """Every problem of `records` for this employer and month, line by line (an empty list when clean)."""
    errors, first_line = [], {}
    totals = _lawful_totals(layout, month) if layout is not Layout.COMBINED else set()
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
        if layout is Layout.COMBINED:
            errors.extend(_combined_errors(record, coverage_of(record) if coverage_of else None))
        elif record.amount not in totals:
            errors.append(LineError(record.line, N_("Contribution Amount"),
                                    N_("%(value)s is not an amount of the %(month)s schedule"),
                                    N_("a total from the contribution table"),
                                    {"value": format_rm(record.amount), "month": month.strftime("%m/%Y")}))
    return errors
