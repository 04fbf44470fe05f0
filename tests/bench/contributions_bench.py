"""Contribution figures: an inline salary edit with 500 employees, COMPLETE to CONFIRM with 5,000, and a
10,000-line text file from upload to preview."""

import io
import statistics
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from core.rates import Category, eis, skbbk, socso
from core.textfile import Layout, Record, generate
from tests.bench.employees_page import populate
from tests.conftest import PASSWORD, app_config, make_user
from tests.support import csrf_token, login
from webapp import create_app
from webapp.cli import apply_migrations
from webapp.models import Submission, SubmissionLine

MONTH = date(2026, 10, 1)


def _client(count: int):
    app = create_app(app_config(Path(tempfile.mkdtemp()), 25))
    apply_migrations()
    user = make_user(f"bench{count}@example.com")
    populate(user, count)
    client = app.test_client()
    login(client, user.email, PASSWORD)
    return client, csrf_token(client, "/employer/dashboard")


def _open(client, token) -> int:
    response = client.post("/contribution/combined/open", data={"csrf_token": token, "month": "2026-10",
                                                                "type": "arrears"})
    return int(response.headers["Location"].rsplit("/", 1)[1])


def inline_edit(count: int = 500, runs: int = 60) -> tuple[float, int]:
    """(p95 server time in ms of one pencil save, its response size in bytes)."""
    client, token = _client(count)
    submission_id = _open(client, token)
    lines = [line.id for line in SubmissionLine.select(SubmissionLine.id).limit(runs)]
    timings, size = [], 0
    for n, line_id in enumerate(lines):
        start = time.perf_counter()
        response = client.post(f"/contribution/s/{submission_id}/lines/{line_id}",
                               data={"status": "active", "wages": f"{1500 + n}.00", "number": str(n + 1)},
                               headers={"HX-Request": "true", "X-CSRFToken": token})
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200
        size = len(response.data)
    return statistics.quantiles(timings, n=20)[18] * 1000, size


def complete_to_confirm(count: int = 5000) -> float:
    """Seconds for COMPLETE, SUBMIT (the summary) and CONFIRM with every salary already entered."""
    client, token = _client(count)
    submission_id = _open(client, token)
    SubmissionLine.update(wages=200000, socso_employer=3415, socso_employee=975, eis_employer=390,
                          eis_employee=390, skbbk_employee=1465).execute()
    start = time.perf_counter()
    client.post(f"/contribution/s/{submission_id}/complete", data={"csrf_token": token})
    client.get(f"/contribution/s/{submission_id}/summary")
    confirm_token = Submission.get_by_id(submission_id).confirm_token
    response = client.post(f"/contribution/s/{submission_id}/confirm",
                           data={"csrf_token": token, "token": confirm_token})
    elapsed = time.perf_counter() - start
    assert response.headers["Location"].endswith("/acknowledgement"), response.headers.get("Location")
    return elapsed


def text_file_to_preview(count: int = 10_000) -> float:
    """Seconds from uploading a clean 10,000-line combined file to the preview page."""
    client, token = _client(count)
    records = []
    for n in range(count):
        wages = Decimal(150_000 + n % 500_000) / 100
        first, insurance = socso(wages, MONTH, Category.FIRST), eis(wages, MONTH)
        records.append(Record(employer_code="E9000000001R", id_number=f"{800101140000 + n}", name=f"PEKERJA {n:05d}",
                              month=MONTH, wages=wages, socso_employer=first.employer, socso_employee=first.employee,
                              eis_employer=insurance.employer, eis_employee=insurance.employee,
                              skbbk_employee=skbbk(wages, MONTH)))
    data = generate(records, Layout.COMBINED)
    body, length, boundary = stream_encode_multipart(
        {"csrf_token": token, "file": FileStorage(io.BytesIO(data), filename="SOCSO_EIS_102026.txt")},
        use_tempfile=False)
    start = time.perf_counter()
    response = client.post("/contribution/combined/textfile", input_stream=body, content_length=length,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    client.get(response.headers["Location"])
    return time.perf_counter() - start


def spreadsheet_to_preview(count: int = 5000) -> tuple[float, float]:
    """Seconds from uploading a 5,000-row spreadsheet (Excel, then CSV) to its preview page."""
    from openpyxl import Workbook

    client, token = _client(count)
    submission_id = _open(client, token)
    rows = [["No. KP", "Nama", "Gaji"]] + [[f"{800101140000 + n}", f"PEKERJA {n:05d}", 1500 + n % 3000]
                                           for n in range(count)]
    book = Workbook()
    for row in rows:
        book.active.append(row)
    excel = io.BytesIO()
    book.save(excel)
    csv_data = "\n".join(",".join(str(cell) for cell in row) for row in rows).encode()
    timings = []
    for data, name in ((excel.getvalue(), "gaji.xlsx"), (csv_data, "gaji.csv")):
        body, length, boundary = stream_encode_multipart(
            {"csrf_token": token, "file": FileStorage(io.BytesIO(data), filename=name)}, use_tempfile=False)
        start = time.perf_counter()
        response = client.post(f"/contribution/s/{submission_id}/spreadsheet", input_stream=body,
                               content_length=length, content_type=f"multipart/form-data; boundary={boundary}")
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        preview = client.get(response.headers["Location"])
        timings.append(time.perf_counter() - start)
        assert 'id="sheet-problems">0<' in preview.get_data(as_text=True)
    return timings[0], timings[1]
