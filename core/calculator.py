"""The public contribution calculator: coverage and shares for a wage, a month and a kind of employee.

Pure rules (core.coverage and core.rates): the web page and payroll vendors ask the same question.
The employee is `age` on the last day of the month; "first insured at 55 or over" means first insured on
their 55th birthday (the youngest such person).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from core.coverage import Coverage, Employee, coverage
from core.money import ZERO, check_wages
from core.periods import add_months
from core.rates import NOTHING, Share, eis, skbbk, socso


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
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def calculate(wages: Decimal, month: date, age: int, *, citizen: bool = True, domestic: bool = False,
              first_insured_late: bool = False) -> Calculation:
    """Coverage and shares of one employee; raises ValidationError (e.g. a month before the schedules)."""
    check_wages(wages)
    month = month.replace(day=1)
    birth = _years_before(add_months(month, 1) - timedelta(days=1), age)
    first_insured = _years_before(birth, -55) if first_insured_late and age >= 55 else None
    person = Employee(birth_date=birth, employment_start=first_insured or birth, citizen=citizen,
                      domestic=domestic, first_insured_on=first_insured)
    covered = coverage(person, month)
    return Calculation(covered, socso(wages, month, covered.socso) if covered.socso else NOTHING,
                       eis(wages, month) if covered.eis else NOTHING,
                       skbbk(wages, month) if covered.skbbk else ZERO, wages, month)
