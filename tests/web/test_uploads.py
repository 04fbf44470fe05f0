"""Uploads through the forms: every refusal of a crafted file shows its reason at the field, in both
languages, and nothing is stored; the optional ClamAV scan refuses what the scanner flags."""

import io
import stat
from datetime import date
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from tests import documents
from tests.conftest import PASSWORD
from tests.documents import CRAFTED
from tests.support import csrf_token, login
from webapp.clock import malaysia_today
from webapp.db import database
from webapp.models import BatchDocument, Employment, PortalApplication, StoredFile
from webapp.services import registration

VALID = {
    "company_name": "Kedai Runcit Maju Sdn. Bhd.", "brn": "202001012345", "applicant_name": "Siti Aminah binti Abu",
    "applicant_mykad": "901225-08-5344", "designation": "Pengarah", "email": "siti@kedaimaju.com.my",
    "phone": "012-345 6789",
}


def multipart(client, path: str, fields: dict, files: dict, token_page: str = "/portal-id/register"):  # noqa: S107
    form = {"csrf_token": csrf_token(client, token_page), **fields}
    form.update({name: FileStorage(io.BytesIO(data), filename=filename) for name, (data, filename) in files.items()})
    body, length, boundary = stream_encode_multipart(form, use_tempfile=False)
    return client.post(path, input_stream=body, content_length=length,
                       content_type=f"multipart/form-data; boundary={boundary}")


def apply(client, data: bytes, filename: str):
    return multipart(client, "/portal-id/register", VALID, {"certificate": (data, filename)})


def field_error(html: str, field: str) -> str:
    start = html.index(f'id="{field}-error">') + len(f'id="{field}-error">')
    return html[start:html.index("</p>", start)]


@pytest.fixture(autouse=True)
def empty_upload_dir(app):
    """Files left by earlier tests (their rows are gone) would hide a file stored here."""
    upload_dir = Path(app.config["UPLOAD_DIR"])
    for leftover in upload_dir.iterdir() if upload_dir.exists() else []:
        leftover.unlink()


def nothing_stored(app) -> bool:
    upload_dir = Path(app.config["UPLOAD_DIR"])
    files = list(upload_dir.iterdir()) if upload_dir.exists() else []
    return StoredFile.select().count() == 0 and not files


@pytest.mark.parametrize(("data", "name", "message"), [r[1:] for r in CRAFTED], ids=[r[0] for r in CRAFTED])
def test_each_crafted_file_is_refused_at_the_field(app, client, data, name, message):
    response = apply(client, data, name)
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "certificate").startswith(message)
    assert PortalApplication.select().count() == 0 and nothing_stored(app)


MALAY = {
    "html": "PDF ini tidak dapat dibaca",
    "truncated-pdf": "PDF ini tidak dapat dibaca",
    "javascript": "PDF yang mengandungi JavaScript tidak diterima",
    "hidden-javascript": "PDF yang mengandungi JavaScript tidak diterima",
    "launch": "PDF yang melancarkan program",
    "attachment": "PDF yang mengandungi fail lampiran",
    "password": "PDF yang dilindungi kata laluan tidak diterima",
    "png-checksum": "Imej ini tidak dapat dibaca",
    "jpeg-truncated": "Imej ini tidak dapat dibaca",
    "png-html": "Imej ini tidak dapat dibaca",
    "png-bomb": "Imej ini terlalu besar",
}


def test_every_crafted_file_has_a_malay_reason():
    assert sorted(MALAY) == sorted(case for case, *_ in CRAFTED)


@pytest.mark.parametrize("case", sorted(MALAY))
def test_the_reasons_are_translated(app, case):
    malay = app.test_client()
    malay.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ms"
    _, data, name, _english = next(r for r in CRAFTED if r[0] == case)
    response = apply(malay, data, name)
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "certificate").startswith(MALAY[case])


def test_good_pdf_and_images_are_stored_privately(app):
    for data, name in ((documents.PDF, "ssm.pdf"), (documents.PNG, "ssm.png"), (documents.JPEG, "ssm.jpg")):
        response = apply(app.test_client(), data, name)
        assert response.status_code == 303, response.get_data(as_text=True)[-2000:]
    stored_files = list(StoredFile.select())
    assert len(stored_files) == 3
    for stored in stored_files:
        path = Path(app.config["UPLOAD_DIR"]) / stored.stored_name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.fixture
def draft(app, employer):
    """A draft registration of `employer` (its Form 1 saved), and a logged-in client."""
    data = registration.EmployerForm(
        kind="business", name="Kedai Maju Sdn Bhd", business_entity="COMPANY", sub_entity="SDN_BHD",
        registration_number="202101000123", nationality="MY", industry="G", address="No. 1, Jalan Maju",
        postcode="50400", state="W.P. Kuala Lumpur", phone="0326872677", email="", induction_venue="x",
        first_employment_date=date(2024, 1, 1))
    with database.connection_context():
        batch = registration.start_employer(employer, data, malaysia_today())
    client = app.test_client()
    login(client, employer.email, PASSWORD)
    return client, batch


def test_supporting_document_refusal_shows_at_its_field(app, draft):
    client, batch = draft
    response = multipart(client, f"/registration/{batch.id}/documents", {"document_type": "FORM_1", "remarks": ""},
                         {"file": (documents.pdf_with_javascript(), "borang1.pdf")}, "/employer/dashboard")
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "file").startswith("PDFs with JavaScript are not accepted")
    assert BatchDocument.select().count() == 0 and nothing_stored(app)


def test_passport_refusal_shows_at_the_passport_field(app, draft):
    client, batch = draft
    today = malaysia_today()
    foreign = {"id_type": "PASSPORT", "id_number": "A1234567", "name": "Budi Santoso", "birth_date": "1990-05-10",
               "gender": "M", "nationality": "ID", "start_date": "2024-03-01", "passport_number": "A1234567",
               "passport_start": "2022-01-01", "passport_end": date(today.year + 5, 1, 1).isoformat(),
               "permit_number": "PLKS001", "permit_start": "2025-01-01",
               "permit_end": date(today.year + 1, 12, 31).isoformat(), "kin_name": "Sri Wahyuni",
               "kin_phone": "0123456789", "kin_relationship": "SPOUSE"}
    response = multipart(client, f"/registration/{batch.id}/employees/new?foreign=1", foreign,
                         {"passport_file": (documents.jpeg_truncated(), "passport.jpg"),
                          "permit_file": (documents.PDF, "permit.pdf")}, "/employer/dashboard")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_error(html, "passport_file").startswith("The image cannot be read")
    assert 'id="permit_file-error"' not in html and 'id="id_number-error"' not in html
    assert Employment.select().count() == 0 and nothing_stored(app)


@pytest.fixture
def clamdscan(tmp_path):
    """A stand-in for clamdscan (ClamAV's daemon and signatures cannot be installed offline): the same
    command line, stdin and exit codes (0 clean, 1 found, 2 error), flagging the EICAR test string."""
    script = tmp_path / "clamdscan"
    script.write_text('#!/bin/sh\n[ "$3" = "-" ] || exit 2\n'
                      'if grep -q "EICAR-STANDARD-ANTIVIRUS-TEST-FILE"; then echo "stdin: Eicar-Test-Signature FOUND";'
                      ' exit 1; fi\necho "stdin: OK"\n')
    script.chmod(0o755)
    return str(script)


def pdf_carrying(payload: bytes) -> bytes:
    """A valid PDF with `payload` as the raw bytes of an (uncompressed) stream object."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import StreamObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(documents.PDF)))
    stream = StreamObject()
    stream.set_data(payload)
    writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_clamav_scan_refuses_a_flagged_file_and_passes_a_clean_one(app, client, monkeypatch, clamdscan):
    monkeypatch.setitem(app.config, "CLAMDSCAN", clamdscan)
    infected = pdf_carrying(documents.EICAR)
    assert documents.EICAR in infected
    response = apply(client, infected, "ssm.pdf")
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "certificate").startswith(
        "The virus scan found a threat in this file")
    assert nothing_stored(app)
    malay = app.test_client()
    malay.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ms"
    assert field_error(apply(malay, infected, "ssm.pdf").get_data(as_text=True), "certificate").startswith(
        "Imbasan virus menemui ancaman")
    assert apply(app.test_client(), documents.PDF, "ssm.pdf").status_code == 303


@pytest.mark.parametrize("scanner", ["broken", "absent"])
def test_clamav_configured_but_failing_refuses_the_upload(app, client, monkeypatch, tmp_path, scanner):
    path = tmp_path / "clamdscan-broken"
    path.write_text("#!/bin/sh\necho 'ERROR: Could not connect to clamd' >&2\nexit 2\n")
    path.chmod(0o755)
    monkeypatch.setitem(app.config, "CLAMDSCAN", str(path) if scanner == "broken" else str(tmp_path / "none"))
    response = apply(client, documents.PDF, "ssm.pdf")
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "certificate").startswith(
        "The virus scan is not available now")
    assert nothing_stored(app)
