"""Contribution months, the payment deadline, business days and the bank-counter rule (domain.md 4).

Choices where the sources are silent, each tested:
- The deadline is the 15th of the month after the contribution month, even when the 15th is a weekend or
  holiday (PERKESO's wording has no exception; one blog's "last working day before" is unconfirmed).
- Business days skip Saturday, Sunday and the holidays given (state weekends can be passed in `weekend`).
- An ACR/ECR submitted before 6.00 PM (Malaysia time) reaches the bank counters on the next business day;
  one submitted at or after 6.00 PM on the business day after that.
"""

from datetime import date, datetime, time, timedelta

COUNTER_CUTOFF = time(18, 0)
SATURDAY_SUNDAY = frozenset({5, 6})


def contribution_month(day: date) -> date:
    """The contribution month of `day`, as its first day."""
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def payment_deadline(month: date) -> date:
    """The last day to pay the contributions of `month`: the 15th of the following month."""
    return add_months(contribution_month(month), 1).replace(day=15)


def days_left(month: date, today: date) -> int:
    """Days from `today` to the deadline of `month`: 0 on the deadline, negative when overdue."""
    return (payment_deadline(month) - today).days


def days_late(month: date, paid_on: date) -> int:
    """Days of delay: counted from the day after the deadline up to and including the payment date."""
    return max(0, (paid_on - payment_deadline(month)).days)


def is_business_day(day: date, holidays=frozenset(), weekend=SATURDAY_SUNDAY) -> bool:
    return day.weekday() not in weekend and day not in holidays


def next_business_day(day: date, holidays=frozenset(), weekend=SATURDAY_SUNDAY) -> date:
    """The first business day strictly after `day`."""
    day += timedelta(days=1)
    while not is_business_day(day, holidays, weekend):
        day += timedelta(days=1)
    return day


def counter_available_on(submitted_at: datetime, holidays=frozenset(), weekend=SATURDAY_SUNDAY) -> date:
    """The day an ACR/ECR submitted at `submitted_at` (Malaysia time) can be paid at a bank counter."""
    first = next_business_day(submitted_at.date(), holidays, weekend)
    if submitted_at.time() < COUNTER_CUTOFF:
        return first
    return next_business_day(first, holidays, weekend)
