"""The employer's dashboard: every month due or overdue, and what paying today would cost.

- Months not yet submitted (SOCSO + EIS), newest first, each with its deadline and the days left or late;
  the month now due is the one whose deadline comes next (last month until the 15th, then this month).
- ACR/ECRs submitted but not paid, each with the late-payment interest (FCLB) it would carry if paid
  today (core.interest: nothing before the deadline, at least RM5.00 after it), and the FCLB notices not
  yet paid (as PAYMENT counts them).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.interest import late_interest
from core.money import ZERO, from_sen
from core.periods import add_months, days_left, payment_deadline
from webapp.db import Prepared
from webapp.models import Acknowledgement, Employer
from webapp.payment_models import FclbNotice
from webapp.services import contributions


@dataclass(frozen=True)
class Unsubmitted:
    month: date
    deadline: date
    days_left: int  # negative: days late

    @property
    def late(self) -> bool:
        return self.days_left < 0


@dataclass(frozen=True)
class Unpaid:
    number: str
    kind: str
    month: date
    amount: Decimal
    days_late: int
    interest: Decimal  # if paid today


@dataclass(frozen=True)
class Dashboard:
    month_due: date
    deadline: date
    days_left: int
    unsubmitted: list[Unsubmitted]
    unpaid: list[Unpaid]

    @property
    def unpaid_count(self) -> int:
        return len(self.unpaid)

    @property
    def unpaid_total(self) -> Decimal:
        return sum((u.amount for u in self.unpaid), ZERO)

    @property
    def overdue(self) -> list[Unpaid]:
        return [u for u in self.unpaid if u.days_late > 0]

    @property
    def interest_total(self) -> Decimal:
        return sum((u.interest for u in self.unpaid), ZERO)


_unpaid_of = Prepared(lambda employer_id: Acknowledgement.select(
    Acknowledgement.number, Acknowledgement.kind, Acknowledgement.month, Acknowledgement.amount).where(
    (Acknowledgement.employer == employer_id) & (Acknowledgement.status == "unpaid"))
    .order_by(Acknowledgement.month, Acknowledgement.kind))


_notices_of = Prepared(lambda employer_id: FclbNotice.select(
    FclbNotice.number, FclbNotice.amount, Acknowledgement.month).join(Acknowledgement).where(
    (FclbNotice.employer == employer_id) & (FclbNotice.status == "unpaid")).order_by(FclbNotice.id).tuples())


def figures(employer: Employer, today: date) -> Dashboard:
    """Everything the employer owes or must still declare, as of `today` (a Malaysian date)."""
    last_month = add_months(today.replace(day=1), -1)
    month_due = last_month if payment_deadline(last_month) >= today else today.replace(day=1)
    unsubmitted = [Unsubmitted(month, payment_deadline(month), days_left(month, today))
                   for month, _ in contributions.pending(employer, "combined", today)]
    unpaid = [Unpaid(a.number, a.kind, a.month, from_sen(a.amount), max(0, -days_left(a.month, today)),
                     late_interest(from_sen(a.amount), a.month, today))
              for a in _unpaid_of(employer.id)]
    unpaid += [Unpaid(number, "FCLB", month, from_sen(amount), 0, ZERO)  # interest is not charged on interest
               for number, amount, month in _notices_of(employer.id)]
    return Dashboard(month_due, payment_deadline(month_due), days_left(month_due, today), unsubmitted, unpaid)
