"""When the portal reminds an employer of a month (issue 13), as a pure rule.

- "due_5": 5 to 2 days before the deadline (the 15th of the next month), the month not yet submitted;
- "due_1": the day before the deadline or the deadline itself, the month not yet submitted;
- "unpaid": 1 to 7 days after the deadline, the month submitted but not (all) paid.
A window rather than an exact day, so a reminder run that missed a day still sends; the store keeps one
reminder per employer, member, month and reason, so none is sent twice.
"""

from datetime import date

from core.periods import add_months, payment_deadline

REASONS = ("due_5", "due_1", "unpaid")


def reason_for(month: date, today: date, *, submitted: bool, unpaid: bool) -> str | None:
    """The reminder `month` calls for on `today`, or None."""
    left = (payment_deadline(month) - today).days
    if not submitted and 2 <= left <= 5:
        return "due_5"
    if not submitted and 0 <= left <= 1:
        return "due_1"
    if submitted and unpaid and -7 <= left <= -1:
        return "unpaid"
    return None


def months_to_look_at(today: date) -> list[date]:
    """The months a reminder can be about today: last month (due by the 15th) and the month before it (its
    deadline passed in the last week of the window)."""
    this_month = today.replace(day=1)
    return [add_months(this_month, -1), add_months(this_month, -2)]
