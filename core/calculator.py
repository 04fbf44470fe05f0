"""The public contribution calculator: coverage and shares for a wage, a month and a kind of employee.

Pure rules (core.coverage and core.rates): the web page and payroll vendors ask the same question.
The employee is `age` on the last day of the month; "first insured at 55 or over" means first insured on
their 55th birthday (the youngest such person); "first employed under EIS at 57 or over" means from their
57th birthday (no EIS contribution before 57: exempt from EIS).

`inputs_for(employee, month)` turns what the portal knows about a real employee into the calculator's
answers, so "how is this amount made?" on the month's page opens the calculator with the same coverage as
the pencil used; `explain(calculation)` says how each amount was made: the schedule in force, the wage band
(its row in the printed table) and the category, with the reason for each.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from core.coverage import EIS_START, Coverage, Employee, Reason, age_on, coverage
from core.money import ZERO, check_wages
from core.periods import add_months
from core.rates import NOTHING, Category, Schedule, Share, eis, schedule_for, skbbk, socso


@dataclass(frozen=True)
class Calculation:
    coverage: Coverage
    socso: Share
    eis: Share
    skbbk: Decimal
    wages: Decimal
    month: date

    @property
    def employer(self) -> Decimal:
        return self.socso.employer + self.eis.employer

    @property
    def employee(self) -> Decimal:
        return self.socso.employee + self.eis.employee + self.skbbk

    @property
    def total(self) -> Decimal:
        return self.employer + self.employee


def _years_before(day: date, years: int) -> date:
    """The same day `years` earlier (later when negative). From 29 February into a year without one: the
    28th going back (a birth date: the person is that age by then), 1 March going forward (a birthday)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, month=3, day=1) if years < 0 else day.replace(
            year=day.year - years, day=28)


def _last_day(month: date) -> date:
    return add_months(month.replace(day=1), 1) - timedelta(days=1)


def calculate(wages: Decimal, month: date, age: int, *, citizen: bool = True, domestic: bool = False,
              first_insured_late: bool = False, eis_late: bool = False) -> Calculation:
    """Coverage and shares of one employee; raises ValidationError (e.g. a month before the schedules).

    `first_insured_late`: first insured with SOCSO at 55 or over (Second Category); `eis_late`: first
    employed under EIS at 57 or over (exempt from EIS). Each counts only from the age it names.
    """
    check_wages(wages)
    month = month.replace(day=1)
    birth = _years_before(_last_day(month), age)
    start, first_insured, first_eis = birth, None, None
    if first_insured_late and age >= 55:
        first_insured = start = _years_before(birth, -55)
    if eis_late and age >= 57:
        first_eis = start = _years_before(birth, -57)
        first_insured = first_insured or birth  # insured before, only not under EIS
    person = Employee(birth_date=birth, employment_start=start, citizen=citizen, domestic=domestic,
                      first_insured_on=first_insured, first_eis_on=first_eis)
    covered = coverage(person, month)
    return Calculation(covered, socso(wages, month, covered.socso) if covered.socso else NOTHING,
                       eis(wages, month) if covered.eis else NOTHING,
                       skbbk(wages, month) if covered.skbbk else ZERO, wages, month)


@dataclass(frozen=True)
class Inputs:
    """The calculator's answers for one real employee and month (what the form's fields hold)."""

    month: date
    age: int
    citizen: bool
    domestic: bool
    first_insured_late: bool
    eis_late: bool


def inputs_for(person: Employee, month: date) -> Inputs:
    """The calculator's answers that give `person` the coverage core.coverage gives them in `month`.

    Age on the last day of the month; "first insured at 55 or over" and "first employed under EIS at 57 or
    over" judged as core.coverage judges them (the earlier of the first-insured date and this employment's
    start; EIS history from January 2018).
    """
    month = month.replace(day=1)
    first_insured = min(person.first_insured_on or person.employment_start, person.employment_start)
    first_eis = max(EIS_START, min(person.first_eis_on or person.employment_start, person.employment_start))
    return Inputs(month=month, age=age_on(person.birth_date, _last_day(month)), citizen=person.citizen,
                  domestic=person.domestic, first_insured_late=age_on(person.birth_date, first_insured) >= 55,
                  eis_late=age_on(person.birth_date, first_eis) >= 57)


@dataclass(frozen=True)
class BandUsed:
    """The row of the schedule the wages fall in: wages exceed `lower` but not `upper` (None: no limit)."""

    schedule: Schedule
    number: int  # the row in the printed table, from 1
    rows: int
    lower: Decimal
    upper: Decimal | None


@dataclass(frozen=True)
class Part:
    """How one scheme's amount was made: covered or not (and why), the band used and the amounts read."""

    scheme: str  # "socso", "eis" or "skbbk"
    covered: bool
    reason: Reason
    category: Category | None
    band: BandUsed | None  # None: not covered, no wages, or no schedule yet (SKBBK before June 2026)
    share: Share

    @property
    def above_ceiling(self) -> bool:
        return self.band is not None and self.band.upper is None


def _band(scheme: str, wages: Decimal, month: date) -> BandUsed | None:
    schedule = schedule_for(scheme, month)
    if schedule is None or wages <= 0:
        return None
    row = schedule.band(wages)
    return BandUsed(schedule, schedule.band_number(wages), len(schedule.bands), row.lower, row.upper)


def explain(calculation: Calculation) -> list[Part]:
    """How the SOCSO, EIS and SKBBK amounts of `calculation` were made, in that order.

    Nothing is computed here that the calculation did not use: the amounts are those of the band's row of
    the official table (not a percentage of the wages), so there is no rounding to explain beyond that.
    """
    c, wages, month = calculation.coverage, calculation.wages, calculation.month
    parts = [("socso", c.socso is not None, c.socso_reason, calculation.socso),
             ("eis", c.eis, c.eis_reason, calculation.eis),
             ("skbbk", c.skbbk, c.skbbk_reason, Share(ZERO, calculation.skbbk))]
    return [Part(scheme, covered, reason, c.socso if scheme == "socso" else None,
                 _band(scheme, wages, month) if covered else None, share)
            for scheme, covered, reason, share in parts]
