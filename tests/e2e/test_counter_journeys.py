"""QRG 8 at the bank counter, in Chromium on a 360 px phone (the size of a counter's touch screen and smaller),
by the labels: a teller records a cheque and prints the receipt (which also reaches the employer by email, at
the real SMTP server); an officer imports a bank's collection file with matched, unmatched and duplicate
lines, sees the exceptions and resolves one. Every page on the way is measured (tests/e2e/phone.py); the
counter and the exceptions queue are checked with axe-core."""

import io
import re
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from peewee import SqliteDatabase
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.phone import PHONE_360, assert_fits
from tests.e2e.test_accessibility import violations
from tests.e2e.test_portal_id_journey import DEMO_PASSWORD, log_in
from tests.factories import bill
from webapp.clock import malaysia_today, utcnow
from webapp.db import SQLITE_PRAGMAS
from webapp.models import ALL_MODELS, Acknowledgement, Employer, User

_months = {"next": 0}


def counter_bills(live_server, *specs) -> list[tuple[str, int]]:
    """Unpaid ACR/ECRs of the demo employer for a month of their own (in 2015), submitted a week ago, so they
    are at the bank counter today: [(number, amount in sen)]."""
    _months["next"] += 1
    month = date(2015, _months["next"], 1)
    db = SqliteDatabase(live_server.env["DATABASE_URL"].removeprefix("sqlite:///"), pragmas=SQLITE_PRAGMAS,
                        timeout=10)
    with db.bind_ctx(ALL_MODELS), db.connection_context():
        user = User.get(User.email == "employer@demo.assist.test")
        employer = Employer.get(Employer.registration_number == "201901000005")
        made = [bill(employer, user, month, kind, amount) for kind, amount in specs]
        Acknowledgement.update(created_at=utcnow() - timedelta(days=7)).where(
            Acknowledgement.id.in_([a.id for a in made])).execute()
        return [(a.number, a.amount) for a in made]


@pytest.fixture
def phone(browser, base_url, tmp_path):
    context = browser.new_context(base_url=base_url, **PHONE_360)
    page = context.new_page()
    page.fits = lambda what: assert_fits(page, what, tmp_path / f"{re.sub(r'[^a-z0-9]+', '-', what.lower())}.png")
    yield page
    context.close()


def ringgit(sen: int) -> str:
    return f"{sen // 100}.{sen % 100:02d}"


def test_a_teller_records_a_cheque_and_prints_the_receipt(phone, live_server, smtp):
    page = phone
    (acr, acr_amount), (ecr, ecr_amount) = counter_bills(live_server, ("ACR", 44_400), ("ECR", 1_580))
    log_in(page, "teller@demo.assist.test", DEMO_PASSWORD)
    page.wait_for_url(re.compile(r"/counter/$"))
    expect(page.get_by_role("heading", name="Bank Counter")).to_be_visible()
    page.fits("Bank Counter")

    page.get_by_label("ACR/ECR No.").fill(f"{acr}+{ecr}")  # as PRINT ACR/ECR prints both: refused
    page.get_by_role("button", name="SEARCH").click()
    expect(page.locator("#number-error")).to_contain_text("two separate cheques")
    page.fits("Bank Counter, a combined number refused")

    page.get_by_label("ACR/ECR No.").fill(acr)
    page.get_by_role("button", name="SEARCH").click()
    expect(page.locator("#doc-number")).to_have_text(acr)
    expect(page.locator("#doc-amount")).to_have_text("RM 444.00")
    expect(page.get_by_text("KEDAI RUNCIT MAJU SDN. BHD.", exact=False)).to_be_visible()
    page.fits("Bank Counter, the document found")
    assert violations(page) == []  # axe-core: no serious or critical violation
    page.get_by_label("Cheque", exact=True).check()
    page.get_by_label("Amount received (RM)").fill(ringgit(acr_amount + ecr_amount))  # both in one cheque
    page.get_by_label("Bank of the cheque").select_option(label="Maybank")
    page.get_by_label("Cheque No.").fill("100001")
    record = page.get_by_role("button", name="RECORD PAYMENT")
    record.scroll_into_view_if_needed()
    expect(record).to_be_in_viewport()
    record.click()
    expect(page.locator("#amount-error")).to_contain_text("exact amount")
    page.fits("Bank Counter, the amount refused")

    page.get_by_label("Amount received (RM)").fill(ringgit(acr_amount))
    page.get_by_role("button", name="RECORD PAYMENT").click()
    expect(page.get_by_role("heading", name="Payment recorded")).to_be_visible()
    receipt = page.locator("#receipt-no").inner_text()
    expect(page.get_by_text("Cek / Cheque: Maybank 100001")).to_be_visible()
    page.fits("Payment recorded")
    with page.expect_download() as download:
        page.get_by_role("link", name="PRINT RECEIPT").click()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(Path(download.value.path()).read_bytes())).pages)
    assert receipt in text and acr in text and "444.00" in text and "Maybank 100001" in text

    mail = mail_about(smtp, "employer@demo.assist.test", receipt)  # the demo employer's administrator
    assert any(part.get_filename() == f"resit-receipt-{receipt}.pdf" for part in mail.iter_attachments())
    assert "Maybank 100001" in mail.get_body(("plain",)).get_content()

    page.get_by_role("link", name="NEXT CUSTOMER").click()
    page.get_by_label("ACR/ECR No.").fill(ecr)
    page.get_by_role("button", name="SEARCH").click()
    page.get_by_label("Cheque", exact=True).check()
    page.get_by_label("Amount received (RM)").fill(ringgit(ecr_amount))
    page.get_by_label("Bank of the cheque").select_option(label="Maybank")
    page.get_by_label("Cheque No.").fill("100001")  # the same cheque for EIS
    page.get_by_role("button", name="RECORD PAYMENT").click()
    expect(page.locator("#cheque_no-error")).to_contain_text("two separate cheques")
    page.fits("Bank Counter, the same cheque for EIS refused")
    page.get_by_label("Cheque No.").fill("100002")
    page.get_by_role("button", name="RECORD PAYMENT").click()
    expect(page.get_by_role("heading", name="Payment recorded")).to_be_visible()

    page.goto("/employer/dashboard")  # a teller reaches nothing else
    expect(page.get_by_text("A bank teller account opens the bank counter only")).to_be_visible()
    page.fits("A teller refused an employer page")


def mail_about(smtp, address: str, subject_has: str, timeout: float = 20.0):
    """The message to `address` whose subject names `subject_has`, once the mail worker has sent it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in smtp.to(address) if subject_has in m["Subject"]]
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"no mail to {address} about {subject_has} within {timeout}s")


def test_an_officer_imports_a_collection_file_and_resolves_an_exception(phone, live_server, tmp_path):
    page = phone
    (matched, amount), (differs, _) = counter_bills(live_server, ("ACR", 12_345), ("ECR", 678))
    today = malaysia_today().strftime("%d/%m/%Y")
    csv = tmp_path / "mbb-collections.csv"
    csv.write_bytes(("\ufeffdate,acr_ecr_number,amount,bank_reference\r\n"
                     f"{today},{matched},{ringgit(amount)},MBB{matched}\r\n"  # matched: paid
                     f"{today},{differs},1.00,MBB{differs}\r\n"  # the amount differs
                     f"{today},ACR012150000000,5.00,MBB-UNKNOWN-{matched}\r\n"  # no such number
                     f"{today},{matched},{ringgit(amount)},MBB{matched}\r\n").encode())  # the same line again
    log_in(page, "officer@demo.assist.test", DEMO_PASSWORD)
    page.get_by_role("link", name="Bank collection files").click()
    expect(page.get_by_role("heading", name="Bank collection files")).to_be_visible()
    page.fits("Bank collection files")
    page.get_by_label("Bank", exact=True).select_option(label="Maybank")
    page.get_by_label("Collection file (CSV)").set_input_files(str(csv))
    page.get_by_role("button", name="IMPORT").click()
    expect(page.get_by_role("heading", name="mbb-collections.csv")).to_be_visible()
    rows = page.locator("#lines tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text("Paid")
    expect(rows.nth(1)).to_contain_text("Amount differs from the ACR/ECR")
    expect(rows.nth(2)).to_contain_text("Unknown number")
    expect(rows.nth(3)).to_contain_text("Duplicate")
    expect(page.locator("#messages")).to_contain_text("1 paid, 0 counter payments confirmed, 1 duplicates, "
                                                      "2 exceptions")
    page.fits("A collection file's lines")

    page.get_by_role("link", name="Bank collection files").click()
    queue = page.locator("#exceptions tbody tr", has_text=differs)
    expect(queue).to_have_count(1)
    expect(page.locator("#exceptions tbody tr", has_text=f"MBB-UNKNOWN-{matched}")).to_have_count(1)
    page.fits("The exceptions queue")
    assert violations(page) == []
    queue.get_by_label("What was done").fill("Called the employer: paid the ECR by FPX; refund RM 1.00 by MBB")
    queue.get_by_role("button", name="RESOLVE").click()
    expect(page.locator("#messages")).to_contain_text("Exception resolved.")
    expect(page.locator("#exceptions tbody tr", has_text=differs)).to_have_count(0)
    page.fits("The exceptions queue, one resolved")

    page.get_by_label("Bank", exact=True).select_option(label="Maybank")  # the same file, imported again
    page.get_by_label("Collection file (CSV)").set_input_files(str(csv))
    page.get_by_role("button", name="IMPORT").click()
    expect(page.locator("#import-error")).to_contain_text("imported already")
    page.fits("The same file refused")
