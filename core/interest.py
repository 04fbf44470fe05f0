"""Late-payment interest, FCLB (Faedah Caruman Lewat Bayar): Act 4 s.14A and regulation 33 (domain.md 4).

"6% per annum in respect of each day of default or delay beyond the end of such period, being minimum
payable at RM5". What the sources leave open, and what we chose (each tested):
- days late count from the day after the deadline (the 15th of the next month) to the payment date,
  inclusive; paying on the deadline is on time;
- a 365-day year, leap years included;
- interest is reckoned on each ACR or ECR separately (one notice per document, per Act), on the amount
  paid late, and rounded half up to the sen;
- the RM5.00 minimum applies whenever a payment is late at all;
- EIS (Act 800 s.21) uses the same rate: its own rate is not published.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from core.money import SEN, ZERO, check_ringgit
from core.periods import days_late

ANNUAL_RATE = Decimal("0.06")
MINIMUM = Decimal("5.00")
DAYS_IN_YEAR = 365


def late_interest(amount: Decimal, month: date, paid_on: date) -> Decimal:
    """Interest due on `amount` of contributions for `month` paid on `paid_on` (zero if on time)."""
    check_ringgit(amount)
    late = days_late(month, paid_on)
    if late == 0 or amount == 0:
        return ZERO
    interest = (amount * ANNUAL_RATE * late / DAYS_IN_YEAR).quantize(SEN, rounding=ROUND_HALF_UP)
    return max(MINIMUM, interest)
