"""Reminders before the 15th and after it (issue 13): the rule, once per month and reason, opt-out, language."""

from datetime import date
from decimal import Decimal as D

import pytest

from core.reminders import reason_for
from tests.conftest import make_user
from tests.store.test_contributions import employer_with
from webapp.db import database
from webapp.models import EmployerAccess, Outbox, ReminderSent, Submission, User
from webapp.services import contributions, reminders

OCT = date(2026, 10, 1)


@pytest.mark.parametrize(("today", "submitted", "unpaid", "reason"), [
    (date(2026, 11, 9), False, False, None), (date(2026, 11, 10), False, False, "due_5"),
    (date(2026, 11, 13), False, False, "due_5"), (date(2026, 11, 14), False, False, "due_1"),
    (date(2026, 11, 15), False, False, "due_1"), (date(2026, 11, 14), True, True, None),
    (date(2026, 11, 16), True, True, "unpaid"), (date(2026, 11, 16), True, False, None),
    (date(2026, 11, 22), True, True, "unpaid"), (date(2026, 11, 23), True, True, None),
    (date(2026, 11, 16), False, False, None),  # late and not submitted: the dashboard says so, not a reminder
])
def test_which_reminder_a_month_calls_for(today, submitted, unpaid, reason):
    assert reason_for(OCT, today, submitted=submitted, unpaid=unpaid) == reason


@pytest.fixture
def setup(app):
    user, employer = employer_with(("ALI", date(1990, 1, 1), date(2020, 1, 1), None, True))
    colleague = make_user("clerk@example.com")
    with database.connection_context():
        EmployerAccess.create(user=colleague, employer=employer)
        User.update(language="en").where(User.id == colleague.id).execute()
    return user, colleague, employer


def test_each_member_is_reminded_once_in_their_language(setup):
    user, colleague, employer = setup
    with database.connection_context():
        assert reminders.send_due(date(2026, 11, 10), "https://assist.example") == 2
        assert reminders.send_due(date(2026, 11, 11), "https://assist.example") == 0  # never twice
        mails = {m.to_addr: m for m in Outbox.select()}
        assert "perlu dihantar sebelum 15/11/2026" in mails[user.email].subject
        assert "are due by 15/11/2026" in mails[colleague.email].subject
        assert "https://assist.example/employer/reminders" in mails[colleague.email].body
        assert reminders.send_due(date(2026, 11, 14), "https://assist.example") == 2  # the last-day one


def test_a_member_who_turned_reminders_off_gets_none(setup):
    user, colleague, employer = setup
    with database.connection_context():
        reminders.set_enabled(colleague, False)
        assert reminders.send_due(date(2026, 11, 10), "https://assist.example") == 1
        assert ReminderSent.select().count() == 1 and ReminderSent.get().user_id == user.id


def test_a_submitted_month_is_reminded_only_when_unpaid_after_the_15th(setup):
    user, colleague, employer = setup
    with database.connection_context():
        draft = contributions.open_submission(employer, user, "combined", OCT, "monthly", date(2026, 11, 5))
        for line in contributions.lines(draft, 1, 50):
            contributions.update_line(draft, line.id, "active", D("2000.00"))
        contributions.complete(draft)
        contributions.confirm(draft, Submission.get_by_id(draft.id).confirm_token)
        assert reminders.send_due(date(2026, 11, 10), "https://assist.example") == 0
        assert reminders.send_due(date(2026, 11, 16), "https://assist.example") == 2
        assert "RM 66.35" in Outbox.select().order_by(Outbox.id.desc()).first().body  # SOCSO, EIS and SKBBK
