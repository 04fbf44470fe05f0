"""QRG 5 / QRG 7 in Chromium on a 360 px phone, by the labels: paying through the simulated FPX exchange (its
own process, reached as `localhost`, another site than the portal) and its bank page.

- an ACR and an ECR by B2C, then the receipt (page and PDF);
- B2B1: the authoriser approves later, the portal learns it by reconciliation;
- declined (insufficient funds), then paid with another bank;
- a late month: a New FCLB Notice Generated, which is then paid like an ACR/ECR.
Every page of the portal on the way is measured (tests/e2e/phone.py).
"""

import io
import re
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from peewee import SqliteDatabase
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.phone import PHONE_360, assert_fits
from tests.e2e.test_portal_id_journey import DEMO_PASSWORD, log_in
from tests.factories import bill
from webapp.db import SQLITE_PRAGMAS
from webapp.models import ALL_MODELS, Employer, User
from webapp.payment_models import CartItem

_months = {"next": 0}


def new_bills(live_server, *specs, late: bool = False) -> list[str]:
    """Unpaid ACR/ECRs of the demo employer for a month of their own (years ago when `late`, else the
    current year's January, due the next February: both are overdue today, so months are chosen apart)."""
    _months["next"] += 1
    month = date(2016 + _months["next"] // 12, _months["next"] % 12 + 1, 1)
    db = SqliteDatabase(live_server.env["DATABASE_URL"].removeprefix("sqlite:///"), pragmas=SQLITE_PRAGMAS,
                        timeout=10)
    with db.bind_ctx(ALL_MODELS), db.connection_context():
        user = User.get(User.email == "employer@demo.assist.test")
        employer = Employer.get(Employer.registration_number == "201901000005")
        CartItem.delete().where(CartItem.user == user).execute()
        return [bill(employer, user, month, kind, amount).number for kind, amount in specs]


@pytest.fixture
def phone(browser, base_url, tmp_path, fpx_sim):
    fpx_sim.reset()
    context = browser.new_context(base_url=base_url, **PHONE_360)
    page = context.new_page()
    page.fits = lambda what: assert_fits(page, what, tmp_path / f"{re.sub(r'[^a-z0-9]+', '-', what.lower())}.png")
    log_in(page, "employer@demo.assist.test", DEMO_PASSWORD)
    yield page
    context.close()


def to_the_bank(page, numbers: list[str], bank: str, model: str = "Personal to Corporate (B2C)") -> None:
    """PAYMENT: tick, ADD TO CART, PROCEED TO SUMMARY, CONTINUE; FPX Payment: model, bank, PROCEED."""
    page.get_by_role("navigation", name="MY SITES").get_by_role("link", name="PAYMENT", exact=True).click()
    page.wait_for_url(re.compile(r"/payment/$"))
    expect(page.get_by_role("heading", name="Payment Information")).to_be_visible()
    page.fits("PAYMENT")
    for number in numbers:
        page.get_by_label(f"Select {number}").check()
    page.get_by_role("button", name="ADD TO CART").click()
    expect(page.locator("#cart-count")).to_have_text(str(len(numbers)))
    expect(page.locator("#cart-badge .count")).to_have_text(str(len(numbers)))  # the header follows (HX-Trigger)
    page.fits("PAYMENT, added to the cart")
    page.get_by_role("link", name="PROCEED TO SUMMARY").click()
    expect(page.get_by_role("heading", name="Payment Cart")).to_be_visible()
    page.fits("Payment Cart")
    page.get_by_role("link", name="CONTINUE").click()
    expect(page.get_by_role("heading", name="FPX Payment")).to_be_visible()
    page.get_by_label(model).check()
    limits = "RM 2.00 and RM 1,000,000.00" if "B2B1" in model else "RM 1.00 and RM 30,000.00"
    expect(page.locator("#banks")).to_contain_text(limits)  # the model's bank list has arrived (htmx)
    page.get_by_label("Bank List").select_option(label=bank)
    page.fits("FPX Payment")
    page.get_by_role("button", name="PROCEED").click()
    page.wait_for_url(re.compile(r"localhost:\d+/FPXMain/bank/"))


def press(page, outcome: str) -> None:
    """The simulated bank's page: the button of an outcome, then back to the portal (the indirect AC)."""
    page.get_by_role("button", name=re.compile(rf"^{outcome}")).click()
    page.wait_for_url(re.compile(r"127\.0\.0\.1:\d+/payment/fpx/AS\d+$"))
    expect(page.get_by_role("heading", name="Payment Status")).to_be_visible()


def pdf_text(download) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(Path(download.path()).read_bytes())).pages)


def test_pay_an_acr_and_an_ecr_by_b2c_and_get_the_receipt(phone, live_server, smtp):
    page = phone
    acr, ecr = new_bills(live_server, ("ACR", 43_900), ("ECR", 7_800))
    to_the_bank(page, [acr, ecr], "SBI Bank A")
    expect(page.get_by_text("RM 517.00")).to_be_visible()
    press(page, "Approve")
    expect(page.locator("#txn-status")).to_have_text("SUCCESSFUL")  # the session cookie came back (Lax GET)
    expect(page.locator("#outcome")).to_have_text("Transaction is Successful!")
    for label in ("FPX Transaction ID", "Date & Time", "Seller Order No.", "Buyer Bank", "Transaction Amount (RM)",
                  "Transaction Code"):
        expect(page.get_by_text(label, exact=True)).to_be_visible()
    page.fits("Payment Status, successful")
    expect(page.locator("#cart-badge .count")).to_have_text("0")
    page.get_by_role("link", name="RECEIPT", exact=True).click()
    expect(page.get_by_role("heading", name="Receipt Generated")).to_be_visible()
    expect(page.get_by_role("heading", name="New FCLB Notice Generated")).to_be_visible()  # 2016: late
    page.fits("Receipt Generated")
    receipt = page.locator("#receipt-no").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="RECEIPT (PDF)").click()
    text = pdf_text(download.value)
    assert receipt in text and acr in text and ecr in text and "517.00" in text
    page.get_by_role("link", name="END").click()
    expect(page.get_by_text("Transaction is Successful!")).to_be_visible()
    page.fits("END")
    page.get_by_role("link", name="PAYMENT", exact=True).first.click()
    expect(page.get_by_label(f"Select {acr}")).to_have_count(0)  # paid: gone from PAYMENT


def test_b2b1_awaits_the_authoriser_and_is_approved_after_reconciliation(phone, live_server, fpx_sim, browser):
    page = phone
    [acr] = new_bills(live_server, ("ACR", 123_400))
    to_the_bank(page, [acr], "SBI Bank A", model="Corporate to Corporate (B2B1)")
    press(page, "Submit to authoriser")
    expect(page.locator("#txn-status")).to_have_text("AWAITING BANK APPROVAL")
    page.fits("Payment Status, awaiting bank approval")
    order = page.locator("#order-no").inner_text()
    page.get_by_role("navigation", name="MY SITES").get_by_role("link", name="PAYMENT", exact=True).click()
    expect(page.get_by_role("row", name=re.compile(acr))).to_contain_text("Awaiting bank approval")
    expect(page.get_by_label(f"Select {acr}")).to_have_count(0)  # cannot be paid twice
    page.fits("PAYMENT, awaiting bank approval")

    fpx_sim.scenario(rules=[{"match": {"seller_ex_order_no": order}, "direct_ac": {"drop": True}}])
    bank = browser.new_context(**PHONE_360).new_page()  # the company's authoriser, at the bank, later
    bank.goto(f"http://localhost:{fpx_sim.port}/")
    bank.get_by_role("link", name="Authorise or settle").first.click()
    bank.get_by_role("button", name="Approve (00)").click()
    bank.context.close()
    page.goto(f"/payment/fpx/{order}")
    expect(page.locator("#txn-status")).to_have_text("AWAITING BANK APPROVAL")  # its direct AC was lost
    live_server.flask("reconcile-payments", "--all")
    page.reload()
    expect(page.locator("#txn-status")).to_have_text("SUCCESSFUL")
    page.get_by_role("link", name="RECEIPT", exact=True).click()
    expect(page.get_by_role("heading", name="Receipt Generated")).to_be_visible()


def test_declined_then_paid(phone, live_server):
    page = phone
    [acr] = new_bills(live_server, ("ACR", 88_800))
    to_the_bank(page, [acr], "SBI Bank A")
    press(page, "Insufficient funds")
    expect(page.locator("#txn-status")).to_have_text("UNSUCCESSFUL")
    expect(page.locator("#outcome")).to_contain_text("insufficient funds")
    page.fits("Payment Status, declined")
    page.goto(f"/language/ms?next={urlsplit(page.url).path}")
    expect(page.locator("#outcome")).to_contain_text("baki")  # why, in the payer's language
    page.goto("/language/en?next=/payment/summary")
    expect(page.get_by_role("cell", name=acr, exact=True)).to_be_visible()  # left in the cart to try again
    page.get_by_role("link", name="CONTINUE").click()
    page.get_by_label("Bank List").select_option(label="SBI Bank A")
    page.get_by_role("button", name="PROCEED").click()
    press(page, "Approve")
    expect(page.locator("#txn-status")).to_have_text("SUCCESSFUL")


def test_a_late_payment_produces_an_fclb_notice_that_is_then_paid(phone, live_server):
    page = phone
    [ecr] = new_bills(live_server, ("ECR", 250_000))
    to_the_bank(page, [ecr], "SBI Bank A")
    press(page, "Approve")
    page.get_by_role("link", name="RECEIPT", exact=True).click()
    expect(page.get_by_role("heading", name="New FCLB Notice Generated")).to_be_visible()
    notice = page.locator(".notice-id").first.inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="NOTICE (PDF)").first.click()
    assert notice in pdf_text(download.value)
    page.get_by_role("link", name="END").click()
    expect(page.get_by_text("Transaction is Successful!")).to_be_visible()
    to_the_bank(page, [notice], "SBI Bank A")
    press(page, "Approve")
    expect(page.locator("#txn-status")).to_have_text("SUCCESSFUL")
    page.get_by_role("link", name="RECEIPT", exact=True).click()
    expect(page.get_by_role("heading", name="Receipt Generated")).to_be_visible()
    expect(page.get_by_role("heading", name="New FCLB Notice Generated")).to_have_count(0)  # no notice of a notice
