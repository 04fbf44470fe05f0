"""The bank counter over HTTP (CSRF on): a teller's own login lands on the counter and reaches nothing else;
SEARCH shows one document and none of the employer's other data; RECORD PAYMENT once however often it is
sent; PRINT RECEIPT for its own payments only; the refusals at their field. Officers import collection files
(the bad lines listed, the same file refused) and resolve exceptions."""

import io
import re
from datetime import timedelta

import pytest

from tests.conftest import PASSWORD, make_user
from tests.support import csrf_token, login
from tests.web.test_access import PUBLIC_ENDPOINTS, private_routes
from tests.web.test_contributions import confirmed_month
from tests.web.test_registration import employer_client, registered  # noqa: F401 - a fixture
from webapp.clock import utcnow
from webapp.counter_models import CollectionLine, CounterPayment
from webapp.models import Acknowledgement, Employer, Person
from webapp.payment_models import PaymentAttempt
from webapp.views.counter import TELLER_MAY


def rm(sen: int, prefix: str = "RM ") -> str:
    return f"{prefix}{sen // 100:,}.{sen % 100:02d}"


TOKEN = re.compile(r'name="token" type="hidden" value="([^"]+)"')


@pytest.fixture
def teller(app):
    return make_user("teller@bank.example", role="teller", name="Aminah Teller")


@pytest.fixture
def teller_client(app, teller):
    client = app.test_client()
    login(client, teller.email, PASSWORD)
    return client


@pytest.fixture
def bills(employer_client):  # noqa: F811 - the fixture imported above
    """The employer's confirmed ACR and ECR (10/2024), submitted four days ago: at the counter now."""
    registered(employer_client)
    confirmed_month(employer_client)
    Acknowledgement.update(created_at=utcnow() - timedelta(days=4)).execute()
    return Acknowledgement.get(Acknowledgement.kind == "ACR"), Acknowledgement.get(Acknowledgement.kind == "ECR")


def search(client, number: str):
    return client.post("/counter/", data={"csrf_token": csrf_token(client, "/counter/"), "number": number})


def record(client, page: str, number: str, **fields):
    data = {"csrf_token": csrf_token(client, "/counter/"), "number": number, "token": TOKEN.search(page).group(1),
            "method": "cheque", "bank": "MBB", "cheque_no": "123456", **fields}
    return client.post("/counter/record", data=data)


def test_a_teller_logs_in_like_everyone_and_lands_on_the_counter(client, teller):
    response = login(client, teller.email, PASSWORD)
    assert response.status_code == 303 and response.headers["Location"] == "/counter/"
    page = client.get("/counter/").get_data(as_text=True)
    assert "Bank Counter" in page and "SEARCH" in page and 'href="/help/bank-teller"' in page
    assert "MY SITES" not in page and "/payment/" not in page
    assert client.get("/").headers["Location"] == "/counter/"


def test_every_employer_and_officer_route_refuses_a_teller(app, teller_client):
    token = csrf_token(teller_client, "/counter/")
    refused = []
    for method, url, endpoint in private_routes(app) + [("GET", "/employer/forgot-password", ""),
                                                         ("GET", "/portal-id/register", ""),
                                                         ("GET", "/calculator", "")]:
        if endpoint.startswith("counter.") or endpoint in TELLER_MAY:
            continue
        response = teller_client.open(url, method=method, data={"csrf_token": token})
        assert response.status_code == 403, (method, url, response.status_code)
        refused.append(url)
    assert len(refused) > 60
    assert {"/employer/dashboard", "/payment/", "/officer/", "/officer/collections/",
            "/payment/items/ACR112260000001"} <= set(refused)
    assert "bank counter only" in teller_client.get("/employer/dashboard").get_data(as_text=True)
    assert teller_client.get("/help/payment").status_code == 200  # help stays open
    assert {"fpx.direct_ac", "fpx.indirect_ac", "public.home"} <= PUBLIC_ENDPOINTS  # listed, refused or sent on


def test_employers_and_officers_cannot_open_the_counter(app, employer_client, officer):  # noqa: F811
    assert employer_client.get("/counter/").status_code == 403
    officer_client = app.test_client()
    login(officer_client, officer.email, PASSWORD)
    assert officer_client.get("/counter/").status_code == 403


def test_search_shows_the_document_and_nothing_else_of_the_employer(teller_client, bills):
    acr, ecr = bills
    employer = Employer.get()
    page = search(teller_client, acr.number).get_data(as_text=True)
    assert acr.number in page and employer.code in page and employer.name in page and "10/2024" in page
    assert rm(acr.amount) in page and "RECORD PAYMENT" in page and "Unpaid" in page
    never = [ecr.number, employer.registration_number, employer.phone, employer.address.splitlines()[0], "employer@",
             *[p.name for p in Person.select()], *[p.id_number for p in Person.select()]]
    assert [text for text in never if text in page] == []


def test_a_cheque_is_recorded_once_and_its_receipt_printed(teller_client, bills, app):
    acr, _ecr = bills
    page = search(teller_client, acr.number).get_data(as_text=True)
    first = record(teller_client, page, acr.number, amount=rm(acr.amount, ""))
    assert first.status_code == 303
    done = teller_client.get(first.headers["Location"]).get_data(as_text=True)
    attempt = PaymentAttempt.get(PaymentAttempt.channel == "counter")
    assert "Payment recorded" in done and "PRINT RECEIPT" in done and "Maybank 123456" in done
    again = record(teller_client, page, acr.number, amount=rm(acr.amount, ""))  # the same form, pressed again
    assert again.headers["Location"] == first.headers["Location"]
    assert "recorded already" in teller_client.get(again.headers["Location"]).get_data(as_text=True)
    assert CounterPayment.select().count() == 1 and Acknowledgement.get_by_id(acr.id).status == "paid"
    pdf = teller_client.get(f"/counter/payments/{attempt.order_no}/receipt.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    pdf.close()
    other = app.test_client()
    login(other, make_user("other.teller@bank.example", role="teller").email, PASSWORD)
    assert other.get(f"/counter/payments/{attempt.order_no}").status_code == 404
    assert other.get(f"/counter/payments/{attempt.order_no}/receipt.pdf").status_code == 404
    assert search(teller_client, acr.number).get_data(as_text=True).count("RECORD PAYMENT") == 0  # paid now


def test_the_refusals_are_said_at_their_field_and_nothing_is_recorded(teller_client, bills):
    acr, ecr = bills
    combined = search(teller_client, f"{acr.number}+{ecr.number}")
    assert combined.status_code == 422 and "two separate cheques" in combined.get_data(as_text=True)
    page = search(teller_client, acr.number).get_data(as_text=True)
    wrong = record(teller_client, page, acr.number, amount=rm(acr.amount + ecr.amount, ""))  # ACR and ECR together
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and "A counter takes the exact amount only" in text and acr.number in text
    assert 'id="amount-error"' in text
    bad_cheque = record(teller_client, page, acr.number, amount=rm(acr.amount, ""), cheque_no="12a")
    assert bad_cheque.status_code == 422 and 'id="cheque_no-error"' in bad_cheque.get_data(as_text=True)
    assert record(teller_client, page, acr.number, amount=rm(acr.amount, "")).status_code == 303
    second = search(teller_client, ecr.number).get_data(as_text=True)
    same_cheque = record(teller_client, second, ecr.number, amount=rm(ecr.amount, ""))
    assert same_cheque.status_code == 422 and "two separate cheques" in same_cheque.get_data(as_text=True)
    assert Acknowledgement.get_by_id(ecr.id).status == "unpaid"
    Acknowledgement.update(created_at=utcnow()).where(Acknowledgement.id == ecr.id).execute()
    not_yet = search(teller_client, ecr.number)
    assert not_yet.status_code == 422 and "can be paid here from" in not_yet.get_data(as_text=True)
    unknown = search(teller_client, "ACR012269999999")
    assert unknown.status_code == 422 and "No ACR or ECR has this number" in unknown.get_data(as_text=True)


# The officers' collection files ---------------------------------------------------------------------------

def upload(client, data: bytes, name="mbb.csv", bank="MBB"):
    return client.post("/officer/collections/import", data={
        "csrf_token": csrf_token(client, "/officer/collections/"), "bank": bank,
        "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_an_officer_imports_a_file_sees_the_exceptions_and_resolves_one(app, officer, bills):
    acr, ecr = bills
    client = app.test_client()
    login(client, officer.email, PASSWORD)
    today = (utcnow() + timedelta(hours=8)).strftime("%d/%m/%Y")
    bad = upload(client, f"date,acr_ecr_number,amount,bank_reference\n{today},{acr.number},43.9,R1\n".encode())
    paid = rm(acr.amount, "")
    assert bad.status_code == 422 and "Nothing was imported" in bad.get_data(as_text=True)
    data = (f"date,acr_ecr_number,amount,bank_reference\r\n{today},{acr.number},{paid},MBB1\r\n"
            f"{today},{ecr.number},9.99,MBB2\r\n{today},{acr.number},{paid},MBB1\r\n").encode()
    done = upload(client, data)
    assert done.status_code == 303
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Paid" in page and "Duplicate" in page and "Amount differs from the ACR/ECR" in page
    assert upload(client, data, name="again.csv").status_code == 422
    queue = client.get("/officer/collections/").get_data(as_text=True)
    assert "Exceptions to resolve (1)" in queue and ecr.number in queue and "again.csv" not in queue
    line = CollectionLine.get(CollectionLine.outcome == "exception")
    resolved = client.post(f"/officer/collections/lines/{line.id}/resolve", data={
        "csrf_token": csrf_token(client, "/officer/collections/"), "note": "Employer paid by FPX; refund"})
    assert resolved.status_code == 303
    assert "Exceptions to resolve (0)" in client.get("/officer/collections/").get_data(as_text=True)


def test_create_teller_makes_an_account_that_must_change_its_password_first(runner, client):
    result = runner.invoke(args=["create-teller", "Aminah.Teller@Bank.example", "--name", "Aminah"])
    assert result.exit_code == 0, result.output
    password = re.search(r"shown once\): (\S+)", result.output).group(1)
    login(client, "aminah.teller@bank.example", password)
    assert client.get("/counter/").headers["Location"] == "/employer/change-password"
    changed = client.post("/employer/change-password", data={
        "csrf_token": csrf_token(client, "/employer/change-password"), "password": "a long new teller password",
        "confirm": "a long new teller password"})
    assert changed.headers["Location"] == "/counter/"  # no terms of use for a teller: straight to the counter
    assert client.get("/counter/").status_code == 200
    again = runner.invoke(args=["create-teller", "aminah.teller@bank.example"])
    assert again.exit_code != 0 and "already has a portal account" in again.output
