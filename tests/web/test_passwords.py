"""Forgot Password, reset links and the password rules, through the web pages."""

import re
from datetime import timedelta

import time_machine

from tests.conftest import PASSWORD
from tests.support import csrf_token, login
from webapp import mailer
from webapp.clock import utcnow
from webapp.models import Outbox
from webapp.services.outbox import SCRUBBED


def ask_reset(client, email):
    token = csrf_token(client, "/employer/forgot-password")
    return client.post("/employer/forgot-password", data={"csrf_token": token, "email": email})


def reset_link(app, smtp, email):
    mailer.deliver_once(app.config)
    body = smtp.wait_for(email)[-1].get_content()
    return re.search(r"http://localhost(/employer/reset-password/[\w-]+)", body).group(1)


def test_forgot_password_answers_the_same_for_unknown_emails(client, employer, smtp, app):
    known = ask_reset(client, employer.email).get_data(as_text=True).replace(employer.email, "X")
    unknown = ask_reset(client, "nobody@example.com").get_data(as_text=True).replace("nobody@example.com", "X")
    strip = re.compile(r'(value|content)="[^"]{40,}"')
    assert strip.sub("", known) == strip.sub("", unknown)
    mailer.deliver_once(app.config)
    assert smtp.to("nobody@example.com") == []
    assert len(smtp.wait_for(employer.email)) == 1


def test_reset_link_sets_a_new_password_once_and_notifies(client, employer, smtp, app):
    ask_reset(client, employer.email)
    link = reset_link(app, smtp, employer.email)
    assert Outbox.get().body == SCRUBBED  # the link does not stay in the database
    form = client.get(link)
    assert form.status_code == 200
    token = csrf_token(client, link)
    short = client.post(link, data={"csrf_token": token, "password": "short", "confirm": "short"})
    assert short.status_code == 422 and "at least 12" in short.get_data(as_text=True)
    new = "sixty four characters are fine " * 2 + "ok"
    assert len(new) == 64
    done = client.post(link, data={"csrf_token": token, "password": new, "confirm": new})
    assert done.status_code == 303
    assert "expired or was already used" in client.get(link).get_data(as_text=True)
    assert login(client, employer.email, PASSWORD).status_code == 422
    assert login(client, employer.email, new).status_code == 303
    mailer.deliver_once(app.config)
    notices = [m for m in smtp.to(employer.email) if "changed" in m["Subject"]]
    assert len(notices) == 1
    assert new not in notices[0].get_content()


def test_reset_link_expires_after_30_minutes(client, employer, smtp, app):
    ask_reset(client, employer.email)
    link = reset_link(app, smtp, employer.email)
    with time_machine.travel(utcnow() + timedelta(minutes=31)):
        assert "expired or was already used" in client.get(link).get_data(as_text=True)


def test_reset_ends_sessions_and_lockout(app, employer, smtp):
    browser = app.test_client()
    login(browser, employer.email, PASSWORD)
    other = app.test_client()
    for _ in range(5):
        login(other, employer.email, "wrong password!!")
    ask_reset(other, employer.email)
    link = reset_link(app, smtp, employer.email)
    token = csrf_token(other, link)
    new = "after the lockout passphrase"
    other.post(link, data={"csrf_token": token, "password": new, "confirm": new})
    assert browser.get("/employer/dashboard").status_code == 303
    assert login(other, employer.email, new).status_code == 303


def test_common_passwords_are_refused(client, employer):
    login(client, employer.email, PASSWORD)
    token = csrf_token(client, "/employer/change-password")
    for weak in ("qwerty123456", "password1234!", "Perkeso2026!!", "aaaaaaaaaaaaaaaa"):
        response = client.post("/employer/change-password", data={
            "csrf_token": token, "current_password": PASSWORD, "password": weak, "confirm": weak})
        assert response.status_code == 422, weak


def test_at_most_three_reset_emails_an_hour(client, employer, smtp, app):
    for _ in range(5):
        assert "on its way" in ask_reset(client, employer.email).get_data(as_text=True)
    mailer.deliver_once(app.config)
    assert len(smtp.to(employer.email)) == 3
    with time_machine.travel(utcnow() + timedelta(minutes=61)):
        ask_reset(client, employer.email)
        mailer.deliver_once(app.config)
    assert len(smtp.wait_for(employer.email, 4)) == 4
