"""Flask-Limiter on the login steps, Forgot Password and Search Existing Employee: 429 pages in the user's
language (htmx-aware), counted per email address and IP address or per account, never per IP alone for
kiosks. These tests build their own app with limits on and small ceilings; the shared test app has them off."""

import ipaddress
import logging
import re
from datetime import date

import pytest

from tests.conftest import PASSWORD, EnglishClient, app_config, make_user
from tests.support import csrf_token, login
from webapp import create_app
from webapp.clock import malaysia_today
from webapp.db import database
from webapp.models import Person
from webapp.services import registration

KIOSK = "10.20.0.7"


@pytest.fixture
def limited_app(app, tmp_path, smtp):
    """An app on the shared test database with every limit on and tiny."""
    shared_database = database.obj
    config = app_config(tmp_path, smtp.port, app.config["DATABASE_URL"])
    config.update({
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_LOGIN_EMAIL": "3 per minute",
        "RATELIMIT_LOGIN_PASSWORD": "3 per 15 minutes",
        "RATELIMIT_LOGIN_PASSWORD_IP": "5 per hour",
        "RATELIMIT_FORGOT_PASSWORD": "2 per hour",
        "RATELIMIT_FORGOT_PASSWORD_IP": "4 per hour",
        "RATELIMIT_EMPLOYEE_SEARCH": "3 per hour",
        "LOCKOUT_THRESHOLD": 50,  # the database lockout has its own tests; here it must not answer first
        "KIOSK_NETWORKS": [ipaddress.ip_network("10.20.0.0/24")],
    })
    application = create_app(config)
    application.test_client_class = EnglishClient
    yield application
    database.initialize(shared_database)


def client_from(app, address="192.0.2.10", language="en"):
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": address, "HTTP_ACCEPT_LANGUAGE": language})
    return client


def email_step(client, email="someone@example.com", **headers):
    return client.post("/employer/login", data={"csrf_token": csrf_token(client), "step": "email",
                                                "email": email}, headers=headers)


def password_step(client, email, password="wrong password here"):  # noqa: S107
    return client.post("/employer/login", data={"csrf_token": csrf_token(client), "step": "password",
                                                "email": email, "password": password})


def assert_too_many(response, language="en"):
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    if language == "en":
        assert "Too many attempts" in html and re.search(r"Try again after \d{1,2}:\d\d [AP]M", html)
    else:
        assert "Terlalu banyak percubaan" in html and re.search(r"Cuba lagi selepas \d{1,2}:\d\d", html)
    assert int(response.headers["Retry-After"]) > 0


def test_login_email_step_is_capped_per_address_with_a_clear_page(limited_app):
    client = client_from(limited_app)
    for _ in range(5):
        assert client.get("/employer/login").status_code == 200  # showing the page is not counted
    for number in range(3):
        assert email_step(client, f"user{number}@example.com").status_code == 200
    assert_too_many(email_step(client))
    partial = email_step(client, **{"HX-Request": "true"})
    assert partial.status_code == 429 and partial.headers["HX-Retarget"] == "#messages"
    assert "<html" not in partial.get_data(as_text=True) and "Too many attempts" in partial.get_data(as_text=True)
    assert_too_many(email_step(client_from(limited_app, language="ms")), language="ms")  # same address
    assert email_step(client_from(limited_app, "192.0.2.11")).status_code == 200  # another address


def test_kiosk_networks_share_an_address_and_are_not_capped_by_it(limited_app):
    kiosk = client_from(limited_app, KIOSK)
    for number in range(8):
        assert email_step(kiosk, f"counter{number}@example.com").status_code == 200


def test_wrong_passwords_are_capped_per_email_and_address(limited_app):
    victim = make_user("victim@example.com")
    attacker = client_from(limited_app)
    for _ in range(3):
        assert password_step(attacker, victim.email).status_code == 422
    assert_too_many(password_step(attacker, victim.email, PASSWORD))  # even the right one, from here
    elsewhere = client_from(limited_app, "198.51.100.20")
    assert password_step(elsewhere, victim.email, PASSWORD).status_code in (200, 303)  # not locked out by it
    make_user("colleague@example.com")
    assert password_step(attacker, "colleague@example.com", PASSWORD).status_code in (200, 303)


def test_right_passwords_are_not_counted(limited_app):
    user = make_user("often@example.com")
    for _ in range(5):
        client = client_from(limited_app)
        assert login(client, user.email, PASSWORD).status_code in (200, 303)


def test_wrong_passwords_across_emails_are_capped_per_address_except_kiosks(limited_app):
    sprayer, kiosk = client_from(limited_app), client_from(limited_app, KIOSK)
    for number in range(5):
        assert password_step(sprayer, f"person{number}@example.com").status_code == 422
        assert password_step(kiosk, f"person{number}@example.com").status_code == 422
    assert_too_many(password_step(sprayer, "person9@example.com"))
    assert password_step(kiosk, "person9@example.com").status_code == 422


def forgot(client, email):
    return client.post("/employer/forgot-password", data={"csrf_token": csrf_token(client, "/employer/forgot-password"),
                                                          "email": email})


def test_forgot_password_is_capped_per_email_and_address(limited_app):
    make_user("forgetful@example.com")
    client = client_from(limited_app)
    for _ in range(2):
        assert forgot(client, "forgetful@example.com").status_code == 200
    assert_too_many(forgot(client, "forgetful@example.com"))
    # the refused request was not counted on the per-address ceiling (4): two more go through
    assert forgot(client, "nobody@example.com").status_code == 200
    assert forgot(client, "another@example.com").status_code == 200
    assert_too_many(forgot(client, "yet.another@example.com"))
    assert forgot(client_from(limited_app, KIOSK), "yet.another@example.com").status_code == 200


def draft(user, number="202101000123"):
    with database.connection_context():
        return registration.start_employer(user, registration.EmployerForm(
            kind="business", name="Kedai Baru Sdn Bhd", business_entity="COMPANY", sub_entity="SDN_BHD",
            registration_number=number, nationality="MY", industry="G", address="x", postcode="50400",
            state="Selangor", phone="0326872677", email="", induction_venue="x",
            first_employment_date=date(2024, 1, 1)), malaysia_today())


def search(client, batch_id, number="901225085344"):
    return client.post(f"/registration/{batch_id}/employees/search", data={"id_type": "NEW_IC", "id_number": number},
                       headers={"HX-Request": "true", "X-CSRFToken": csrf_token(client, "/employer/dashboard")})


def test_search_existing_employee_is_capped_per_account_and_logged(limited_app, employer, caplog):
    with database.connection_context():
        Person.create(id_type="NEW_IC", id_number="901225085344", name="SITI AMINAH", birth_date=date(1990, 12, 25),
                      gender="F", first_insured_on=date(2015, 1, 1))
    batch = draft(employer)
    one, same_account_elsewhere = client_from(limited_app), client_from(limited_app, "198.51.100.30")
    login(one, employer.email, PASSWORD)
    login(same_account_elsewhere, employer.email, PASSWORD)
    caplog.set_level(logging.INFO, logger="assist.audit")
    first = search(one, batch.id)
    assert first.status_code == 200 and "SITI AMINAH" in first.get_data(as_text=True)
    assert search(one, batch.id, "880101145671").status_code == 200
    saved = one.post(f"/registration/{batch.id}/employees/new", data={
        "csrf_token": csrf_token(one, "/employer/dashboard"), "id_type": "NEW_IC", "id_number": "901225085344",
        "nationality": "MY", "start_date": ""})
    assert saved.status_code == 422  # SAVE looked the number up: it counts as the third
    refused = search(same_account_elsewhere, batch.id)  # per account, whatever the address
    assert refused.status_code == 429 and refused.headers["HX-Retarget"] == "#messages"
    assert "SITI AMINAH" not in refused.get_data(as_text=True)
    assert "Too many attempts" in refused.get_data(as_text=True)

    other_user = make_user("other@example.com")
    other = client_from(limited_app)
    login(other, other_user.email, PASSWORD)
    assert search(other, draft(other_user, "202101000124").id).status_code == 200

    lines = [r.getMessage() for r in caplog.records if r.name == "assist.audit"]
    assert sum(f"account={employer.id} " in line for line in lines) >= 3
    assert any("number=*5344 found=True" in line for line in lines)
    assert not any("901225085344" in line for line in lines)  # the full MyKad stays out of the logs
