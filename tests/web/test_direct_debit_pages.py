"""Direct debit's pages (QRG 7) with CSRF on: every page renders, the enrolment form's refusals at their fields
with nothing saved, PROCEED's refusals at the Mandate List, someone else's mandate or debit is 404 by every
route, a clerk cannot enrol, pay or terminate, and PAYMENT HISTORY. The exchange is the stand-in of
tests/mandates_support.py here; tests/payments and tests/e2e use the real simulator."""

import json
from datetime import UTC, date, datetime

import pytest

from core import mandates
from tests.conftest import PASSWORD, make_user
from tests.factories import bill
from tests.mandates_support import authorisation_ac, notice, stub_mandate_gateway
from tests.payments_support import Exchange
from tests.support import csrf_token, login
from tests.web.test_registration import add_document, add_local, post, registered, start_business
from webapp import mandate_gateway
from webapp.db import database
from webapp.mandate_models import Mandate, MandateMessage
from webapp.models import Employer, EmployerAccess, User
from webapp.payment_models import PaymentAttempt
from webapp.services import mandate_callbacks

VALID = {"model": "01", "bank": "TEST0021", "limit": "5,000.00", "frequency": "2", "phone": "012-345 6789",
         "email": "payroll@example.com", "consent": "y"}


@pytest.fixture(scope="module")
def exchange(tmp_path_factory):
    return Exchange(tmp_path_factory.mktemp("exchange"))


@pytest.fixture
def gateway(exchange, monkeypatch):
    stub = stub_mandate_gateway(exchange)
    monkeypatch.setattr(mandate_gateway, "from_config", lambda config: stub)
    return stub


@pytest.fixture
def client(app, employer):
    client = app.test_client()
    login(client, employer.email, PASSWORD)
    registered(client)
    return client


def the_employer():
    return Employer.get(Employer.status == "registered")


def approved_mandate(client, gateway, scheme="socso", **form):
    response = post(client, f"/payment/direct-debit/{scheme}/mandate/new", {**VALID, **form})
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    order_no = response.headers["Location"].split("/mandate/")[1].split("/")[0]
    mandate = Mandate.get(Mandate.order_no == order_no)
    assert mandate_callbacks.apply_form(authorisation_ac(gateway.exchange, mandate, "00"), "AC-direct", gateway,
                                        mandates_now()).acknowledged
    mandate = Mandate.get_by_id(mandate.id)
    assert mandate_callbacks.apply_form(notice(gateway.exchange, mandate), "AC-direct", gateway,
                                        mandates_now()).status == mandates.APPROVED
    return Mandate.get_by_id(mandate.id)


def mandates_now():
    return datetime.now(UTC)


def test_every_direct_debit_page_renders(client, gateway):
    for path, expected in (("/payment/", "Direct Debit"), ("/payment/direct-debit/", "SOCSO"),
                           ("/payment/direct-debit/eis/", "Payment History"),
                           ("/payment/direct-debit/socso/mandate", "ENROLL NEW"),
                           ("/payment/direct-debit/socso/mandate/new", "Max Frequency Per Month"),
                           ("/payment/direct-debit/socso/payment", "Payment Cart"),
                           ("/payment/direct-debit/socso/summary", "The payment cart is empty."),
                           ("/payment/history/", "No payment yet.")):
        response = client.get(path)
        assert response.status_code == 200 and expected in response.get_data(as_text=True), path
    assert client.get("/payment/direct-debit/socso/pay").status_code == 303  # an empty cart: back to the summary
    for path in ("/payment/direct-debit/epf/", "/payment/direct-debit/epf/mandate",
                 "/payment/direct-debit/epf/payment", "/payment/direct-debit/mandate/MD000000000001"):
        assert client.get(path).status_code == 404, path


def test_without_fpx_the_enrolment_says_so(client):
    page = client.get("/payment/direct-debit/socso/mandate/new").get_data(as_text=True)
    assert "Direct debit by FPX is not available on this server." in page
    assert '<button type="submit" disabled>PROCEED</button>' in page


@pytest.mark.parametrize(("change", "message"), [
    ({"limit": "abc"}, "Enter an amount in ringgit"), ({"limit": "0.50"}, "between RM 1.00 and RM 30,000.00"),
    ({"limit": "1e3"}, "Enter an amount in ringgit"), ({"frequency": "\u0663"}, "from 1 to 31"),
    ({"frequency": "0"}, "from 1 to 31"), ({"frequency": "32"}, "from 1 to 31"),
    ({"phone": "12345"}, "Enter a Malaysian phone number"), ({"consent": ""}, "Tick the box to give your consent."),
    ({"bank": "BSN0601"}, "This bank is offline now"), ({"email": "payroll"}, "Enter a valid email address"),
    ({"model": "02", "limit": "1.50"}, "between RM 2.00 and RM 1,000,000.00")])
def test_the_enrolment_form_refuses_at_the_field_and_saves_nothing(client, gateway, change, message):
    response = post(client, "/payment/direct-debit/socso/mandate/new", {**VALID, **change})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert Mandate.select().count() == 0


def test_enrol_goes_to_the_bank_and_the_answer_comes_back_to_the_mandate(app, client, gateway):
    response = post(client, "/payment/direct-debit/socso/mandate/new", VALID)
    go = client.get(response.headers["Location"])
    page = go.get_data(as_text=True)
    assert 'id="fpx-ar"' in page and 'action="https://fpx.example/_sim/mandate/enrol"' in page
    assert "form-action 'self' https://fpx.example" in go.headers["Content-Security-Policy"]
    assert 'name="fpx_maxAmount" value="5000.00"' in page and 'name="fpx_msgType" value="AD"' in page
    mandate = Mandate.get()
    back = app.test_client().post("/fpx/indirect-ac", data=authorisation_ac(gateway.exchange, mandate, "00"))
    assert back.status_code == 303 and back.headers["Location"] == f"/payment/direct-debit/mandate/{mandate.order_no}"
    shown = client.get(back.headers["Location"]).get_data(as_text=True)
    assert "Awaiting bank approval" in shown and "next business day" in shown
    assert client.get(response.headers["Location"]).status_code == 303  # answered: not sent twice
    again = post(client, "/payment/direct-debit/socso/mandate/new", VALID)
    assert again.status_code == 422 and "enrolled once only" in again.get_data(as_text=True)
    direct = app.test_client().post("/fpx/direct-ac", data=notice(gateway.exchange, Mandate.get_by_id(mandate.id)))
    assert (direct.status_code, direct.get_data(as_text=True)) == (200, "OK")
    listing = client.get("/payment/direct-debit/socso/mandate").get_data(as_text=True)
    assert 'data-status="approved"' in listing and "TERMINATE" in listing


def test_an_unverifiable_mandate_notice_is_refused_and_kept(app):
    response = app.test_client().post("/fpx/direct-ac", data={"fpx_msgType": "MA", "fpx_mandateId": "1",
                                                              "fpx_sellerExOrderNo": "MD000000000001",
                                                              "fpx_checkSum": "00"})
    assert (response.status_code, response.get_data(as_text=True)) == (400, "ERROR")
    with database.connection_context():
        stored = MandateMessage.get()
    assert (stored.kind, stored.verdict) == ("AC-direct", "certificate")  # FPX is not configured here


def test_proceed_refuses_at_the_mandate_list_then_initiates(client, gateway):
    mandate = approved_mandate(client, gateway, limit="100.00")
    employer, user = the_employer(), User.get()
    acr = bill(employer, user, date(2026, 1, 1), "ACR", 100_01)
    post(client, "/payment/direct-debit/socso/cart/add", {"item": acr.number})
    page = client.get("/payment/direct-debit/socso/pay").get_data(as_text=True)
    assert f'value="{mandate.order_no}" id="mandate-{mandate.order_no}" checked' in page  # the only one: chosen
    refused = post(client, "/payment/direct-debit/socso/pay", {"mandate": mandate.order_no})
    assert refused.status_code == 422
    assert "above this mandate&#39;s limit per transaction of RM 100.00" in refused.get_data(as_text=True)
    assert PaymentAttempt.select().count() == 0 and gateway.sent == []
    assert post(client, "/payment/direct-debit/socso/pay", {"mandate": "MD999999999999"}).status_code == 422
    post(client, "/payment/direct-debit/socso/cart/remove", {"item": acr.number})
    small = bill(employer, user, date(2026, 2, 1), "ACR", 99_00)
    post(client, "/payment/direct-debit/socso/cart/add", {"item": small.number})
    done = post(client, "/payment/direct-debit/socso/pay", {"mandate": mandate.order_no})
    assert done.status_code == 303 and "/payment/direct-debit/debits/DD" in done.headers["Location"]
    status = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Payment has been successfully initiated." in status and "RECEIPT (PDF)" in status
    history = client.get("/payment/history/").get_data(as_text=True)
    assert "Successful" in history and "Direct Debit" in history and "RM 99.00" in history


def test_someone_elses_mandate_and_debit_are_not_found_by_any_route(app, client, gateway):
    mandate = approved_mandate(client, gateway)
    employer, user = the_employer(), User.get()
    acr = bill(employer, user, date(2026, 1, 1), "ACR", 1000)
    post(client, "/payment/direct-debit/socso/cart/add", {"item": acr.number})
    debit = post(client, "/payment/direct-debit/socso/pay", {"mandate": mandate.order_no}).headers["Location"]
    intruder = app.test_client()
    login(intruder, make_user("b@example.com").email, PASSWORD)
    batch = start_business(intruder, registration_number="202101000456", name="Employer B")
    add_local(intruder, batch, id_number="880101145671", name="Worker of B", gender="M")
    add_document(intruder, batch)
    post(intruder, f"/registration/{batch}/confirm", {})
    token = csrf_token(intruder, "/employer/dashboard")
    order = mandate.order_no
    urls = [f"/payment/direct-debit/mandate/{order}", f"/payment/direct-debit/mandate/{order}/go",
            f"/payment/direct-debit/mandate/{order}/check", f"/payment/direct-debit/mandate/{order}/cancel",
            f"/payment/direct-debit/mandate/{order}/terminate", debit, debit + "/check"]
    checked = 0
    for url in urls:
        for method in ("GET", "POST"):
            for headers in ({}, {"HX-Request": "true"}):
                response = intruder.open(url, method=method, data={"csrf_token": token}, headers=headers)
                if response.status_code == 405:
                    continue
                assert response.status_code == 404, (method, url, response.status_code)
                body = response.get_data(as_text=True)
                assert employer.name not in body and 'id="mandate-status"' not in body
                checked += 1
    assert checked >= 14 and Mandate.get_by_id(mandate.id).status == mandates.APPROVED
    refused = post(intruder, "/payment/direct-debit/socso/pay", {"mandate": order})
    assert refused.status_code in (303, 422) and PaymentAttempt.select().count() == 1


def test_a_clerk_reads_but_cannot_enrol_pay_or_terminate(app, client, gateway):
    mandate = approved_mandate(client, gateway)
    clerk = make_user("clerk@example.com")
    EmployerAccess.create(user=clerk, employer=the_employer(), role="clerk")
    browser = app.test_client()
    login(browser, clerk.email, PASSWORD)
    assert browser.get("/payment/direct-debit/socso/mandate").status_code == 200
    for url, data in (("/payment/direct-debit/socso/mandate/new", VALID),
                      (f"/payment/direct-debit/mandate/{mandate.order_no}/terminate", {}),
                      ("/payment/direct-debit/socso/pay", {"mandate": mandate.order_no}),
                      ("/payment/direct-debit/socso/cart/add", {"item": "x"})):
        assert post(browser, url, data).status_code == 403, url
    assert Mandate.select().count() == 1 and Mandate.get().status == mandates.APPROVED


def test_terminate_asks_for_confirmation_then_ends_the_mandate(client, gateway):
    mandate = approved_mandate(client, gateway)
    url = f"/payment/direct-debit/mandate/{mandate.order_no}/terminate"
    assert "CONFIRM TERMINATE" in client.get(url).get_data(as_text=True)
    assert Mandate.get_by_id(mandate.id).status == mandates.APPROVED  # a GET changes nothing
    done = post(client, url, {})
    assert done.status_code == 303
    assert "has been terminated" in client.get(done.headers["Location"]).get_data(as_text=True)
    assert gateway.terminations and Mandate.get_by_id(mandate.id).status == mandates.TERMINATED
    assert post(client, url, {}).status_code == 422  # not twice


def test_payment_history_pages_and_cards(client, gateway):
    employer, user = the_employer(), User.get()
    for n in range(12):
        PaymentAttempt.create(order_no=f"KT{n:012d}", employer=employer, user=user, channel="counter",
                              amount=1000 + n, email="x@example.com", status="succeeded" if n % 2 else "failed",
                              reference=f"CHQ{n}")
    first = client.get("/payment/history/").get_data(as_text=True)
    assert first.count('class="history-status"') == 10 and "PAGE 1 OF 2" in first and "Bank Counter" in first
    second = client.get("/payment/history/?page=2").get_data(as_text=True)
    assert second.count('class="history-status"') == 2
    assert "PAGE 1 OF 2" in client.get("/payment/history/?page=%D9%A3").get_data(as_text=True)  # not ASCII digits
    client.get("/language/ms")
    assert "Kaunter Bank" in client.get("/payment/history/").get_data(as_text=True)


def test_the_demo_seed_has_an_approved_socso_mandate_for_the_simulator_too(runner, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "a demo password for tests")
    for _ in range(2):
        assert runner.invoke(args=["seed-demo"]).exit_code == 0
    [mandate] = Mandate.select()
    assert (mandate.scheme, mandate.status, mandate.limit_sen, mandate.bank_id) == ("socso", "approved", 500_000,
                                                                                   "TEST0021")
    printed = runner.invoke(args=["demo-mandates"])
    [line] = printed.output.splitlines()
    entry = json.loads(line)
    assert entry["id"] == mandate.mandate_id and entry["terms"]["max_amount_sen"] == 500_000
    assert entry["seller_ex_order_no"] == mandate.order_no


def test_enroll_new_is_offered_only_without_a_live_mandate_and_a_terminated_one_cannot_be_chosen(client, gateway):
    mandate = approved_mandate(client, gateway)
    listing = client.get("/payment/direct-debit/socso/mandate").get_data(as_text=True)
    assert 'id="one-live"' in listing and ">ENROLL NEW<" not in listing
    post(client, f"/payment/direct-debit/mandate/{mandate.order_no}/terminate", {})
    listing = client.get("/payment/direct-debit/socso/mandate").get_data(as_text=True)
    assert ">ENROLL NEW<" in listing and 'id="one-live"' not in listing
    acr = bill(the_employer(), User.get(), date(2026, 1, 1), "ACR", 10_00)
    post(client, "/payment/direct-debit/socso/cart/add", {"item": acr.number})
    page = client.get("/payment/direct-debit/socso/pay").get_data(as_text=True)
    assert f'value="{mandate.order_no}"' not in page and 'id="no-mandate"' in page
