"""Monthly contribution rules: which months are due, each line's amounts, and what COMPLETE requires.

A submission covers one employer, one contribution month and one type (Monthly, Arrears, Short) for SOCSO
(giving an ACR), EIS (an ECR) or both. Choices where the sources are silent, each tested:
- Monthly: the current month, and last month until its deadline (the 15th) has passed. Arrears: any
  earlier month not yet submitted. A month after the current one cannot be submitted.
- SKBBK travels with SOCSO (it is on the ACR), so a SOCSO-only submission carries it and an EIS-only one not.
- "Total Employee(s)" counts the employees with an amount to pay, as on the QRG screens.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.coverage import Coverage
from core.errors import N_, ValidationError
from core.money import ZERO
from core.periods import add_months, payment_deadline
from core.rates import NOTHING, eis, skbbk, socso

LINE_STATUSES = {"active": N_("Active"), "new": N_("New this month"), "left": N_("Left this month"),
                 "no_wages": N_("No wages this month")}
TYPES = {"monthly": N_("Monthly"), "arrears": N_("Arrears"), "short": N_("Short")}


@dataclass(frozen=True)
class LineAmounts:
    socso_employer: Decimal = ZERO
    socso_employee: Decimal = ZERO
    eis_employer: Decimal = ZERO
    eis_employee: Decimal = ZERO
    skbbk_employee: Decimal = ZERO

    @property
    def socso_total(self) -> Decimal:
        """What the ACR carries for this employee (SOCSO shares and SKBBK)."""
        return self.socso_employer + self.socso_employee + self.skbbk_employee

    @property
    def eis_total(self) -> Decimal:
        return self.eis_employer + self.eis_employee

    @property
    def total(self) -> Decimal:
        return self.socso_total + self.eis_total


def line_amounts(coverage: Coverage, wages: Decimal | None, month: date, *, with_socso: bool,
                 with_eis: bool) -> LineAmounts:
    """The shares for one employee's wages in `month`, for the schemes of the submission."""
    if not wages:
        return LineAmounts()
    socso_share = socso(wages, month, coverage.socso) if with_socso and coverage.socso else NOTHING
    eis_share = eis(wages, month) if with_eis and coverage.eis else NOTHING
    skbbk_amount = skbbk(wages, month) if with_socso and coverage.skbbk else ZERO
    return LineAmounts(socso_share.employer, socso_share.employee, eis_share.employer, eis_share.employee,
                       skbbk_amount)


def due_months(first_month: date, today: date, submitted: set[date]) -> list[tuple[date, str]]:
    """The pending list: (month, "monthly" | "arrears") not yet submitted, newest first."""
    current = today.replace(day=1)
    due, month = [], current
    while month >= first_month.replace(day=1):
        if month not in submitted:
            monthly = month == current or payment_deadline(month) >= today
            due.append((month, "monthly" if monthly else "arrears"))
        month = add_months(month, -1)
    return due


def check_month(month: date, today: date, earliest: date) -> date:
    """A contribution month the employer may submit: not in the future, not before they first employed."""
    month = month.replace(day=1)
    if month > today.replace(day=1):
        raise ValidationError(N_("%(month)s is in the future: it cannot be submitted yet."), field="month",
                              month=month.strftime("%m/%Y"))
    if month < earliest.replace(day=1):
        raise ValidationError(N_("%(month)s is before your first employment date (%(date)s)."), field="month",
                              month=month.strftime("%m/%Y"), date=earliest.strftime("%d/%m/%Y"))
    return month


@dataclass(frozen=True)
class LineState:
    name: str
    status: str
    wages: Decimal | None
    amount: Decimal = ZERO  # a SOCSO-only or EIS-only text file gives amounts without wages


def incomplete(lines: list[LineState]) -> list[str]:
    """Names of employees with neither wages (or an amount) nor a status that explains why: COMPLETE refuses."""
    return [line.name for line in lines
            if line.wages is None and not line.amount and line.status not in ("no_wages", "left")]
