"""Employer A's records, asked for by employer B through every route that takes an id: 404, no data."""

import re
from decimal import Decimal

import pytest

from tests.conftest import PASSWORD, make_user
from tests.support import csrf_token, login
from tests.web.test_registration import add_document, add_local, post, start_business
from webapp.clock import malaysia_today
from webapp.models import BatchDocument, Employer, Employment, Submission, User
from webapp.services import contributions

ID_ARGUMENTS = {"batch_id", "employment_id", "document_id", "employer_id", "submission_id", "line_id", "number"}
NOT_IDS = {"year": malaysia_today().year}  # the year of A's statement: with A's employment id, still 404


@pytest.fixture
def two_employers(app):
    clients = {}
    for name, email, brn, mykad in (("a", "a@example.com", "202101000123", "901225085344"),
                                    ("b", "b@example.com", "202101000456", "880101145671")):
        client = app.test_client()
        login(client, make_user(email).email, PASSWORD)
        batch_id = start_business(client, registration_number=brn, name=f"Employer {name.upper()}")
        add_local(client, batch_id, id_number=mykad, name=f"Worker of {name.upper()}",
                  gender="F" if name == "a" else "M")
        add_document(client, batch_id)
        post(client, f"/registration/{batch_id}/confirm", {})
        clients[name] = (client, batch_id)
    return clients


def records_of_a(batch_id):
    """Every kind of record employer A has: registration, employee, document, contribution, ACR."""
    employer = Employer.get(Employer.registration_number == "202101000123")
    user = User.get(User.email == "a@example.com")
    today = malaysia_today()
    submission = contributions.open_submission(employer, user, "combined", today.replace(day=1), "monthly", today)
    line = contributions.lines(submission)[0]
    contributions.update_line(submission, line.id, "active", Decimal("2000.00"))
    contributions.complete(submission)
    acr = contributions.confirm(submission, Submission.get_by_id(submission.id).confirm_token)[0]
    return {"batch_id": batch_id, "employer_id": employer.id,
            "employment_id": Employment.get(Employment.employer == employer).id,
            "document_id": BatchDocument.get(BatchDocument.batch == batch_id).id,
            "submission_id": submission.id, "line_id": line.id, "number": acr.number, "scheme": "combined",
            "layout": "combined"}


def test_employer_b_gets_404_for_every_record_of_employer_a(app, two_employers):
    client_b, _ = two_employers["b"]
    ids = records_of_a(two_employers["a"][1])
    token = csrf_token(client_b, "/employer/dashboard")
    checked = 0
    for rule in app.url_map.iter_rules():
        if not (set(rule.arguments) & ID_ARGUMENTS) and rule.endpoint != "employer.select":
            continue
        if rule.endpoint.startswith("officer"):
            continue
        values = {arg: ids.get(arg, NOT_IDS.get(arg, "successful" if rule.endpoint == "registration.letter"
                                                else "sip1")) for arg in rule.arguments}
        if not set(values) & ID_ARGUMENTS:  # only the scheme: nothing of A's to ask for
            continue
        url = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for headers in ({}, {"HX-Request": "true"}):
                data = {"csrf_token": token, "employer_id": str(ids["employer_id"]), "last_day": "2026-01-01",
                        "reason": "RESIGNED"}
                response = client_b.open(url, method=method, data=data, headers=headers)
                body = response.get_data(as_text=True)
                assert response.status_code == 404, (method, url, response.status_code)
                assert "WORKER OF A" not in body and "EMPLOYER A" not in body, (method, url)
                checked += 1
    assert checked >= 40
    assert Employment.get(Employment.employer == ids["employer_id"]).status == "active"


def test_lists_show_only_the_selected_employer(two_employers):
    client_b, _ = two_employers["b"]
    page = client_b.get("/employees/?status=all").get_data(as_text=True)
    assert "WORKER OF B" in page and "WORKER OF A" not in page
    csv = client_b.get("/employees/export.csv?status=all").get_data(as_text=True)
    assert "WORKER OF A" not in csv
    registration = client_b.get("/registration/").get_data(as_text=True)
    assert "EMPLOYER B" in registration and "EMPLOYER A" not in registration


def test_a_forged_session_employer_is_ignored(app, two_employers):
    client_b, _ = two_employers["b"]
    a_id = Employer.get(Employer.registration_number == "202101000123").id
    with client_b.session_transaction() as session:
        session["employer_id"] = a_id
    page = client_b.get("/employees/?status=all").get_data(as_text=True)
    assert "WORKER OF A" not in page and "WORKER OF B" in page
    assert re.search(r"EMPLOYER B", page)
