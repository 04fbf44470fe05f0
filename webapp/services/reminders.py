"""Email reminders before the 15th and after it (issue 13): one per employer, member, month and reason.

The rule is core.reminders; this module finds who to remind and queues the emails through the outbox, in
the same transaction as the record that they were sent (so a reminder is never sent twice, even when two
servers run the job at once: the unique index decides).
"""

from datetime import date

from peewee import IntegrityError

from core import reminders as rule
from core.money import format_rm, from_sen
from core.periods import days_left, payment_deadline
from webapp.db import database, locked
from webapp.models import Acknowledgement, Employer, EmployerAccess, ReminderSent, User
from webapp.services import contributions, emails, outbox


def _members(employer: Employer) -> list[User]:
    return list(User.select().join(EmployerAccess).where(
        (EmployerAccess.employer == employer) & User.is_active & User.reminders & (User.role == "employer")))


def _unpaid(employer: Employer, month: date) -> int:
    return sum(a.amount for a in Acknowledgement.select(Acknowledgement.amount).where(
        (Acknowledgement.employer == employer) & (Acknowledgement.month == month)
        & (Acknowledgement.status == "unpaid")))


def due(employer: Employer, today: date) -> list[tuple[date, str, int]]:
    """(month, reason, unpaid sen) for each reminder this employer's months call for today."""
    pending = {month for month, _ in contributions.pending(employer, "combined", today)}
    found = []
    for month in rule.months_to_look_at(today):
        if month < employer.first_employment_date.replace(day=1):
            continue
        unpaid = _unpaid(employer, month)
        reason = rule.reason_for(month, today, submitted=month not in pending, unpaid=unpaid > 0)
        if reason:
            found.append((month, reason, unpaid))
    return found


def send_due(today: date, portal_url: str) -> int:
    """Queue every reminder due today that was not sent before; returns how many were queued."""
    queued = 0
    for employer in Employer.select().where(Employer.status == "registered"):
        for month, reason, unpaid in due(employer, today):
            for member in _members(employer):
                queued += _send(employer, member, month, reason, unpaid, today, portal_url)
    return queued


def _send(employer, member, month, reason, unpaid, today, portal_url) -> int:
    with locked():
        try:
            with database.atomic():  # a savepoint: the unique index says whether it was sent already
                ReminderSent.create(employer=employer, user=member, month=month, reason=reason)
        except IntegrityError:
            return 0
        subject, body = emails.reminder(
            reason, member.language, employer=employer.name, code=employer.code, month=month.strftime("%m/%Y"),
            deadline=payment_deadline(month).strftime("%d/%m/%Y"), days=max(0, days_left(month, today)),
            unpaid=format_rm(from_sen(unpaid)), portal_url=portal_url)
        outbox.enqueue(member.email, subject, body)
    return 1


def set_enabled(user: User, enabled: bool) -> None:
    """The member's own choice: deadline and unpaid reminders on or off."""
    User.update(reminders=enabled).where(User.id == user.id).execute()
