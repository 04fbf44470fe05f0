"""The small things a user notices (issue 10): emailed links, MyKad messages, receiver details, the checklist,
and .test addresses in development and tests."""

import io

from pypdf import PdfReader

from tests.conftest import PASSWORD, make_user
from tests.support import login
from tests.web.test_contributions import client, confirmed_month, upload  # noqa: F401
from tests.web.test_registration import add_document, add_local, post, start_business
from webapp import config
from webapp.models import Acknowledgement, Employer


def test_public_url_follows_host_and_port_unless_set(monkeypatch):
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    monkeypatch.setenv("HOST", "127.0.0.1")
    monkeypatch.setenv("PORT", "5123")
    assert config.from_environment()["PUBLIC_URL"] == "http://127.0.0.1:5123"
    monkeypatch.setenv("PUBLIC_URL", "https://assist.branch.example")
    assert config.from_environment()["PUBLIC_URL"] == "https://assist.branch.example"


def test_a_mykad_with_month_13_in_a_text_file_is_not_a_valid_mykad(client):  # noqa: F811
    from tests.web.test_contributions import combined_file

    code = Employer.get().code
    response = upload(client, combined_file(code, [("901325085344", "SITI AMINAH", 200000, 3415, 975, 390, 390)]))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "is not a valid MyKad number" in html and "not an employee" not in html


def test_the_acr_receiver_is_the_portal_not_the_employers_login(client):  # noqa: F811
    confirmed_month(client)
    acr = Acknowledgement.get(Acknowledgement.kind == "ACR")
    pdf = client.get(f"/contribution/ack/{acr.number}.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    pdf.close()
    assert "PORTAL ASSIST PERKESO" in text and "employer@example.com" not in text


def test_registration_submit_requires_the_checklists_documents(app):
    browser = app.test_client()
    login(browser, make_user("checklist@example.com").email, PASSWORD)
    batch_id = start_business(browser)
    add_local(browser, batch_id)
    add_document(browser, batch_id, document_type="FORM_1")
    page = browser.get(f"/registration/{batch_id}/documents").get_data(as_text=True)
    assert "required, not uploaded yet" in page
    refused = post(browser, f"/registration/{batch_id}/confirm", {})
    assert refused.status_code == 422 and "2 still missing" in refused.get_data(as_text=True)
    add_document(browser, batch_id)
    assert post(browser, f"/registration/{batch_id}/confirm", {}).status_code == 303


def test_test_addresses_are_accepted_by_every_form_in_tests(app):
    browser = app.test_client()
    login(browser, make_user("dot-test@example.com").email, PASSWORD)
    response = post(browser, "/registration/employer", {
        "business_entity": "COMPANY", "sub_entity": "SDN_BHD", "registration_number": "202101000555",
        "name": "Demo Sdn Bhd", "industry": "G", "address": "No. 1", "postcode": "50400",
        "state": "W.P. Kuala Lumpur", "phone": "03-2687 2677", "email": "hr@demo.assist.test",
        "first_employment_date": "2024-01-01", "induction_venue": "PERKESO Kuala Lumpur"})
    assert response.status_code == 303, response.get_data(as_text=True)[-1500:]
