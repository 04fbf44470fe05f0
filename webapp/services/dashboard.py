"""The employer's dashboard figures: the month now due, its deadline, unpaid ACR/ECRs and late interest."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.interest import late_interest
from core.money import ZERO, from_sen
from core.periods import add_months, days_left, payment_deadline
from webapp.db import Prepared
from webapp.models import Acknowledgement, Employer


@dataclass(frozen=True)
class Overdue:
    number: str
    month: date
    amount: Decimal
    days_late: int
    interest: Decimal


@dataclass(frozen=True)
class Dashboard:
    month_due: date
    deadline: date
    days_left: int
    unpaid_count: int
    unpaid_total: Decimal
    overdue: list[Overdue]

    @property
    def interest_total(self) -> Decimal:
        return sum((o.interest for o in self.overdue), ZERO)


_unpaid_of = Prepared(lambda employer_id: Acknowledgement.select(
    Acknowledgement.number, Acknowledgement.month, Acknowledgement.amount).where(
    (Acknowledgement.employer == employer_id) & (Acknowledgement.status == "unpaid")))


def figures(employer: Employer, today: date) -> Dashboard:
    """The month whose deadline comes next (last month until the 15th, then this month), and the money owed."""
    last_month = add_months(today.replace(day=1), -1)
    month_due = last_month if payment_deadline(last_month) >= today else today.replace(day=1)
    unpaid = _unpaid_of(employer.id)
    overdue = [Overdue(a.number, a.month, from_sen(a.amount), -days_left(a.month, today),
                       late_interest(from_sen(a.amount), a.month, today))
               for a in unpaid if days_left(a.month, today) < 0]
    return Dashboard(month_due, payment_deadline(month_due), days_left(month_due, today), len(unpaid),
                     from_sen(sum(a.amount for a in unpaid)), sorted(overdue, key=lambda o: o.month))
