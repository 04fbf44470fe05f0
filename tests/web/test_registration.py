"""Employer registration (QRG 2), employee registration with documents (QRG 3, 4), later changes (QRG 10, 11)."""

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from tests.conftest import PASSWORD, make_user
from tests.documents import PDF
from tests.support import csrf_token, login
from webapp import mailer
from webapp.clock import malaysia_today
from webapp.models import Employer, Employment, Person, RegistrationBatch

BUSINESS = {
    "business_entity": "COMPANY", "sub_entity": "SDN_BHD", "registration_number": "202101000123",
    "name": "Kedai Maju Sdn Bhd", "industry": "G", "address": "No. 1, Jalan Maju", "postcode": "50400",
    "state": "W.P. Kuala Lumpur", "phone": "03-2687 2677", "email": "hr@kedaimaju.com.my",
    "first_employment_date": "2024-01-01", "induction_venue": "PERKESO Kuala Lumpur",
}


def post(client, path, data, files=None, headers=None):
    token = csrf_token(client, "/employer/dashboard")
    form = {"csrf_token": token, **data}
    if files:
        form.update({name: FileStorage(io.BytesIO(content), filename=filename)
                     for name, (content, filename) in files.items()})
        body, length, boundary = stream_encode_multipart(form, use_tempfile=False)
        return client.post(path, input_stream=body, content_length=length,
                           content_type=f"multipart/form-data; boundary={boundary}")
    return client.post(path, data=form, headers=headers)


@pytest.fixture
def employer_client(app, employer):
    client = app.test_client()
    login(client, employer.email, PASSWORD)
    return client


def start_business(client, **changes):
    response = post(client, "/registration/employer", {**BUSINESS, **changes})
    assert response.status_code == 303, response.get_data(as_text=True)[-3000:]
    return int(re.search(r"/registration/(\d+)/employees", response.headers["Location"]).group(1))


def add_local(client, batch_id, id_number="901225085344", name="Siti Aminah", **extra):
    data = {"id_type": "NEW_IC", "id_number": id_number, "name": name, "nationality": "MY",
            "start_date": "2024-02-01", **extra}
    return post(client, f"/registration/{batch_id}/employees/new", data)


def foreign_worker() -> dict:
    """Form 2's foreign worker, with a permit valid for 200 more days (from the day the test runs)."""
    return {**FOREIGN, "permit_end": (malaysia_today() + timedelta(days=200)).isoformat()}


FOREIGN = {"id_type": "PASSPORT", "id_number": "A1234567", "name": "Budi Santoso", "birth_date": "1990-05-10",
           "gender": "M", "nationality": "ID", "start_date": "2024-03-01", "passport_number": "A1234567",
           "passport_start": "2022-01-01", "passport_end": "2031-01-01", "permit_number": "PLKS001",
           "permit_start": "2025-01-01", "permit_end": "",
           "kin_name": "Sri Wahyuni", "kin_phone": "0123456789", "kin_relationship": "SPOUSE"}


def add_document(client, batch_id, content=PDF, filename="borang1.pdf", document_type=None):
    """Upload `document_type`, or every document a checklist may require (the response of the last one)."""
    for kind in [document_type] if document_type else ["IC_COPY", "FORM_1", "FORM_2", "DOMESTIC_FORM"]:
        response = post(client, f"/registration/{batch_id}/documents", {"document_type": kind, "remarks": ""},
                        files={"file": (content, filename)})
        if response.status_code != 303:
            break
    return response


def test_business_registration_end_to_end(app, employer_client, smtp):
    batch_id = start_business(employer_client)
    assert RegistrationBatch.get_by_id(batch_id).crn.startswith(f"CRN{malaysia_today():%m%Y}")
    assert add_local(employer_client, batch_id).status_code == 303
    response = post(employer_client, f"/registration/{batch_id}/employees/new?foreign=1", foreign_worker(),
                    files={"passport_file": (PDF, "passport.pdf"), "permit_file": (PDF, "permit.pdf")})
    assert response.status_code == 303, response.get_data(as_text=True)[-2000:]
    listing = employer_client.get(f"/registration/{batch_id}/employees").get_data(as_text=True)
    assert "SITI AMINAH" in listing and "BUDI SANTOSO" in listing
    assert add_document(employer_client, batch_id).status_code == 303
    generated = employer_client.get(f"/registration/{batch_id}/generated/sip1.pdf")
    assert "SITI AMINAH" in PdfReader(io.BytesIO(generated.data)).pages[0].extract_text()
    generated.close()
    confirm = employer_client.get(f"/registration/{batch_id}/confirm")
    assert "Proceed for Submission?" in confirm.get_data(as_text=True)
    done = post(employer_client, f"/registration/{batch_id}/confirm", {})
    assert done.status_code == 303
    page = employer_client.get(done.headers["Location"]).get_data(as_text=True)
    employer = Employer.get()
    assert employer.status == "registered" and re.fullmatch(r"E9\d{9}[A-Z]", employer.code)
    assert employer.code in page and "REGISTRATION IS SUCCESSFUL" in page
    assert Employment.select().where(Employment.status == "active").count() == 2
    for kind in ("acknowledgement", "induction", "successful"):
        pdf = employer_client.get(f"/registration/{batch_id}/letters/{kind}.pdf")
        assert pdf.headers["Content-Disposition"].startswith("attachment")
        assert employer.code in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
        pdf.close()
    assert employer_client.get(f"/registration/{batch_id}/letters/eis_rejection.pdf").status_code == 404
    mailer.deliver_once(app.config)
    mail = smtp.wait_for("hr@kedaimaju.com.my")[0]
    assert employer.code in mail["Subject"]
    assert len([part for part in mail.iter_attachments()]) == 3


def test_domestic_registration(employer_client):
    data = {**BUSINESS, "business_entity": "INDIVIDUAL_DOMESTIC", "sub_entity": "INDIVIDUAL", "nationality": "MY",
            "registration_number": "850505-14-5678", "name": "Aminah binti Ali", "email": ""}
    response = post(employer_client, "/registration/employer?kind=domestic", data)
    assert response.status_code == 303
    batch_id = int(re.search(r"/registration/(\d+)/", response.headers["Location"]).group(1))
    maid = {**foreign_worker(), "id_number": "B7654321", "passport_number": "B7654321", "name": "Maria Santos",
            "gender": "F", "nationality": "PH"}
    assert post(employer_client, f"/registration/{batch_id}/employees/new?foreign=1", maid).status_code == 303
    assert "Borang Pendaftaran DS.pdf" in employer_client.get(f"/registration/{batch_id}/documents").get_data(
        as_text=True)
    add_document(employer_client, batch_id)
    post(employer_client, f"/registration/{batch_id}/confirm", {})
    employer = Employer.get(Employer.kind == "domestic")
    assert employer.code.startswith("A9") and Employment.get().domestic
    page = employer_client.get(f"/registration/{batch_id}/done").get_data(as_text=True)
    assert "LETTER OF EIS REJECTION" in page and "does not have an email address" in page


@pytest.mark.parametrize(("field", "value", "message"), [
    ("registration_number", "ABC", "SSM registration number"), ("postcode", "123", "5 digits"),
    ("phone", "123", "Malaysian phone"), ("first_employment_date", "2099-01-01", "future"),
    ("sub_entity", "SOLE", "Sub-Business Entity"), ("email", "not-an-email", "valid email"),
])
def test_employer_form_errors_at_the_field(employer_client, field, value, message):
    response = post(employer_client, "/registration/employer", {**BUSINESS, field: value})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html
    assert Employer.select().count() == 0


def test_the_same_brn_cannot_be_registered_twice(app, employer_client):
    batch_id = start_business(employer_client)
    add_local(employer_client, batch_id)
    add_document(employer_client, batch_id)
    post(employer_client, f"/registration/{batch_id}/confirm", {})
    other = app.test_client()
    login(other, make_user("second@example.com").email, PASSWORD)
    response = post(other, "/registration/employer", BUSINESS)
    assert response.status_code == 422 and "already registered" in response.get_data(as_text=True)
    assert "1-300-22-8000" in response.get_data(as_text=True)


def test_search_existing_employee_fills_in_the_person(app, employer_client):
    batch_id = start_business(employer_client)
    add_local(employer_client, batch_id)
    second = start_business(employer_client, registration_number="202101000124")
    found = post(employer_client, f"/registration/{second}/employees/search",
                 {"id_type": "NEW_IC", "id_number": "901225085344"}, headers={"HX-Request": "true"})
    html = found.get_data(as_text=True)
    assert html.strip().startswith('<div id="person-block">') and "SITI AMINAH" in html
    assert add_local(employer_client, second, name="").status_code == 303
    assert Person.select().count() == 1 and Employment.select().count() == 2
    missing = post(employer_client, f"/registration/{second}/employees/search",
                   {"id_type": "NEW_IC", "id_number": "880101145671"})
    assert "Nobody is registered with this number" in missing.get_data(as_text=True)


@pytest.mark.parametrize(("extra", "field", "message"), [
    ({"birth_date": "1991-12-25"}, "birth_date", "does not match the MyKad"),
    ({"gender": "M"}, "gender", "gender does not match"),
    ({"id_number": "901325085344"}, "id_number", "impossible birth date"),
    ({"start_date": "2099-01-01"}, "start_date", "future"),
])
def test_employee_errors(employer_client, extra, field, message):
    batch_id = start_business(employer_client)
    response = add_local(employer_client, batch_id, **extra)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert Employment.select().count() == 0 and Person.select().count() == 0


def test_expired_permit_is_refused_with_the_date(employer_client):
    batch_id = start_business(employer_client)
    response = post(employer_client, f"/registration/{batch_id}/employees/new?foreign=1",
                    {**foreign_worker(), "permit_start": "2024-01-01", "permit_end": "2025-01-31"})
    assert response.status_code == 422 and "expired on 31/01/2025" in response.get_data(as_text=True)


def test_the_same_person_cannot_be_active_twice_with_one_employer(employer_client):
    batch_id = start_business(employer_client)
    add_local(employer_client, batch_id)
    again = add_local(employer_client, batch_id)
    assert again.status_code == 422 and "already an employee" in again.get_data(as_text=True)


def test_submit_needs_an_employee_and_a_document(employer_client):
    batch_id = start_business(employer_client)
    assert "at least one employee" in post(employer_client, f"/registration/{batch_id}/confirm", {}).get_data(
        as_text=True)
    add_local(employer_client, batch_id)
    assert "supporting document" in post(employer_client, f"/registration/{batch_id}/confirm", {}).get_data(
        as_text=True)
    bad = add_document(employer_client, batch_id, content=b"MZ not a pdf", filename="x.pdf")
    assert bad.status_code == 422 and "PDF, JPEG or PNG" in bad.get_data(as_text=True)


def registered(client):
    batch_id = start_business(client)
    add_local(client, batch_id)
    add_local(client, batch_id, id_number="880101145671", name="Ahmad Faizal", gender="M")
    add_document(client, batch_id)
    post(client, f"/registration/{batch_id}/confirm", {})
    return batch_id


def test_update_add_new_employee_uses_the_registration_date_for_eis(employer_client):
    registered(employer_client)
    response = post(employer_client, "/registration/update", {})
    batch_id = int(re.search(r"/registration/(\d+)/", response.headers["Location"]).group(1))
    assert RegistrationBatch.get_by_id(batch_id).kind == "add_employees"
    assert add_local(employer_client, batch_id, id_number="950303105433", name="Lee Jun Hao", gender="M",
                     start_date="2024-06-01").status_code == 303
    assert Employment.select().order_by(Employment.id.desc()).first().eis_start_date == malaysia_today()


def test_employees_page_search_filter_csv_and_termination(employer_client):
    registered(employer_client)
    for status in ("active", "terminated", "all", "bogus"):  # a filter value never leaks into the HTTP status
        assert employer_client.get("/employees/", query_string={"status": status}).status_code == 200
    page = employer_client.get("/employees/?q=siti").get_data(as_text=True)
    assert "SITI AMINAH" in page and "AHMAD FAIZAL" not in page and "Showing 1 results" in page
    by_number = employer_client.get("/employees/?q=8801", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "AHMAD FAIZAL" in by_number and "<html" not in by_number
    employment = Employment.select().join(Person).where(Person.name == "AHMAD FAIZAL").get()
    form = employer_client.get(f"/employees/{employment.id}/terminate")
    assert form.status_code == 200
    last_day = (malaysia_today() - timedelta(days=3)).isoformat()
    done = post(employer_client, f"/employees/{employment.id}/terminate", {"last_day": last_day, "reason": "RESIGNED"})
    assert done.status_code == 303
    assert ">AHMAD FAIZAL</td>" not in employer_client.get("/employees/").get_data(as_text=True)
    assert ">AHMAD FAIZAL</td>" in employer_client.get("/employees/?status=terminated").get_data(as_text=True)
    csv = employer_client.get("/employees/export.csv?status=all")
    text = csv.get_data(as_text=True)
    assert csv.mimetype == "text/csv" and "SITI AMINAH" in text and "terminated" in text


def test_a_terminated_employee_can_be_employed_again(employer_client):
    registered(employer_client)
    employment = Employment.select().join(Person).where(Person.name == "SITI AMINAH").get()
    post(employer_client, f"/employees/{employment.id}/terminate",
         {"last_day": (malaysia_today() - timedelta(days=1)).isoformat(), "reason": "CONTRACT"})
    batch_id = int(re.search(r"/registration/(\d+)/", post(employer_client, "/registration/update", {})
                             .headers["Location"]).group(1))
    assert add_local(employer_client, batch_id, name="").status_code == 303


def test_termination_rules(employer_client):
    registered(employer_client)
    employment = Employment.get()
    before = post(employer_client, f"/employees/{employment.id}/terminate",
                  {"last_day": "2020-01-01", "reason": "RESIGNED"})
    assert before.status_code == 422 and "before the start date" in before.get_data(as_text=True)
    no_reason = post(employer_client, f"/employees/{employment.id}/terminate",
                     {"last_day": malaysia_today().isoformat(), "reason": ""})
    assert no_reason.status_code == 422


def test_one_account_may_manage_several_employers(employer_client):
    registered(employer_client)
    batch_id = start_business(employer_client, registration_number="202101000999", name="Second Company")
    add_local(employer_client, batch_id, id_number="950303105433", name="Lee Jun Hao", gender="M")
    add_document(employer_client, batch_id)
    post(employer_client, f"/registration/{batch_id}/confirm", {})
    second = Employer.get(Employer.registration_number == "202101000999")
    first = Employer.get(Employer.registration_number == "202101000123")
    page = employer_client.get("/employees/").get_data(as_text=True)
    assert 'id="employer_id"' in page
    post(employer_client, "/employer/select", {"employer_id": str(first.id), "next": "/employees/"})
    assert "SITI AMINAH" in employer_client.get("/employees/").get_data(as_text=True)
    post(employer_client, "/employer/select", {"employer_id": str(second.id), "next": "/employees/"})
    page = employer_client.get("/employees/").get_data(as_text=True)
    assert "LEE JUN HAO" in page and "SITI AMINAH" not in page


def test_employer_pages_without_a_registered_employer_lead_to_registration(employer_client):
    assert employer_client.get("/employees/").headers["Location"] == "/registration/"


def test_officer_finds_an_employer_and_its_employees_and_documents(app, employer_client, officer):
    batch_id = registered(employer_client)
    employer = Employer.get()
    back_office = app.test_client()
    login(back_office, officer.email, PASSWORD)
    for query in (employer.code, "kedai maju", "2021010001"):
        found = back_office.get("/officer/employers/", query_string={"q": query}).get_data(as_text=True)
        assert employer.code in found, query
    page = back_office.get(f"/officer/employers/{employer.id}").get_data(as_text=True)
    assert "SITI AMINAH" in page and "AHMAD FAIZAL" in page and "borang1.pdf" in page
    document = re.search(r'href="(/officer/employers/documents/\d+)"', page).group(1)
    download = back_office.get(document)
    assert download.data == PDF and download.headers["Content-Disposition"].startswith("attachment")
    download.close()
    assert back_office.get("/officer/employers/99999").status_code == 404
    assert employer_client.get(document).status_code == 403
    own = employer_client.get(f"/registration/{batch_id}/documents/{document.rsplit('/', 1)[1]}")
    assert own.data == PDF
    own.close()


def test_the_listing_shows_each_employees_coverage_and_reason(employer_client):
    batch_id = start_business(employer_client)
    add_local(employer_client, batch_id)
    add_local(employer_client, batch_id, id_number="620315142013", name="Ismail bin Daud", gender="M")
    post(employer_client, f"/registration/{batch_id}/employees/new?foreign=1", foreign_worker())
    page = employer_client.get(f"/registration/{batch_id}/employees").get_data(as_text=True)
    assert "Under 60: Employment Injury and Invalidity Schemes (shared)." in page
    assert "Aged 60 or over: Employment Injury Scheme only (employer pays)." in page
    assert "Foreign workers are not covered by EIS." in page
