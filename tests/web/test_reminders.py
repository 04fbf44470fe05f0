"""Reminders through the real SMTP server, and the member's own switch (issue 13)."""

from datetime import date

import time_machine

from tests.conftest import PASSWORD
from tests.support import csrf_token, login
from tests.web.test_registration import registered
from webapp.models import User


def test_a_reminder_reaches_the_smtp_server_and_the_member_can_turn_them_off(app, client, employer, smtp, runner):
    login(client, employer.email, PASSWORD)
    registered(client)  # employees from February 2024, nothing submitted
    page = client.get("/employer/reminders").get_data(as_text=True)
    assert 'name="reminders" value="on" checked' in page
    with time_machine.travel(date(2026, 12, 10), tick=False):  # 5 days before November's deadline
        assert "Queued 1 reminder(s)." in runner.invoke(args=["send-reminders"]).output
        assert "Queued 0 reminder(s)." in runner.invoke(args=["send-reminders"]).output
        runner.invoke(args=["deliver-mail"])
    [mail] = smtp.wait_for(employer.email)
    assert "11/2026" in mail["Subject"] and "15/12/2026" in mail["Subject"]
    client.post("/employer/reminders", data={"csrf_token": csrf_token(client, "/employer/reminders")})
    assert User.get_by_id(employer.id).reminders is False
    with time_machine.travel(date(2026, 12, 14), tick=False):
        assert "Queued 0 reminder(s)." in runner.invoke(args=["send-reminders"]).output


def test_switching_language_on_the_portal_sets_the_language_of_the_emails(client, employer):
    login(client, employer.email, PASSWORD)
    client.get("/language/en?next=/employer/dashboard")
    assert User.get_by_id(employer.id).language == "en"
