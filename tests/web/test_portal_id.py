"""Portal ID Registration and the officer's decision (QRG 1), through the web pages."""

import io
import re
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from tests.conftest import PASSWORD, make_user
from tests.documents import PDF
from tests.support import csrf_token, login
from webapp import mailer
from webapp.models import PortalApplication, StoredFile, User

VALID = {
    "company_name": "Kedai Runcit Maju Sdn. Bhd.",
    "brn": "202001012345",
    "applicant_name": "Siti Aminah binti Abu",
    "applicant_mykad": "901225-08-5344",
    "designation": "Pengarah",
    "email": "siti@kedaimaju.com.my",
    "phone": "012-345 6789",
}


def apply(client, *, data=None, file=(PDF, "ssm.pdf")):
    token = csrf_token(client, "/portal-id/register")
    form = {"csrf_token": token, **VALID, **(data or {})}
    if file is not None:
        form["certificate"] = FileStorage(io.BytesIO(file[0]), filename=file[1])
    # Encode in memory: the test client's own encoder spools large bodies to a file it never closes.
    body, length, boundary = stream_encode_multipart(form, use_tempfile=False)
    return client.post("/portal-id/register", input_stream=body, content_length=length,
                       content_type=f"multipart/form-data; boundary={boundary}")


def test_application_gives_a_reference_and_an_acknowledgement(app, client, smtp):
    response = apply(client)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    reference = re.search(r'id="reference">(PID\d{10})<', page).group(1)
    application = PortalApplication.get()
    assert application.reference == reference and application.status == "pending"
    assert application.applicant_mykad == "901225085344" and application.phone == "0123456789"
    stored = Path(app.config["UPLOAD_DIR"]) / application.certificate.stored_name
    assert stored.read_bytes() == PDF
    assert oct(stored.stat().st_mode & 0o777) == "0o600"
    assert not str(stored).startswith(str(Path(app.root_path) / "static"))
    mailer.deliver_once(app.config)
    assert reference in smtp.wait_for(VALID["email"])[0]["Subject"]


@pytest.mark.parametrize(("field", "value"), [
    ("brn", "ABC"), ("applicant_mykad", "901325-08-5344"), ("applicant_mykad", "12345"),
    ("phone", "12345"), ("email", "siti@"), ("company_name", ""),
])
def test_invalid_fields_are_shown_at_the_field_and_nothing_is_saved(app, client, field, value):
    upload_dir = Path(app.config["UPLOAD_DIR"])
    before = set(upload_dir.iterdir()) if upload_dir.exists() else set()
    response = apply(client, data={field: value})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert PortalApplication.select().count() == 0 and StoredFile.select().count() == 0
    assert (set(upload_dir.iterdir()) if upload_dir.exists() else set()) == before


@pytest.mark.parametrize(("content", "name"), [
    (b"MZ\x90\x00 renamed executable", "ssm.pdf"),
    (b"\x89PNG\r\n\x1a\n" + b"0" * 20, "ssm.pdf"),
    (PDF, "ssm.exe"),
    (b"", "empty.pdf"),
])
def test_documents_are_checked_by_their_bytes(client, content, name):
    response = apply(client, file=(content, name))
    assert response.status_code == 422
    assert 'id="certificate-error"' in response.get_data(as_text=True)
    assert PortalApplication.select().count() == 0


def test_missing_document_is_refused_at_the_field(client):
    response = apply(client, file=None)
    assert response.status_code == 422 and "Attach the SSM certificate" in response.get_data(as_text=True)


def test_a_file_over_5_mib_gets_413(client):
    response = apply(client, file=(PDF + b"0" * (5 * 1024 * 1024 + 100_000), "big.pdf"))
    assert response.status_code == 413


def test_file_a_little_over_5_mib_is_refused_at_the_field(client):
    response = apply(client, file=(PDF + b"0" * (5 * 1024 * 1024), "big.pdf"))
    assert response.status_code == 422
    assert "larger than 5 MB" in response.get_data(as_text=True)


def officer_client(app, officer):
    client = app.test_client()
    login(client, officer.email, PASSWORD)
    return client


def test_officer_approves_and_the_applicant_logs_in_with_the_emailed_password(app, client, officer, smtp):
    apply(client)
    application = PortalApplication.get()
    back_office = officer_client(app, officer)
    listing = back_office.get("/officer/").get_data(as_text=True)
    assert application.reference in listing
    detail = back_office.get(f"/officer/applications/{application.id}").get_data(as_text=True)
    assert "ssm.pdf" in detail
    document = back_office.get(f"/officer/applications/{application.id}/certificate")
    assert document.data == PDF
    assert document.headers["Content-Disposition"].startswith("attachment")
    assert document.headers["X-Content-Type-Options"] == "nosniff"
    document.close()
    token = csrf_token(back_office, "/officer/")
    approved = back_office.post(f"/officer/applications/{application.id}/approve", data={"csrf_token": token})
    assert approved.status_code == 303
    user = User.get(User.email == VALID["email"])
    assert user.password_is_temporary and user.role == "employer"
    mailer.deliver_once(app.config)
    activation = [m for m in smtp.wait_for(VALID["email"], 2) if "activation" in m["Subject"]][0]
    body = activation.get_content()
    assert "http://localhost/employer/login" in body and VALID["email"] in body
    temporary = re.search(r"Kata Laluan Sementara\t(\S+)", body).group(1)
    assert len(temporary) >= 12
    applicant = app.test_client()
    assert login(applicant, VALID["email"], temporary).headers["Location"] == "/employer/dashboard"
    assert applicant.get("/employer/dashboard").headers["Location"] == "/employer/change-password"
    again = back_office.post(f"/officer/applications/{application.id}/approve", data={"csrf_token": token})
    assert "already decided" in back_office.get(again.headers["Location"]).get_data(as_text=True)


def test_officer_rejects_with_a_reason_that_is_emailed(app, client, officer, smtp):
    apply(client)
    application = PortalApplication.get()
    back_office = officer_client(app, officer)
    token = csrf_token(back_office, "/officer/")
    empty = back_office.post(f"/officer/applications/{application.id}/reject",
                             data={"csrf_token": token, "reason": ""}, headers={"HX-Request": "true"})
    assert empty.status_code == 422 and 'id="reason-error"' in empty.get_data(as_text=True)
    done = back_office.post(f"/officer/applications/{application.id}/reject",
                            data={"csrf_token": token, "reason": "The SSM certificate is unreadable."})
    assert done.status_code == 303
    assert PortalApplication.get().status == "rejected"
    assert User.select().where(User.email == VALID["email"]).count() == 0
    mailer.deliver_once(app.config)
    rejection = [m for m in smtp.wait_for(VALID["email"], 2) if "rejected" in m["Subject"]][0]
    assert "The SSM certificate is unreadable." in rejection.get_content()


def test_an_officer_cannot_approve_their_own_application(app, officer):
    back_office = officer_client(app, officer)
    apply(back_office, data={"email": "someone.else@kedaimaju.com.my"})
    application = PortalApplication.get()
    assert application.submitted_by_id == officer.id
    token = csrf_token(back_office, "/officer/")
    response = back_office.post(f"/officer/applications/{application.id}/approve", data={"csrf_token": token})
    page = back_office.get(response.headers["Location"]).get_data(as_text=True)
    assert "cannot approve an application you submitted yourself" in page
    assert PortalApplication.get().status == "pending"
    colleague = make_user("colleague@example.com", role="officer")
    other = officer_client(app, colleague)
    token = csrf_token(other, "/officer/")
    assert other.post(f"/officer/applications/{application.id}/approve",
                      data={"csrf_token": token}).status_code == 303
    assert PortalApplication.get().status == "approved"


def test_unknown_application_is_404(app, officer):
    assert officer_client(app, officer).get("/officer/applications/999").status_code == 404


def test_every_wrong_field_is_reported_at_once(client):
    response = apply(client, data={"company_name": "", "applicant_mykad": "901325-08-5344", "phone": "99"})
    html = response.get_data(as_text=True)
    for field in ("company_name", "applicant_mykad", "phone"):
        assert f'id="{field}-error"' in html


def test_reject_through_htmx_redirects_the_whole_page(app, client, officer):
    apply(client)
    back_office = officer_client(app, officer)
    application = PortalApplication.get()
    response = back_office.post(f"/officer/applications/{application.id}/reject",
                                data={"csrf_token": csrf_token(back_office, "/officer/"), "reason": "Unreadable copy."},
                                headers={"HX-Request": "true"})
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/officer/"
