"""MY SITES, Statements (issue 13) through the test client: the year's page, the employee's page, the PDFs and
CSVs, the year chooser and bad years, tenancy, the team's clerk, the languages, and a fixed number of queries.

The year is the one tests/store/test_statements.py declares and pays with the services (2025: January paid
on time, February paid late with its FCLB notices paid, March nil, April's ACR cancelled and declared
again, May with a SHORT top-up).
"""

import csv
import io
import re

import pytest
from pypdf import PdfReader

from tests.conftest import PASSWORD
from tests.payments_support import Exchange
from tests.store.test_statements import MAY, TODAY, build_year, declare
from tests.support import login
from tests.web.test_query_counts import QueryLog
from webapp.db import database
from webapp.models import Acknowledgement, EmployerAccess, Employment, Person, User
from webapp.payment_models import FclbNotice
from webapp.services import statements


@pytest.fixture(scope="module")
def exchange(tmp_path_factory):
    return Exchange(tmp_path_factory.mktemp("exchange"))


@pytest.fixture
def paid_year(app, exchange):
    with database.connection_context():
        return build_year(exchange)


@pytest.fixture
def employer_client(app, paid_year):
    client = app.test_client()
    login(client, "employer@example.com", PASSWORD)
    return client


def employment_of(name: str) -> int:
    return Employment.get(Employment.person == Person.get(Person.name == name)).id


def pdf_text(response) -> str:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


def test_the_statement_page_month_by_month_with_its_receipts_and_totals(employer_client, paid_year):
    _, receipts, _ = paid_year
    response = employer_client.get("/employer/statements")  # the latest year with data
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<h1>Statement 2025 · BENCH SDN BHD</h1>" in page
    assert re.search(r'href="/employer/statements\?year=2025" aria-current="true">2025<', page)
    assert 'href="/help/statements"' in page
    for receipt in receipts:
        assert f'href="/payment/fpx/receipts/{receipt.number}.pdf"' in page
    assert '<b id="total-paid">RM 269.80</b>' in page and 'id="declared">RM 571.20<' in page
    assert "ACR · No contribution due" in page and "ECR · No contribution due" in page  # March, a nil month
    for ack in Acknowledgement.select().where(Acknowledgement.status == "unpaid"):
        assert f'href="/contribution/ack/{ack.number}.pdf"' in page
    assert page.count('class="c-title">') >= 12 + 3  # the months and the employees
    assert 'href="/employer/statements/2025.pdf"' in page and 'href="/employer/statements/2025.csv"' in page
    proof = f'href="/employer/statements/2025/employees/{employment_of("ALI BIN ABU")}.pdf"'
    assert proof in page and "PROOF (PDF)" in page  # one click from the list


def test_a_cancelled_acr_is_not_in_the_statement(employer_client):
    cancelled = Acknowledgement.get(Acknowledgement.status == "cancelled")
    page = employer_client.get("/employer/statements?year=2025").get_data(as_text=True)
    assert cancelled.number not in page
    rows = employer_client.get("/employer/statements/2025.csv").get_data(as_text=True)
    assert cancelled.number not in rows and "04/2025" in rows


def test_a_month_paid_late_shows_its_fclb_interest(employer_client):
    page = employer_client.get("/employer/statements?year=2025").get_data(as_text=True)
    february = page[page.index(">02/2025<"):page.index(">03/2025<")]
    notices = list(FclbNotice.select())
    assert len(notices) == 2
    for notice in notices:
        assert f'href="/payment/fpx/notices/{notice.number}.pdf" title="{notice.number}">RM 5.00</a>' in february
    assert 'id="total-interest">RM 10.00<' in page


def test_the_statement_pdf_totals_equal_the_receipts(employer_client, paid_year):
    _, receipts, _ = paid_year
    text = pdf_text(employer_client.get("/employer/statements/2025.pdf"))
    assert "PENYATA CARUMAN TAHUN 2025" in text and "CONTRIBUTION STATEMENT FOR 2025" in text
    total = re.search(r"Jumlah dibayar / Total paid \(RM\)\s*: ([\d,.]+)", text).group(1)
    assert total == f"{sum(r.amount for r in receipts) / 100:,.2f}" == "269.80"
    assert all(r.number in text for r in receipts)
    assert "********0001" in text and "850101140001" not in text  # the identity numbers are masked


def test_proof_of_contributions_for_one_employee(employer_client, paid_year):
    employment = employment_of("BALA A/L RAMAN")
    page = employer_client.get(f"/employer/statements/2025/employees/{employment}").get_data(as_text=True)
    assert "BALA A/L RAMAN · 2025" in page and "RM 3,500.00" in page and "850101140002" in page
    assert f'href="/employer/statements/2025/employees/{employment}.pdf"' in page
    text = pdf_text(employer_client.get(f"/employer/statements/2025/employees/{employment}.pdf"))
    for expected in ("BUKTI CARUMAN PEKERJA 2025", "PROOF OF CONTRIBUTIONS FOR 2025", "BALA A/L RAMAN",
                     "********0002", "BENCH SDN BHD", "01/2025", "05/2025", "3,500.00", "60.35", "17.25",
                     paid_year[1][0].number, "Dibayar / Paid", "Belum dibayar / Unpaid"):
        assert expected in text, expected
    assert "850101140002" not in text


def test_the_csvs_neutralise_formulas(employer_client):
    Person.update(name='=HYPERLINK("https://evil.example")').where(Person.name == "ALI BIN ABU").execute()
    rows = list(csv.reader(io.StringIO(employer_client.get("/employer/statements/2025-employees.csv")
                                       .get_data(as_text=True).removeprefix("\ufeff"))))
    assert rows[0][:3] == ["Nama / Name", "No. Pengenalan / Identity No.", "Bulan / Month"]
    planted = [row for row in rows if "evil" in row[0]]
    assert planted and all(row[0].startswith("'=") for row in planted)
    bala = [row for row in rows if row[0] == "BALA A/L RAMAN"]
    assert [row[2] for row in bala] == ["01/2025", "02/2025", "03/2025", "04/2025", "05/2025"]
    assert bala[-1][3:6] == ["3500.00", "60.35", "17.25"]


@pytest.mark.parametrize("asked", ["abc", "1999", "2100", "20255", "٢٠٢٥", ""])
def test_a_bad_year_is_a_clear_message(employer_client, asked):
    response = employer_client.get("/employer/statements", query_string={"year": asked})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Choose a year from 2000 to 2099." in page
    assert 'href="/employer/statements?year=2025"' in page  # the years there are, to choose from


def test_a_year_out_of_range_in_an_address_is_a_404_that_says_why_and_an_empty_year_says_so(employer_client):
    for path in ("/employer/statements/1999.pdf", "/employer/statements/3000.csv",
                 "/employer/statements/1999/employees/1"):
        response = employer_client.get(path)
        assert response.status_code == 404 and "Choose a year from 2000 to 2099." in response.get_data(as_text=True)
    assert employer_client.get("/employer/statements/99999999999999999999.pdf").status_code == 404
    page = employer_client.get("/employer/statements?year=2010").get_data(as_text=True)
    assert "Nothing was submitted for 2010." in page and "No employee has a contribution in 2010." in page


def test_another_employers_statement_and_employees_are_404(app, paid_year):
    other = app.test_client()
    login(other, "other@example.com", PASSWORD)
    ali = employment_of("ALI BIN ABU")
    for path in (f"/employer/statements/2025/employees/{ali}", f"/employer/statements/2025/employees/{ali}.pdf"):
        response = other.get(path)
        assert response.status_code == 404 and "ALI BIN ABU" not in response.get_data(as_text=True)
    for path in ("/employer/statements?year=2025", "/employer/statements/2025.csv",
                 "/employer/statements/2025-employees.csv"):
        body = other.get(path).get_data(as_text=True)
        assert "ALI BIN ABU" not in body and "ACR" not in body.replace("ACR/ECR", "").replace("SOCSO (ACR)", "")
    assert "Nothing was submitted for 2025." in other.get("/employer/statements?year=2025").get_data(as_text=True)


def test_a_clerk_reads_the_statements(app, paid_year):
    employer, _, _ = paid_year
    clerk = User.get(User.email == "other@example.com")
    EmployerAccess.create(user=clerk, employer=employer, role="clerk")
    client = app.test_client()
    login(client, clerk.email, PASSWORD)
    client.post("/employer/select", data={"employer_id": employer.id,
                                          "csrf_token": re.search(r'csrf-token" content="([^"]+)', client.get(
                                              "/employer/dashboard").get_data(as_text=True)).group(1)})
    for path in ("/employer/statements?year=2025", "/employer/statements/2025.pdf",
                 f"/employer/statements/2025/employees/{employment_of('CHONG MEI')}.pdf"):
        assert client.get(path).status_code == 200, path


def test_the_statement_in_bahasa_melayu(employer_client):
    employer_client.get("/language/ms")
    page = employer_client.get("/employer/statements?year=2025").get_data(as_text=True)
    for expected in ("Penyata 2025", "Jumlah dibayar", "BUKTI (PDF)", "PENYATA (PDF)", "Tiada caruman perlu dibayar",
                     "Faedah Caruman Lewat Bayar (FCLB)"):
        assert expected in page, expected
    assert "Statements" not in employer_client.get("/employer/dashboard").get_data(as_text=True)


def test_the_page_reads_the_store_a_fixed_number_of_times(employer_client, paid_year):
    employer, _, _ = paid_year
    handler, logger = QueryLog(), __import__("logging").getLogger("peewee")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel("DEBUG")
    try:
        counts = []
        for grow in (False, True):
            if grow:  # 30 more employees and a month more
                with database.connection_context():
                    batch = Employment.get(Employment.employer == employer).batch_id
                    for n in range(30):
                        person = Person.create(id_type="NEW_IC", id_number=f"{860101140000 + n}", name=f"P {n:02d}",
                                               birth_date=MAY, gender="F", first_insured_on=MAY)
                        Employment.create(employer=employer, person=person, batch=batch, status="active",
                                          start_date=MAY)
                    user = User.get(User.email == "employer@example.com")
                    declare(employer, user, MAY.replace(month=6), {f"P {n:02d}": "1000.00" for n in range(30)})
            employer_client.get("/employer/statements?year=2025")
            handler.statements.clear()
            assert employer_client.get("/employer/statements?year=2025").status_code == 200
            counts.append(len(handler.statements))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert counts[0] == counts[1] <= 12, counts
    assert len(statements.overview(employer, 2025, TODAY)[1]) == 33
