"""One clock for the portal: the store keeps naive UTC; "today" is the date in Malaysia (UTC+8 all year).

Deadlines, contribution months, start dates and document numbers are Malaysian days: at 23:30 UTC on the
15th it is already the 16th in Malaysia.
"""

from datetime import UTC, date, datetime, timedelta

MALAYSIA = timedelta(hours=8)


def utcnow() -> datetime:
    """Now, as the naive UTC datetime the store keeps."""
    return datetime.now(UTC).replace(tzinfo=None)


def malaysia_today() -> date:
    """Today's date in Malaysia."""
    return (utcnow() + MALAYSIA).date()
