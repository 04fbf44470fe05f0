"""Two-step login, temporary passwords, terms, lockout, sessions and timeouts (QRG 1, security.md C.1/C.3)."""

import re
from datetime import timedelta

import pytest
import time_machine

from tests.conftest import PASSWORD, make_user
from tests.support import csrf_token, login
from webapp.clock import utcnow
from webapp.models import AuthSession


def strip_tokens(html: str) -> str:
    html = re.sub(r'(value|content)="[A-Za-z0-9._-]{40,}"', r'\1="TOKEN"', html)
    return html


def email_step(client, email):
    token = csrf_token(client)
    return client.post("/employer/login", data={"csrf_token": token, "step": "email", "email": email})


def test_email_step_is_the_same_for_known_and_unknown_emails(client, employer):
    known = email_step(client, employer.email)
    unknown = email_step(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 200
    assert strip_tokens(known.get_data(as_text=True)).replace(employer.email, "X") == \
        strip_tokens(unknown.get_data(as_text=True)).replace("nobody@example.com", "X")
    assert 'name="password"' in known.get_data(as_text=True)


def test_email_step_refuses_a_malformed_email_at_the_field(client):
    response = email_step(client, "not-an-email")
    assert response.status_code == 422
    assert 'id="email-error"' in response.get_data(as_text=True)


def test_wrong_password_is_refused_without_saying_which_part_is_wrong(client, employer):
    response = login(client, employer.email, "wrong password here")
    assert response.status_code == 422
    assert "The email or password is not correct." in response.get_data(as_text=True)
    unknown = login(client, "nobody@example.com", "wrong password here")
    assert "The email or password is not correct." in unknown.get_data(as_text=True)


def test_login_with_htmx_redirects_the_whole_page(client, employer):
    response = login(client, employer.email, PASSWORD, **{"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/employer/dashboard"


def test_next_parameter_only_accepts_local_paths(client, employer):
    token = csrf_token(client)
    data = {"csrf_token": token, "step": "password", "email": employer.email, "password": PASSWORD,
            "next": "https://evil.example/phish"}
    response = client.post("/employer/login", data=data)
    assert response.headers["Location"] == "/employer/dashboard"


def test_temporary_password_forces_change_then_terms_before_anything_else(client, app):
    user = make_user("new@example.com", temporary=True, terms=False)
    response = login(client, user.email, PASSWORD)
    assert response.headers["Location"] == "/employer/dashboard"
    for path in ("/employer/dashboard", "/employer/terms", "/officer/"):
        blocked = client.get(path)
        assert blocked.status_code in (303, 403)
        if blocked.status_code == 303:
            assert blocked.headers["Location"] == "/employer/change-password"
    cookie_before = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    token = csrf_token(client, "/employer/change-password")
    weak = client.post("/employer/change-password", data={"csrf_token": token, "password": "password1234",
                                                           "confirm": "password1234"})
    assert weak.status_code == 422
    assert "too" in weak.get_data(as_text=True)
    new_password = "my own long passphrase"
    done = client.post("/employer/change-password", data={"csrf_token": token, "password": new_password,
                                                           "confirm": new_password})
    assert done.headers["Location"] == "/employer/terms"
    assert client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value != cookie_before
    assert client.get("/employer/dashboard").headers["Location"] == "/employer/terms"
    # Skipping the I Agree step by a direct POST elsewhere does not work either.
    skipped = client.post("/employer/change-password", data={"csrf_token": csrf_token(client, "/employer/terms")})
    assert skipped.headers["Location"] == "/employer/terms"
    agreed = client.post("/employer/terms", data={"csrf_token": csrf_token(client, "/employer/terms")})
    assert agreed.headers["Location"] == "/employer/dashboard"
    assert client.get("/employer/dashboard").status_code == 200


def test_temporary_password_is_single_use(client, app):
    user = make_user("once@example.com", temporary=True, terms=False)
    assert login(client, user.email, PASSWORD).status_code == 303
    other = app.test_client()
    again = login(other, user.email, PASSWORD)
    assert again.status_code == 422
    assert "expired or was already used" in again.get_data(as_text=True)


def test_temporary_password_expires_after_72_hours(client, app):
    user = make_user("late@example.com", temporary=True, terms=False)
    with time_machine.travel(utcnow() + timedelta(hours=72, minutes=1)):
        response = login(client, user.email, PASSWORD)
    assert response.status_code == 422
    assert "expired or was already used" in response.get_data(as_text=True)


def test_five_wrong_passwords_lock_the_account_for_15_minutes(client, app, employer):
    for _ in range(4):
        assert "not correct" in login(client, employer.email, "wrong password!!").get_data(as_text=True)
    fifth = login(client, employer.email, "wrong password!!").get_data(as_text=True)
    assert "locked until" in fifth and "1-300-22-8000" in fifth
    still = login(client, employer.email, PASSWORD)
    assert still.status_code == 422 and "locked until" in still.get_data(as_text=True)
    with time_machine.travel(utcnow() + timedelta(minutes=16)):
        assert login(client, employer.email, PASSWORD).status_code == 303


def test_repeated_lockouts_last_longer(client, app, employer):
    start = utcnow()
    for _ in range(5):
        login(client, employer.email, "wrong password!!")
    with time_machine.travel(start + timedelta(minutes=16)):
        for _ in range(5):
            login(client, employer.email, "wrong password!!")
    with time_machine.travel(start + timedelta(minutes=40)):
        assert "locked until" in login(client, employer.email, PASSWORD).get_data(as_text=True)
    with time_machine.travel(start + timedelta(minutes=48)):
        assert login(client, employer.email, PASSWORD).status_code == 303


def test_unknown_emails_lock_the_same_way(client, app):
    for _ in range(5):
        response = login(client, "ghost@example.com", "wrong password!!")
    assert "locked until" in response.get_data(as_text=True)


def test_lockout_ends_open_sessions(app, employer):
    first = app.test_client()
    assert login(first, employer.email, PASSWORD).status_code == 303
    attacker = app.test_client()
    for _ in range(5):
        login(attacker, employer.email, "wrong password!!")
    assert first.get("/employer/dashboard").status_code == 303


def test_logout_revokes_the_session_on_the_server(app, employer):
    client = app.test_client()
    login(client, employer.email, PASSWORD)
    stolen = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    response = client.post("/employer/logout", data={"csrf_token": csrf_token(client, "/employer/dashboard")})
    assert response.status_code == 303
    assert '"cache"' in response.headers["Clear-Site-Data"]
    replay = app.test_client()
    replay.set_cookie(app.config["SESSION_COOKIE_NAME"], stolen)
    assert replay.get("/employer/dashboard").status_code == 303


def test_password_change_ends_other_sessions(app, employer):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, employer.email, PASSWORD)
    login(phone, employer.email, PASSWORD)
    token = csrf_token(laptop, "/employer/change-password")
    response = laptop.post("/employer/change-password", data={
        "csrf_token": token, "current_password": PASSWORD, "password": "a brand new passphrase",
        "confirm": "a brand new passphrase"})
    assert response.headers["Location"] == "/employer/dashboard"
    assert laptop.get("/employer/dashboard").status_code == 200
    assert phone.get("/employer/dashboard").status_code == 303


def test_change_password_needs_the_current_password(client, employer):
    login(client, employer.email, PASSWORD)
    token = csrf_token(client, "/employer/change-password")
    response = client.post("/employer/change-password", data={
        "csrf_token": token, "current_password": "not it at all", "password": "a brand new passphrase",
        "confirm": "a brand new passphrase"})
    assert response.status_code == 422
    assert "current password is not correct" in response.get_data(as_text=True)


@pytest.mark.parametrize(("kiosk", "idle_minutes"), [(False, 30), (True, 3)])
def test_idle_timeout(app, employer, kiosk, idle_minutes):
    app.config["KIOSK_MODE"] = kiosk
    try:
        client = app.test_client()
        login(client, employer.email, PASSWORD)
        assert AuthSession.get().kiosk is kiosk
        start = utcnow()
        with time_machine.travel(start + timedelta(minutes=idle_minutes - 1)):
            assert client.get("/employer/dashboard").status_code == 200
        with time_machine.travel(start + timedelta(minutes=2 * idle_minutes - 2)):
            assert client.get("/employer/dashboard").status_code == 200
        with time_machine.travel(start + timedelta(minutes=3 * idle_minutes)):
            ended = client.get("/employer/dashboard")
            assert ended.status_code == 303 and "ended=1" in ended.headers["Location"]
    finally:
        app.config["KIOSK_MODE"] = False


def test_absolute_timeout_of_12_hours(client, employer):
    login(client, employer.email, PASSWORD)
    start = utcnow()
    for step in range(1, 29):  # a click every 25 minutes keeps the idle clock from running out
        with time_machine.travel(start + timedelta(minutes=25 * step)):
            assert client.get("/employer/dashboard").status_code == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=1)):
        assert client.get("/employer/dashboard").status_code == 303


def test_kiosk_network_makes_kiosk_sessions(app, employer):
    import ipaddress

    app.config["KIOSK_NETWORKS"] = [ipaddress.ip_network("10.9.0.0/24")]
    try:
        client = app.test_client()
        login(client, employer.email, PASSWORD)
        kiosk_client = app.test_client()
        kiosk_client.environ_base["REMOTE_ADDR"] = "10.9.0.7"
        login(kiosk_client, employer.email, PASSWORD)
        assert [s.kiosk for s in AuthSession.select().order_by(AuthSession.id)] == [False, True]
        page = kiosk_client.get("/employer/dashboard").get_data(as_text=True)
        assert 'data-idle-seconds="180"' in page
    finally:
        app.config["KIOSK_NETWORKS"] = []
