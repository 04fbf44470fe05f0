"""QRG 6 in Chromium on a 360 px phone, by the labels: the demo employer registers for EIS EFT, pays an ECR
with a slip (SEARCH, the magnifier, ADD TO CART, PROCEED TO PAYMENT, CONTINUE, CONTINUE); then, in the same
browser, a PERKESO officer verifies it on the payments desk, and the receipt arrives at the real SMTP server
(aiosmtpd) with its PDF. Every page on the way is measured (tests/e2e/phone.py)."""

import io
import re
import uuid

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.documents import image
from tests.e2e.phone import PHONE_360, assert_fits
from tests.e2e.test_accessibility import violations
from tests.e2e.test_payment_journeys import new_bills
from tests.e2e.test_portal_id_journey import DEMO_PASSWORD, log_in
from webapp.clock import malaysia_today


@pytest.fixture
def phone(browser, base_url, tmp_path):
    context = browser.new_context(base_url=base_url, **PHONE_360)
    page = context.new_page()

    def fits(what: str) -> None:
        """Nothing off-screen at 360 px, the buttons in view; and no serious accessibility violation (axe)."""
        assert_fits(page, what, tmp_path / f"{re.sub(r'[^a-z0-9]+', '-', what.lower())}.png")
        assert violations(page) == [], what

    page.fits = fits
    yield page
    context.close()


def test_eft_registered_paid_with_a_slip_verified_by_an_officer_and_the_receipt_emailed(phone, live_server, smtp):
    page = phone
    [ecr] = new_bills(live_server, ("ECR", 7_800))
    mailbox = f"eft-{uuid.uuid4().hex[:8]}@kedaimaju.com.my"
    reference = f"MBB{uuid.uuid4().int % 10**8:08d}"
    log_in(page, "employer@demo.assist.test", DEMO_PASSWORD)

    page.get_by_role("navigation", name="MY SITES").get_by_role("link", name="PAYMENT", exact=True).click()
    page.get_by_role("link", name="ELECTRONIC FUND TRANSFER").click()
    expect(page.get_by_role("heading", name="ELECTRONIC FUND TRANSFER")).to_be_visible()
    page.fits("ELECTRONIC FUND TRANSFER")
    page.locator("#eft-eis").get_by_role("link", name="Registration").click()
    expect(page.get_by_role("button", name="SUBMIT")).to_be_visible()  # EIS is not registered in the demo
    page.get_by_label("Email Address").fill(mailbox)
    page.get_by_label("Contact No.").fill("012-345 6789")
    page.get_by_label("Officer Name").fill("Nurul Ain binti Rahman")
    page.fits("EIS Registration")
    page.get_by_role("button", name="SUBMIT").click()
    expect(page.get_by_text("Registered for EIS EFT.")).to_be_visible()

    page.get_by_label("Employer name or code, or ACR/ECR No.").fill(ecr)
    page.get_by_role("button", name="SEARCH").click()
    expect(page.get_by_label(f"Select {ecr}")).to_be_visible()
    page.fits("EIS Payment, found by SEARCH")
    page.get_by_role("link", name=f"Employees and amounts of {ecr}").click()
    expect(page.get_by_role("heading", name=ecr)).to_be_visible()
    page.fits("the magnifier")
    page.get_by_role("link", name="BACK").click()
    page.get_by_label(f"Select {ecr}").check()
    page.get_by_role("button", name="ADD TO CART").click()
    expect(page.locator("#cart-count")).to_have_text("1")
    expect(page.locator("#cart-total")).to_have_text("RM 78.00")
    page.fits("EIS Payment, added to the cart")
    page.get_by_role("link", name="PROCEED TO PAYMENT").click()

    page.get_by_label("Payment Date").fill(malaysia_today().isoformat())
    page.get_by_label("Payment Reference No.").fill(reference)
    page.get_by_label("Amount (RM)").fill("78.00")
    page.get_by_label("Payment Slip").set_input_files(
        files=[{"name": "slip.png", "mimeType": "image/png", "buffer": image("PNG", (120, 80))}])
    page.fits("Payment Date, Payment Reference No., Amount (RM), Payment Slip")
    page.get_by_role("button", name="CONTINUE").click()
    expect(page.locator("#confirm-reference")).to_have_text(reference)
    expect(page.locator("#confirm-amount")).to_have_text("RM 78.00")
    page.fits("the second CONTINUE")
    page.get_by_role("button", name="CONTINUE").click()
    expect(page.locator("#eft-submitted")).to_have_text(
        "Your EFT payment has been submitted. The payment receipt will be emailed separately once the payment is "
        "verified.")
    page.fits("the confirmation screen")
    order = page.locator("#order-no").inner_text()
    page.get_by_role("button", name="LOGOUT").click()

    log_in(page, "officer@demo.assist.test", DEMO_PASSWORD)
    page.get_by_role("link", name="Payments desk").click()
    expect(page.get_by_role("heading", name="Payments desk")).to_be_visible()
    page.fits("the payments desk")
    page.get_by_role("link", name="EFT to verify").click()
    page.fits("EFT to verify")
    page.get_by_role("link", name=order).click()
    expect(page.locator("#eft-reference")).to_have_text(reference)
    page.fits("the EFT payment's page")
    verify = page.locator("#verify-form")
    verify.get_by_label("Amount on the bank statement (RM)").fill("78.00")
    verify.get_by_label("Reference on the bank statement").fill(reference)
    verify.get_by_role("button", name="VERIFY").click()
    expect(page.get_by_text("Verified. The receipt was emailed to the employer.")).to_be_visible()
    page.fits("EFT to verify, after VERIFY")

    [mail] = smtp.wait_for(mailbox)
    assert mail["Subject"].startswith("Resit bayaran ASSIST / ASSIST payment receipt")
    body = mail.get_body(("plain",)).get_content()
    assert reference in body and order in body and "RM 78.00" in body and "Electronic Fund Transfer (EFT)" in body
    [pdf] = [part for part in mail.iter_attachments() if part.get_filename().startswith("resit-receipt-")]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_content())).pages)
    assert ecr in text and "78.00" in text and reference in text
