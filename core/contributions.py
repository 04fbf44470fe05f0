"""Monthly contribution rules: which months are due, each line's amounts, and what COMPLETE requires.

A submission covers one employer, one contribution month and one type (Monthly, Arrears, Short) for SOCSO
(giving an ACR), EIS (an ECR) or both. Choices where the sources are silent, each tested:
- Monthly: the current month, and last month until its deadline (the 15th) has passed. Arrears: any
  earlier month not yet submitted. A month after the current one cannot be submitted.
- SKBBK travels with SOCSO (it is on the ACR), so a SOCSO-only submission carries it and an EIS-only one not.
- "Total Employee(s)" counts the employees with an amount to pay, as on the QRG screens, for each
  acknowledgement separately: the ACR counts those with a SOCSO (or SKBBK) amount, the ECR those with an
  EIS amount (QRG 8's samples: 5 on the ACR, 1 on the ECR).
- One bill per month and scheme: at most one live ACR and one live ECR per employer and month, whatever
  the type (Monthly or Arrears); more for a month already submitted goes through SHORT CONTRIBUTION.
  Whether a regular submission is Monthly or Arrears is decided when it is confirmed: a draft opened as
  Monthly and confirmed after the deadline is Arrears, and still the same one bill.
- Nil return: when a scheme's total for the month is RM 0.00 (nobody had wages), CONFIRM issues no ACR
  or ECR for it; the month is recorded as "no contribution due" (shown in history) and leaves the pending
  list. Wages found later go through SHORT CONTRIBUTION (the difference from nil).
- Wages are at most RM 999,999.99 a month (core.money.MAX_WAGES): above it is a typing mistake, and every
  accepted wage fits the text files' 14-digit field.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.coverage import Coverage
from core.errors import N_, ValidationError
from core.money import ZERO, check_wages
from core.periods import add_months, payment_deadline
from core.rates import NOTHING, eis, schedules, skbbk, socso

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
    check_wages(wages)
    socso_share = socso(wages, month, coverage.socso) if with_socso and coverage.socso else NOTHING
    eis_share = eis(wages, month) if with_eis and coverage.eis else NOTHING
    skbbk_amount = skbbk(wages, month) if with_socso and coverage.skbbk else ZERO
    return LineAmounts(socso_share.employer, socso_share.employee, eis_share.employer, eis_share.employee,
                       skbbk_amount)


def regular_type(month: date, today: date) -> str:
    """A regular (not SHORT) submission of `month` made `today`: "monthly" until its deadline, then "arrears"."""
    return "monthly" if month == today.replace(day=1) or payment_deadline(month) >= today else "arrears"


def due_months(first_month: date, today: date, submitted: set[date]) -> list[tuple[date, str]]:
    """The pending list: (month, "monthly" | "arrears") not yet submitted, newest first."""
    current = today.replace(day=1)
    due, month = [], current
    while month >= first_month.replace(day=1):
        if month not in submitted:
            due.append((month, regular_type(month, today)))
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
    first_schedule = schedules("socso")[0].effective_from
    if month < first_schedule:
        raise ValidationError(N_("The portal has no contribution schedule before %(start)s: contact PERKESO for "
                                 "%(month)s."), field="month", month=month.strftime("%m/%Y"),
                              start=first_schedule.strftime("%m/%Y"))
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
