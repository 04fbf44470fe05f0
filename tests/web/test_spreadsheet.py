"""SALARY SPREADSHEET through the pages: upload, the columns, a wrong row then a right one, into the draft."""

import io

from openpyxl import Workbook
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from tests.support import csrf_token
from tests.web.test_contributions import client, open_month  # noqa: F401
from tests.web.test_registration import post
from webapp.models import Employer, SubmissionLine


def upload_sheet(client, submission_id, data, name):  # noqa: F811
    token = csrf_token(client, "/employer/dashboard")
    body, length, boundary = stream_encode_multipart(
        {"csrf_token": token, "file": FileStorage(io.BytesIO(data), filename=name)}, use_tempfile=False)
    return client.post(f"/contribution/s/{submission_id}/spreadsheet", input_stream=body, content_length=length,
                       content_type=f"multipart/form-data; boundary={boundary}")


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_wrong_row_is_shown_then_a_right_file_goes_into_the_draft(client):  # noqa: F811
    submission_id = open_month(client)
    wrong = upload_sheet(client, submission_id, b"Nama,No. KP,Gaji\nSITI,901225-08-5344,2000\nX,770101145671,1000\n",
                         "gaji.csv")
    assert wrong.status_code == 303
    page = client.get(wrong.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="sheet-problems">1<' in html and "not an employee of yours" in html
    assert "PUT INTO THE DRAFT" not in html
    assert SubmissionLine.select().where(SubmissionLine.wages.is_null(False)).count() == 0
    right = upload_sheet(client, submission_id, xlsx([["Nama", "No. KP", "Gaji"], ["SITI", "901225-08-5344", 2000],
                                                      ["AHMAD", "880101145671", 0]]), "gaji.xlsx")
    preview = client.get(right.headers["Location"]).get_data(as_text=True)
    assert 'id="sheet-matched">2<' in preview and 'id="sheet-problems">0<' in preview
    done = post(client, right.headers["Location"], {"id": "2", "wages": "3"})
    assert done.status_code == 303
    assert "2 salary(ies) from the spreadsheet are in the draft" in client.get(done.headers["Location"]).get_data(
        as_text=True)
    lines = {line.employment.person.name: line for line in SubmissionLine.select()}
    assert lines["SITI AMINAH"].wages == 200000 and lines["AHMAD FAIZAL"].status == "no_wages"
    assert (Employer.get().sheet_id_column, Employer.get().sheet_wages_column) == ("No. KP", "Gaji")


def test_a_stale_or_forged_token_asks_to_upload_again(client):  # noqa: F811
    submission_id = open_month(client)
    for token in ("0" * 32, "../../etc/passwd", "x"):
        response = client.get(f"/contribution/s/{submission_id}/spreadsheet/{token}")
        assert response.status_code in (303, 404)
