"""Issue 13's statements in Chromium on a 360 px phone: the demo employer's 2021 (two months declared for three
employees, written to the store as a confirmed month would leave them) is paid through the simulated FPX
exchange, then its late-payment interest too; the yearly statement's page and PDF say the total paid is what
the two receipts say, and one click gives an employee's proof of contributions."""

import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from peewee import SqliteDatabase
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.phone import PHONE_360, assert_fits
from tests.e2e.test_payment_journeys import press
from tests.e2e.test_portal_id_journey import DEMO_PASSWORD, log_in
from webapp.db import SQLITE_PRAGMAS
from webapp.models import ALL_MODELS, Acknowledgement, Employer, Employment, Person, Submission, SubmissionLine, User
from webapp.payment_models import CartItem

YEAR = 2021  # no other journey declares a month of 2021 for the demo employer
PEOPLE = ("AHMAD FAIZAL BIN ISMAIL", "NURUL AIN BINTI RAHMAN", "TAN WEI MING")  # employed since 2018-2020
# RM 2,000.00 each in 2021: SOCSO 34.15 + 9.75, EIS 3.90 + 3.90 (sen)
SHARES = {"wages": 200_000, "socso_employer": 3415, "socso_employee": 975, "eis_employer": 390, "eis_employee": 390}


def store(live_server):
    return SqliteDatabase(live_server.env["DATABASE_URL"].removeprefix("sqlite:///"), pragmas=SQLITE_PRAGMAS,
                          timeout=10)


def declared_months(live_server) -> list[str]:
    """January and February 2021, SOCSO + EIS, three employees at RM 2,000.00: the ACR/ECR numbers (unpaid)."""
    db = store(live_server)
    numbers = []
    with db.bind_ctx(ALL_MODELS), db.connection_context():
        user = User.get(User.email == "employer@demo.assist.test")
        employer = Employer.get(Employer.registration_number == "201901000005")
        CartItem.delete().where(CartItem.user == user).execute()
        if Acknowledgement.select().where((Acknowledgement.employer == employer) & (Acknowledgement.month >= date(
                YEAR, 1, 1)) & (Acknowledgement.month <= date(YEAR, 12, 1))).exists():
            pytest.fail(f"the demo employer already has {YEAR} declared: this journey needs the year to itself")
        employments = [Employment.get((Employment.employer == employer) & (Employment.person == Person.get(
            Person.name == name))) for name in PEOPLE]
        for month in (date(YEAR, 1, 1), date(YEAR, 2, 1)):
            submission = Submission.create(employer=employer, month=month, type="arrears", with_socso=True,
                                           with_eis=True, status="confirmed", confirm_token="s" * 43, created_by=user)
            for position, employment in enumerate(employments):
                SubmissionLine.create(submission=submission, employment=employment, position=position, **SHARES)
            for kind, per_person in (("ACR", 3415 + 975), ("ECR", 390 + 390)):
                number = f"{kind}{month:%m}2{month:%y}99{month.month:05d}"
                Acknowledgement.create(number=number, kind=kind, submission=submission, employer=employer,
                                       month=month, type="arrears", medium="8A", employees=3,
                                       amount=per_person * len(employments))
                numbers.append(number)
    return numbers


def add_to_cart(page, numbers: list[str]) -> None:
    """PAYMENT, page after page: tick each of `numbers` where it is listed, ADD TO CART."""
    wanted, added = list(numbers), 0
    for number in range(1, 30):
        page.goto(f"/payment/?page={number}")
        here = [ref for ref in wanted if page.get_by_label(f"Select {ref}").count()]
        for ref in here:
            page.get_by_label(f"Select {ref}").check()
        if here:
            page.get_by_role("button", name="ADD TO CART").click()
            added += len(here)
            expect(page.locator("#cart-count")).to_have_text(str(added))
            wanted = [ref for ref in wanted if ref not in here]
        if not wanted or not page.get_by_role("link", name="›").count():
            break
    assert not wanted, f"not on PAYMENT: {wanted}"


def pay_the_cart(page) -> tuple[str, Decimal, list[str]]:
    """PROCEED TO SUMMARY, CONTINUE, B2C, SBI Bank A, PROCEED, Approve, RECEIPT: (receipt, amount, notices)."""
    page.get_by_role("link", name="PROCEED TO SUMMARY").click()
    page.get_by_role("link", name="CONTINUE").click()
    page.get_by_label("Personal to Corporate (B2C)").check()
    expect(page.locator("#banks")).to_contain_text("RM 1.00 and RM 30,000.00")
    page.get_by_label("Bank List").select_option(label="SBI Bank A")
    page.get_by_role("button", name="PROCEED").click()
    page.wait_for_url(re.compile(r"localhost:\d+/FPXMain/bank/"))
    press(page, "Approve")
    expect(page.locator("#txn-status")).to_have_text("SUCCESSFUL")
    page.get_by_role("link", name="RECEIPT", exact=True).click()
    expect(page.get_by_role("heading", name="Receipt Generated")).to_be_visible()
    receipt = page.locator("#receipt-no").inner_text()
    amount = page.get_by_role("row").filter(has=page.locator("#receipt-no")).locator("td.num").inner_text()
    return receipt, ringgit(amount), page.locator(".notice-id").all_inner_texts()


def ringgit(text: str) -> Decimal:
    return Decimal(re.search(r"RM ([\d,]+\.\d\d)", text).group(1).replace(",", ""))


def pdf_text(download) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(Path(download.path()).read_bytes())).pages)


def fits_360(page, what: str, shot) -> None:
    """The page measured as a phone shows it: no sideways scrolling, every control on screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, what
    assert_fits(page, what, shot)


def choose_the_demo_employer(page) -> None:
    """The header's switcher, when the account manages more than one employer (the registration journey gives
    the demo account a second one): work on Kedai Runcit Maju."""
    expect(page.get_by_role("navigation", name="MY SITES")).to_be_visible()
    switcher = page.locator("select#employer_id")
    if switcher.count():
        demo = switcher.locator("option", has_text=re.compile("kedai runcit maju", re.I)).get_attribute("value")
        switcher.select_option(demo)
        page.get_by_role("button", name="Switch").click()
    expect(page.get_by_role("navigation", name="MY SITES")).to_contain_text(re.compile("kedai runcit maju", re.I))


def in_view(button) -> None:
    """A button scrolled to is wholly on a 360 px screen and big enough to tap."""
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360 and box["height"] >= 43.5, box


@pytest.fixture
def phone(browser, base_url, fpx_sim):
    fpx_sim.reset()
    context = browser.new_context(base_url=base_url, **PHONE_360)
    page = context.new_page()
    log_in(page, "employer@demo.assist.test", DEMO_PASSWORD)
    choose_the_demo_employer(page)
    yield page
    context.close()


def test_a_yearly_statement_pdf_whose_totals_equal_the_receipts(phone, live_server, tmp_path):
    page = phone
    bills = declared_months(live_server)
    add_to_cart(page, bills)
    first, paid, notices = pay_the_cart(page)
    assert paid == Decimal("310.20") and len(notices) == 4  # paid years late: an FCLB notice each
    add_to_cart(page, notices)
    second, interest, more = pay_the_cart(page)
    assert interest >= 4 * Decimal("5.00") and more == []  # no notice of a notice

    page.get_by_role("navigation", name="MY SITES").get_by_role("link", name="MY SITES").click()
    page.get_by_role("link", name="Statements").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Statement"))).to_be_visible()
    page.locator("#years").get_by_role("link", name=str(YEAR)).click()
    expect(page.get_by_role("heading", name=re.compile(rf"^Statement {YEAR} · "))).to_be_visible()
    fits_360(page, f"Statement {YEAR}", tmp_path / "statement.png")
    expect(page.locator("#total-paid")).to_have_text(f"RM {paid + interest:,.2f}")
    expect(page.locator("#outstanding")).to_have_text("RM 0.00")
    for receipt in (first, second):
        expect(page.locator("#receipts").get_by_role("link", name=receipt)).to_be_visible()
    pdf_link = page.get_by_role("link", name="STATEMENT (PDF)")
    in_view(pdf_link)
    with page.expect_download() as download:
        pdf_link.click()
    text = pdf_text(download.value)
    total = re.search(r"Jumlah dibayar / Total paid \(RM\)\s*: ([\d,]+\.\d\d)", text).group(1)
    assert Decimal(total.replace(",", "")) == paid + interest  # the PDF's total paid: the two receipts
    paid_contributions = re.search(r"Caruman dibayar / Contributions paid \(RM\)\s*: ([\d,]+\.\d\d)", text).group(1)
    assert paid_contributions == f"{paid:,.2f}" and first in text and second in text
    assert all(number in text for number in bills)

    row = page.locator("#employees tbody tr").filter(has_text=PEOPLE[0])
    proof = row.get_by_role("link", name=f"PROOF (PDF) · {PEOPLE[0]}")
    in_view(proof)
    with page.expect_download() as download:
        proof.click()  # one click
    text = pdf_text(download.value)
    for expected in ("BUKTI CARUMAN PEKERJA 2021", "PROOF OF CONTRIBUTIONS FOR 2021", PEOPLE[0], "01/2021", "02/2021",
                     "2,000.00", "34.15", "9.75", first, "Dibayar / Paid"):
        assert expected in text, expected
    assert re.search(r"\*{8}\d{4}", text) and not re.search(r"\b\d{12}\b", text)  # the MyKad masked

    row.get_by_role("link", name=PEOPLE[0], exact=True).click()
    expect(page.get_by_role("heading", name=f"{PEOPLE[0]} · {YEAR}")).to_be_visible()
    expect(page.locator("#employee-share")).to_have_text("RM 27.30")  # (9.75 + 3.90) x 2
    fits_360(page, "an employee's year", tmp_path / "employee.png")
