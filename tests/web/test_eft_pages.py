"""EFT (QRG 6) and the officers' payments desk over HTTP, CSRF on: the employer's pages by the QRG's steps and
labels, wrong input answered at its field (422, nothing saved), another employer's payment not found, the
officer's queue, VERIFY and REJECT, the search, the slip download and the day's collections as CSV."""

import csv
import io
import re
from datetime import UTC, date, datetime

import pytest

from tests.conftest import PASSWORD, app_config, make_user
from tests.documents import PDF, image, pdf
from tests.factories import bill, registered_employer
from tests.support import CSRF_META, login
from webapp import create_app
from webapp.clock import malaysia_today
from webapp.db import database, locked
from webapp.eft_models import EftPayment
from webapp.models import Acknowledgement, AuditEvent, EmployerAccess, Outbox
from webapp.payment_models import PaymentAttempt
from webapp.services import cart, payments, settlement

MARCH = date(2026, 3, 1)
PDF_SLIP = pdf(2)


def token(client, path="/help") -> str:
    return CSRF_META.search(client.get(path).get_data(as_text=True)).group(1)


def post(client, path, data, **kwargs):
    return client.post(path, data={"csrf_token": token(client), **data}, **kwargs)


@pytest.fixture
def shop(app, client, employer):
    """The employer logged in, with a registered employer and an unpaid ACR and ECR."""
    with database.connection_context():
        company, _ = registered_employer(employer)
        acr, ecr = bill(company, employer, MARCH, "ACR", 43_900), bill(company, employer, MARCH, "ECR", 7_800)
    login(client, employer.email, PASSWORD)
    return company, acr, ecr


@pytest.fixture
def officer_client(app, officer):
    other = app.test_client()
    login(other, officer.email, PASSWORD)
    return other


def submit_eft(client, acr, reference="MBB 7001", slip=None):
    """Registration, ADD TO CART, PROCEED TO PAYMENT, CONTINUE, CONTINUE: the order number."""
    post(client, "/payment/eft/socso/registration", {"email": "finance@example.com", "contact_no": "0123456789",
                                                     "officer_name": "Siti Aminah"})
    post(client, "/payment/eft/socso/cart/add", {"item": acr.number})
    sent = post(client, "/payment/eft/socso/pay", {
        "payment_date": malaysia_today().isoformat(), "reference": reference, "amount": "439.00",
        "slip": (io.BytesIO(slip or image("PNG", (70, 33))), "slip.pdf" if slip else "slip.png")},
        content_type="multipart/form-data")
    assert sent.status_code == 303, sent.get_data(as_text=True)
    return confirm(client).headers["Location"].rsplit("/", 1)[1]


def confirm(client, scheme="socso"):
    """The second CONTINUE, as the confirmation page's form sends it."""
    page = client.get(f"/payment/eft/{scheme}/confirm").get_data(as_text=True)
    draft = re.search(r'name="draft" value="(\d+)"', page).group(1)
    return post(client, f"/payment/eft/{scheme}/confirm", {"draft": draft})


def test_the_employer_registers_then_pays_by_the_qrg_steps(client, shop):
    _, acr, ecr = shop
    assert "ELECTRONIC FUND TRANSFER" in client.get("/payment/").get_data(as_text=True)
    landing = client.get("/payment/eft/").get_data(as_text=True)
    assert "Registration" in landing and "/payment/eft/socso/payment" not in landing  # not registered yet
    assert client.get("/payment/eft/socso/payment").headers["Location"].endswith("/payment/eft/socso/registration")

    wrong = post(client, "/payment/eft/socso/registration", {"email": "finance@example.com", "contact_no": "12",
                                                              "officer_name": "Siti Aminah"})
    assert wrong.status_code == 422 and "Enter a Malaysian phone number" in wrong.get_data(as_text=True)
    done = post(client, "/payment/eft/socso/registration", {"email": "finance@example.com",
                                                             "contact_no": "012-345 6789", "officer_name": "Siti"})
    assert done.headers["Location"].endswith("/payment/eft/socso/payment")
    again = post(client, "/payment/eft/socso/registration", {"email": "x@example.com", "contact_no": "0123456789",
                                                              "officer_name": "X"}, follow_redirects=True)
    assert "SOCSO EFT is registered already" in again.get_data(as_text=True)

    listed = client.get("/payment/eft/socso/payment").get_data(as_text=True)
    assert acr.number in listed and ecr.number not in listed and "SEARCH" in listed
    assert acr.number not in client.get(f"/payment/eft/socso/payment?q={ecr.number}").get_data(as_text=True)
    assert acr.number in client.get(f"/payment/eft/socso/payment?q={acr.number[-6:]}").get_data(as_text=True)
    added = post(client, "/payment/eft/socso/cart/add", {"item": acr.number}, headers={"HX-Request": "true"})
    assert added.headers["HX-Trigger"] == "cart-changed" and "PROCEED TO PAYMENT" in added.get_data(as_text=True)
    magnifier = client.get(f"/payment/eft/socso/items/{acr.number}").get_data(as_text=True)
    assert 'href="/payment/eft/socso/payment"' in magnifier  # BACK returns to the EFT list

    form = client.get("/payment/eft/socso/pay").get_data(as_text=True)
    for label in ("Payment Date", "Payment Reference No.", "Amount (RM)", "Payment Slip", "CONTINUE"):
        assert label in form
    fields = {"payment_date": malaysia_today().isoformat(), "reference": "MBB 7001", "amount": "439.00"}
    for bad, field, message in (({"amount": "438.99"}, "amount", "must be the total of the payment cart, RM 439.00"),
                                ({"amount": "١٢"}, "amount", "Enter an amount in ringgit"),
                                ({"payment_date": "2026-02-30"}, "payment_date", "Enter a date"),
                                ({"reference": "<script>"}, "reference", "3 to 30 letters")):
        refused = post(client, "/payment/eft/socso/pay", {**fields, **bad, "slip": (io.BytesIO(PDF), "slip.pdf")},
                       content_type="multipart/form-data")
        assert refused.status_code == 422 and message in refused.get_data(as_text=True), (field, bad)
    not_a_slip = post(client, "/payment/eft/socso/pay", {**fields, "slip": (io.BytesIO(b"MZ\x90\x00"), "slip.pdf")},
                      content_type="multipart/form-data")
    assert not_a_slip.status_code == 422 and 'id="slip-error"' in not_a_slip.get_data(as_text=True)
    with database.connection_context():
        assert PaymentAttempt.select().count() == 0

    sent = post(client, "/payment/eft/socso/pay", {**fields, "slip": (io.BytesIO(PDF), "slip.pdf")},
                content_type="multipart/form-data")
    assert sent.headers["Location"].endswith("/payment/eft/socso/confirm")
    check = client.get("/payment/eft/socso/confirm").get_data(as_text=True)
    assert "MBB 7001" in check and "RM 439.00" in check and "slip.pdf" in check
    done = confirm(client)
    order = done.headers["Location"].rsplit("/", 1)[1]
    assert order.startswith("EF")
    screen = client.get(f"/payment/eft/{order}").get_data(as_text=True)
    assert "The payment receipt will be emailed separately once the payment is verified." in screen
    assert client.get("/payment/eft/socso/confirm").headers["Location"].endswith("/payment/eft/socso/pay")
    with database.connection_context():
        assert EftPayment.get().status == "submitted" and PaymentAttempt.get().status == "pending"


def test_a_mixed_cart_is_shown_with_the_other_schemes_items_to_remove(client, shop):
    _, acr, ecr = shop
    post(client, "/payment/eft/socso/registration", {"email": "f@example.com", "contact_no": "0123456789",
                                                     "officer_name": "Siti"})
    post(client, "/payment/eft/socso/cart/add", {"item": acr.number})
    post(client, "/payment/eft/eis/cart/add", {"item": ecr.number})
    page = client.get("/payment/eft/socso/pay").get_data(as_text=True)
    assert "mixes SOCSO (ACR) and EIS (ECR)" in page and 'name="payment_date"' not in page
    post(client, "/payment/eft/socso/cart/remove", {"item": ecr.number, "back": "pay"})
    assert 'name="payment_date"' in client.get("/payment/eft/socso/pay").get_data(as_text=True)


def test_officers_verify_on_the_desk_and_an_employer_never_reaches_it(app, client, shop, officer_client):
    _, acr, _ = shop
    order = submit_eft(client, acr, slip=PDF_SLIP)
    for path in ("/officer/payments/", "/officer/payments/eft/", f"/officer/payments/{order}"):
        assert client.get(path).status_code == 403
    desk = officer_client.get("/officer/payments/").get_data(as_text=True)
    assert re.search(r'id="queue-eft">1<', desk)
    assert order in officer_client.get("/officer/payments/eft/").get_data(as_text=True)
    page = officer_client.get(f"/officer/payments/{order}").get_data(as_text=True)
    assert "MBB 7001" in page and "VERIFY" in page and "REJECT" in page
    slip_link = re.search(rf'href="(/officer/payments/{order}/documents/\d+)"', page).group(1)
    slip = officer_client.get(slip_link)
    assert slip.headers["Content-Disposition"].startswith("attachment") and slip.headers["X-Content-Type-Options"]
    assert slip.get_data() == PDF_SLIP
    slip.close()
    assert officer_client.get(f"/officer/payments/{order}/documents/999999").status_code == 404
    assert client.get(slip_link).status_code == 403

    wrong = post(officer_client, f"/officer/payments/eft/{order}/verify",
                 {"verify-statement_amount": "400.00", "verify-statement_reference": "MBB 7001"})
    assert wrong.status_code == 422 and "The bank statement shows RM 400.00" in wrong.get_data(as_text=True)
    done = post(officer_client, f"/officer/payments/eft/{order}/verify",
                {"verify-statement_amount": "439.00", "verify-statement_reference": "MBB7001"},
                follow_redirects=True)
    assert "Verified. The receipt was emailed to the employer." in done.get_data(as_text=True)
    again = post(officer_client, f"/officer/payments/eft/{order}/verify",
                 {"verify-statement_amount": "439.00", "verify-statement_reference": "MBB7001"}, follow_redirects=True)
    assert "verified already" in again.get_data(as_text=True)
    with database.connection_context():
        assert Acknowledgement.get_by_id(acr.id).status == "paid"
        assert Outbox.select().where(Outbox.to_addr == "finance@example.com").count() == 1
    screen = client.get(f"/payment/eft/{order}").get_data(as_text=True)
    assert "Verified: receipt emailed" in screen and "RECEIPT (PDF)" in screen


def test_a_rejection_needs_a_reason_and_frees_the_items(client, shop, officer_client):
    _, acr, _ = shop
    order = submit_eft(client, acr)
    empty = post(officer_client, f"/officer/payments/eft/{order}/reject", {"reject-reason": "no"})
    assert empty.status_code == 422 and "Give the reason" in empty.get_data(as_text=True)
    post(officer_client, f"/officer/payments/eft/{order}/reject", {"reject-reason": "Not on the bank statement",
                                                                   "reject-statement_amount": ""})
    screen = client.get(f"/payment/eft/{order}").get_data(as_text=True)
    assert "Not on the bank statement" in screen and "Rejected" in screen
    assert f'value="{acr.number}"' in client.get("/payment/eft/socso/payment").get_data(as_text=True)


def test_another_employers_eft_payment_is_not_found(app, client, shop):
    _, acr, _ = shop
    order = submit_eft(client, acr)
    stranger = make_user("stranger@example.com")
    with database.connection_context():
        registered_employer(stranger, "OTHER SDN BHD", "201901000006", code="E9000000002P")
    other = app.test_client()
    login(other, stranger.email, PASSWORD)
    assert other.get(f"/payment/eft/{order}").status_code == 404
    assert other.get(f"/payment/eft/socso/items/{acr.number}").status_code == 404


def test_a_clerk_cannot_submit_an_eft_payment(app, client, shop):
    company, acr, _ = shop
    clerk = make_user("clerk@example.com")
    with database.connection_context():
        EmployerAccess.create(user=clerk, employer=company, role="clerk")
    other = app.test_client()
    login(other, clerk.email, PASSWORD)
    assert other.get("/payment/eft/").status_code == 200
    refused = post(other, "/payment/eft/socso/registration", {"email": "f@example.com", "contact_no": "0123456789",
                                                              "officer_name": "Siti"})
    assert refused.status_code == 403


def test_the_desk_finds_payments_by_every_key_and_downloads_the_days_collections(app, client, shop, officer,
                                                                                 officer_client):
    company, acr, ecr = shop
    order = submit_eft(client, acr)
    with database.connection_context():
        user = EmployerAccess.get(EmployerAccess.employer == company).user
        cart.remove(user, company, acr.number)  # held by the EFT
        cart.add(user, company, [ecr.number])
        now = datetime.now(UTC).replace(tzinfo=None)
        counter = payments.hold_cart(user, company, channel="counter", email="c@example.com", now=now,
                                     reference="=HYPERLINK(\"http://evil\")")
        with locked():
            settlement.settle(counter, now, actor=officer)
        receipt = counter.receipts.get().number
    for query in (order, acr.number, ecr.number, company.code, receipt, "MBB 7001"):
        page = officer_client.get("/officer/payments/find", query_string={"q": query}).get_data(as_text=True)
        found = page.split('id="results"')[1]
        assert (order in found) == (query in (order, acr.number, company.code, "MBB 7001")), query
        assert (counter.order_no in found) == (query in (ecr.number, company.code, receipt)), query
    by_day = officer_client.get("/officer/payments/find", query_string={"q": malaysia_today().isoformat()})
    assert order in by_day.get_data(as_text=True) and counter.order_no in by_day.get_data(as_text=True)
    assert officer_client.get("/officer/payments/find", query_string={"day": "2026-13-01"}).status_code == 422

    download = officer_client.get("/officer/payments/collections.csv",
                                  query_string={"day": malaysia_today().isoformat(), "channel": ""})
    assert download.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["channel", "order_no", "receipt", "employer_code", "amount", "reference", "paid_at"]
    assert [row[:6] for row in rows[1:]] == [["counter", counter.order_no, receipt, company.code, "78.00",
                                              "'=HYPERLINK(\"http://evil\")"]]  # the EFT is not verified yet
    only_eft = officer_client.get("/officer/payments/collections.csv",
                                  query_string={"day": malaysia_today().isoformat(), "channel": "eft"})
    assert len(list(csv.reader(io.StringIO(only_eft.get_data(as_text=True))))) == 1
    assert officer_client.get("/officer/payments/collections.csv", query_string={"day": "x"}).status_code == 303
    with database.connection_context():
        assert AuditEvent.select().where(AuditEvent.action == "payments.exported").count() == 2


def test_the_second_continue_submits_what_its_page_showed_not_another_tabs_details(client, shop):
    _, acr, _ = shop
    post(client, "/payment/eft/socso/registration", {"email": "f@example.com", "contact_no": "0123456789",
                                                     "officer_name": "Siti"})
    post(client, "/payment/eft/socso/cart/add", {"item": acr.number})

    def first_continue(reference):
        post(client, "/payment/eft/socso/pay", {
            "payment_date": malaysia_today().isoformat(), "reference": reference, "amount": "439.00",
            "slip": (io.BytesIO(image("PNG", (50 + len(reference), 20))), "slip.png")},
             content_type="multipart/form-data")
        page = client.get("/payment/eft/socso/confirm").get_data(as_text=True)
        return re.search(r'name="draft" value="(\d+)"', page).group(1)

    shown = first_continue("MBB 1")  # tab 1 shows MBB 1 ...
    first_continue("MBB 22")  # ... while tab 2 keys in MBB 22
    stale = post(client, "/payment/eft/socso/confirm", {"draft": shown}, follow_redirects=True)
    assert "changed in another tab" in stale.get_data(as_text=True) and "MBB 22" in stale.get_data(as_text=True)
    with database.connection_context():
        assert PaymentAttempt.select().count() == 0
    page = client.get("/payment/eft/socso/confirm").get_data(as_text=True)
    current = re.search(r'name="draft" value="(\d+)"', page).group(1)
    confirm(client)
    with database.connection_context():
        assert PaymentAttempt.get().reference == "MBB 22"
        order_no = PaymentAttempt.get().order_no
    late = post(client, "/payment/eft/socso/confirm", {"draft": current})  # the other tab's CONTINUE, after
    assert late.status_code == 303 and late.headers["Location"].endswith(order_no)
    assert f"submitted already ({order_no})" in client.get(late.headers["Location"]).get_data(as_text=True)


def test_above_the_threshold_the_desk_takes_two_officers(app, client, employer, officer, officer_client):
    with database.connection_context():
        company, _ = registered_employer(employer)
        big = bill(company, employer, MARCH, "ACR", 1_000_001)  # RM 10,000.01, above EFT_SECOND_OFFICER_ABOVE
    login(client, employer.email, PASSWORD)
    post(client, "/payment/eft/socso/registration", {"email": "f@example.com", "contact_no": "0123456789",
                                                     "officer_name": "Siti"})
    post(client, "/payment/eft/socso/cart/add", {"item": big.number})
    post(client, "/payment/eft/socso/pay", {
        "payment_date": malaysia_today().isoformat(), "reference": "MBB 9", "amount": "10,000.01",
        "slip": (io.BytesIO(PDF), "slip.pdf")}, content_type="multipart/form-data")
    order = confirm(client).headers["Location"].rsplit("/", 1)[1]
    statement = {"verify-statement_amount": "RM 10,000.01", "verify-statement_reference": "MBB 9"}
    page = officer_client.get(f"/officer/payments/{order}").get_data(as_text=True)
    assert "two different officers verify this payment" in page
    first = post(officer_client, f"/officer/payments/eft/{order}/verify", statement, follow_redirects=True)
    assert "First approval recorded" in first.get_data(as_text=True)
    same = post(officer_client, f"/officer/payments/eft/{order}/verify", statement, follow_redirects=True)
    assert "a second, different officer verifies it" in same.get_data(as_text=True)
    second = app.test_client()
    login(second, make_user("officer2@example.com", role="officer", name="Officer Two").email, PASSWORD)
    done = post(second, f"/officer/payments/eft/{order}/verify", statement, follow_redirects=True)
    assert "Verified. The receipt was emailed" in done.get_data(as_text=True)
    with database.connection_context():
        assert EftPayment.get().status == "verified" and Acknowledgement.get_by_id(big.id).status == "paid"


def test_a_threshold_that_is_not_an_amount_stops_the_portal_at_start(tmp_path, smtp):
    with pytest.raises(RuntimeError, match="EFT_SECOND_OFFICER_ABOVE"):
        create_app({**app_config(tmp_path, smtp.port), "EFT_SECOND_OFFICER_ABOVE": "ten thousand"})


def test_the_days_collections_without_a_channel_are_every_channels(officer_client):
    response = officer_client.get("/officer/payments/collections.csv?day=2026-04-10")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "collections-2026-04-10-all.csv" in response.headers["Content-Disposition"]
    assert officer_client.get("/officer/payments/collections.csv?day=x").status_code == 303  # said on the desk
