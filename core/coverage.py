"""Who contributes to what in a contribution month: SOCSO (and its category), EIS and SKBBK, with reasons.

Rules from domain.md 1.5, 2 and 3. Where the sources are silent we chose, and the tests hold us to it:
- Age limits take effect in the month the birthday falls: an employee who turns 60 on any day of a month
  is Second Category (and out of EIS) for that whole month; one who turns 18 joins EIS in that month.
- "First insured at 55 or over" (SOCSO Second Category) is judged on the date the person was first insured
  with SOCSO by any employer (`first_insured_on`); when it is unknown, the start of this employment is
  taken, as for someone registered for the first time now. A first-insured date after the start of the
  employment is inconsistent (registration refuses it); here the earlier of the two counts.
- "No EIS contribution before 57" is judged on EIS history, not SOCSO history: nobody contributed to EIS
  before January 2018, so the first day the person could have is the later of January 2018 and the
  first day they were employed from then on (`first_eis_on`, from every employment the portal knows of;
  this employment's start when unknown). Someone aged 57 on that day is exempt from EIS, however long
  they were insured with SOCSO before; someone who worked under EIS before 57 and is re-employed later
  is covered.
- Foreign workers: SOCSO Second Category from January 2019; from July 2024 First Category unless first
  insured at 55 or over, or aged 60 or more; never EIS.
- Domestic workers (local or foreign, employed by an individual) are covered from June 2021, on the same
  rules as other workers of their nationality.
- SKBBK (from June 2026) applies to every employee who contributes to SOCSO, in either category and
  whatever the nationality: Act A1788 adds it to both categories and no exception is published.
- Employment that starts or ends within the month still owes that month's contributions (Act 4 s.6(8)).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from core.errors import N_
from core.periods import add_months
from core.rates import Category

EIS_START = date(2018, 1, 1)
FOREIGN_SOCSO_START = date(2019, 1, 1)
DOMESTIC_START = date(2021, 6, 1)
FOREIGN_INVALIDITY_START = date(2024, 7, 1)
SKBBK_START = date(2026, 6, 1)


@dataclass(frozen=True)
class Employee:
    """The facts about an employee that decide coverage."""

    birth_date: date
    employment_start: date
    citizen: bool = True  # Malaysian citizen or permanent resident; False for a foreign worker
    domestic: bool = False
    employment_end: date | None = None
    first_insured_on: date | None = None
    invalidity_pensioner: bool = False
    first_eis_on: date | None = None  # first day employed (by anyone) from January 2018, when known


@dataclass(frozen=True)
class Reason:
    """Why, in words shown to users (an English message with parameters, translated by the web layer)."""

    message: str
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message % self.params if self.params else self.message


@dataclass(frozen=True)
class Coverage:
    month: date
    socso: Category | None
    socso_reason: Reason
    eis: bool
    eis_reason: Reason
    skbbk: bool
    skbbk_reason: Reason
    employment: Reason | None = None  # started or left within the month


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _last_day(month: date) -> date:
    return add_months(month, 1) - timedelta(days=1)


def _employment_note(person: Employee, month: date, last: date) -> Reason | None:
    if month <= person.employment_start <= last:
        return Reason(N_("Started work on %(date)s."), {"date": person.employment_start.strftime("%d/%m/%Y")})
    if person.employment_end and month <= person.employment_end <= last:
        return Reason(N_("Left work on %(date)s."), {"date": person.employment_end.strftime("%d/%m/%Y")})
    return None


def _socso(person: Employee, month: date, age: int, first_insured_age: int) -> tuple[Category | None, Reason]:
    if person.domestic and month < DOMESTIC_START:
        return None, Reason(N_("Domestic workers are covered from June 2021."))
    if not person.citizen:
        if month < FOREIGN_SOCSO_START:
            return None, Reason(N_("Foreign workers are covered by SOCSO from January 2019."))
        if month < FOREIGN_INVALIDITY_START:
            return Category.SECOND, Reason(
                N_("Foreign worker: Employment Injury Scheme only until June 2024 (employer pays)."))
    if age >= 60:
        return Category.SECOND, Reason(N_("Aged 60 or over: Employment Injury Scheme only (employer pays)."))
    if first_insured_age >= 55:
        return Category.SECOND, Reason(
            N_("First insured at age %(age)s (55 or over): Employment Injury Scheme only (employer pays)."),
            {"age": first_insured_age})
    if person.invalidity_pensioner:
        return Category.SECOND, Reason(
            N_("Invalidity pensioner: Employment Injury Scheme only (employer pays)."))
    if not person.citizen:
        return Category.FIRST, Reason(
            N_("Foreign worker: Employment Injury and Invalidity Schemes from July 2024 (shared)."))
    return Category.FIRST, Reason(N_("Under 60: Employment Injury and Invalidity Schemes (shared)."))


def _eis(person: Employee, month: date, age: int, first_eis_age: int) -> tuple[bool, Reason]:
    if month < EIS_START:
        return False, Reason(N_("EIS contributions began in January 2018."))
    if not person.citizen:
        return False, Reason(N_("Foreign workers are not covered by EIS."))
    if person.domestic and month < DOMESTIC_START:
        return False, Reason(N_("Domestic workers are covered from June 2021."))
    if age < 18:
        return False, Reason(N_("Under 18: not covered by EIS."))
    if age >= 60:
        return False, Reason(N_("Aged 60 or over: not covered by EIS."))
    if first_eis_age >= 57:
        return False, Reason(N_("No EIS contribution before age 57 (first employed under EIS at %(age)s): "
                                "exempt from EIS."), {"age": first_eis_age})
    return True, Reason(N_("Aged 18 to 59: covered by EIS."))


def coverage(person: Employee, month: date) -> Coverage:
    """What applies to `person` for the contribution month of `month`, each with its reason."""
    month = month.replace(day=1)
    last = _last_day(month)
    if person.employment_start > last or (person.employment_end and person.employment_end < month):
        nothing = Reason(N_("Not employed in this month."))
        return Coverage(month, None, nothing, False, nothing, False, nothing)
    age = age_on(person.birth_date, last)
    first_insured = min(person.first_insured_on or person.employment_start, person.employment_start)
    category, socso_reason = _socso(person, month, age, age_on(person.birth_date, first_insured))
    first_eis = max(EIS_START, min(person.first_eis_on or person.employment_start, person.employment_start))
    eis, eis_reason = _eis(person, month, age, age_on(person.birth_date, first_eis))
    if month < SKBBK_START:
        skbbk, skbbk_reason = False, Reason(N_("SKBBK contributions begin in June 2026."))
    elif category is None:
        skbbk, skbbk_reason = False, Reason(N_("Not covered by SOCSO."))
    else:
        skbbk, skbbk_reason = True, Reason(N_("SKBBK (non-employment injury): paid by the employee."))
    return Coverage(month, category, socso_reason, eis, eis_reason, skbbk, skbbk_reason,
                    _employment_note(person, month, last))
