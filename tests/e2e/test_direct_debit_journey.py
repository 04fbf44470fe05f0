"""QRG 7 (Direct Debit) in Chromium on a 360 px phone, by the labels, through the simulated exchange (its own
process, reached as `localhost`): a mandate enrolled (the RM 1.00 authorised on its bank page), approved on the
next business day (the exchange's clock moved), a debit initiated and confirmed (receipt), a debit above the
limit refused, the mandate terminated. Every portal page on the way is measured (tests/e2e/phone.py)."""

import re
import time

import pytest
from peewee import SqliteDatabase
from playwright.sync_api import expect

from core import mandates
from tests.e2e.phone import PHONE_360, assert_fits
from tests.e2e.test_payment_journeys import new_bills, pdf_text
from tests.e2e.test_portal_id_journey import DEMO_PASSWORD, log_in
from webapp.db import SQLITE_PRAGMAS
from webapp.mandate_models import Mandate
from webapp.models import ALL_MODELS, Employer


def no_live_eis_mandate(live_server) -> None:
    """The journey enrols the demo employer's EIS mandate: none may be live from an earlier run."""
    db = SqliteDatabase(live_server.env["DATABASE_URL"].removeprefix("sqlite:///"), pragmas=SQLITE_PRAGMAS,
                        timeout=10)
    with db.bind_ctx(ALL_MODELS), db.connection_context():
        employer = Employer.get(Employer.registration_number == "201901000005")
        Mandate.update(status=mandates.TERMINATED).where(
            (Mandate.employer == employer) & (Mandate.scheme == mandates.EIS) & Mandate.status.in_(mandates.LIVE)
        ).execute()


@pytest.fixture
def phone(browser, base_url, tmp_path, fpx_sim, live_server):
    fpx_sim.reset()
    no_live_eis_mandate(live_server)
    context = browser.new_context(base_url=base_url, **PHONE_360)
    page = context.new_page()
    page.fits = lambda what: assert_fits(page, what, tmp_path / f"{re.sub(r'[^a-z0-9]+', '-', what.lower())}.png")
    log_in(page, "employer@demo.assist.test", DEMO_PASSWORD)
    yield page
    context.close()
    fpx_sim.reset()  # the exchange's clock back to today for the other journeys


def to_eis(page, which: str) -> None:
    """PAYMENT, Direct Debit, EIS, then Mandate or Payment."""
    page.get_by_role("navigation", name="MY SITES").get_by_role("link", name="PAYMENT", exact=True).click()
    page.get_by_role("link", name="Direct Debit").click()
    expect(page.get_by_role("heading", name="Direct Debit")).to_be_visible()
    page.fits("Direct Debit")
    page.get_by_role("link", name="EIS", exact=True).click()
    page.fits("Direct Debit, EIS")
    page.get_by_role("link", name=which, exact=True).click()


def pay(page, numbers: list[str]) -> None:
    """Payment: tick, ADD TO CART, PROCEED TO SUMMARY, CONTINUE, the Mandate List, PROCEED."""
    to_eis(page, "Payment")
    for number in numbers:
        page.get_by_label(f"Select {number}").check()
    page.get_by_role("button", name="ADD TO CART").click()
    expect(page.locator("#cart-count")).to_have_text(str(len(numbers)))
    page.fits("Direct Debit payment, added to the cart")
    page.get_by_role("link", name="PROCEED TO SUMMARY").click()
    expect(page.get_by_role("heading", name="Payment Cart")).to_be_visible()
    page.fits("Direct Debit, Payment Cart")
    page.get_by_role("link", name="CONTINUE").click()
    page.locator("input[name=mandate]").first.check()
    page.fits("Direct Debit, Mandate List")
    page.get_by_role("button", name="PROCEED").click()


def test_enrol_approve_debit_refuse_above_the_limit_and_terminate(phone, live_server, fpx_sim):
    page = phone
    to_eis(page, "Mandate")
    expect(page.get_by_role("heading", name="Mandate List")).to_be_visible()
    page.get_by_role("link", name="ENROLL NEW").click()
    expect(page.get_by_text("The mandate is enrolled once only.")).to_be_visible()
    page.get_by_label("Personal to Corporate (B2C)").check()
    page.get_by_label("Bank List").select_option(label="SBI Bank A")
    page.get_by_label("Limit Per Transaction (RM)").fill("500.00")
    page.get_by_label("Max Frequency Per Month").fill("2")
    page.get_by_label("Phone No").fill("012-345 6789")
    page.get_by_label("Email Address").fill("payroll@demo.assist.test")
    page.get_by_label(re.compile("I authorise PERKESO")).check()
    page.fits("ENROLL NEW")
    page.get_by_role("button", name="PROCEED").click()
    page.wait_for_url(re.compile(r"localhost:\d+/FPXMain/bank/"))
    expect(page.get_by_text("RM 1.00")).to_be_visible()
    page.get_by_role("button", name="Approve (00)").click()
    page.wait_for_url(re.compile(r"127\.0\.0\.1:\d+/payment/direct-debit/mandate/MD\d+$"))
    expect(page.locator("#mandate-status")).to_have_text("Awaiting bank approval")
    expect(page.locator("#outcome")).to_contain_text("next business day")
    page.fits("Mandate, awaiting bank approval")

    fpx_sim.control("clock", {"advance_s": 3 * 86400})  # the exchange's next business day: the bank approves
    deadline = time.monotonic() + 20
    while page.locator("#mandate-status").inner_text() != "Approved" and time.monotonic() < deadline:
        time.sleep(0.2)
        page.reload()
    expect(page.locator("#mandate-status")).to_have_text("Approved")
    page.fits("Mandate, approved")

    [ecr] = new_bills(live_server, ("ECR", 45_600))
    pay(page, [ecr])
    expect(page.get_by_text("Payment has been successfully initiated.")).to_be_visible()
    expect(page.locator("#txn-status")).to_have_text("Successful")  # the bank confirmed
    page.fits("Direct Debit, Payment Status")
    with page.expect_download() as download:
        page.locator("#receipt-link").click()
    text = pdf_text(download.value)
    assert ecr in text and "456.00" in text and "Direct Debit" in text
    page.get_by_role("link", name="Payment History", exact=True).click()
    expect(page.get_by_role("heading", name="PAYMENT HISTORY")).to_be_visible()
    expect(page.locator("#payment-history tbody tr").first).to_contain_text("Successful")
    page.fits("PAYMENT HISTORY")

    [big] = new_bills(live_server, ("ECR", 50_001))
    pay(page, [big])
    expect(page.locator("#mandate-error")).to_contain_text("above this mandate's limit per transaction of RM 500.00")
    page.fits("Direct Debit, refused above the limit")
    assert not [m for m in fpx_sim.log_messages(kind="DR") if m["fields"].get("fpx_txnAmount") == "500.01"]

    to_eis(page, "Mandate")
    page.get_by_role("link", name=re.compile(r"^Terminate MD")).first.click()
    page.fits("TERMINATE")
    page.get_by_role("button", name="CONFIRM TERMINATE").click()
    expect(page.get_by_text("The mandate has been terminated.")).to_be_visible()
    expect(page.locator(".mandate-status").first).to_have_text("Terminated")
    page.fits("Mandate List, terminated")
