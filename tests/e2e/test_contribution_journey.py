"""QRG 4(i) and 9 in Chromium: edit salaries in place, SAVE DRAFT, COMPLETE, SUBMIT, CONFIRM, read the
ACR and ECR, then cancel the ACR and find the month pending again."""

import io
import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from core.identifiers import issue_employer_code
from tests.e2e.phone import PHONE_360, assert_fits
from tests.e2e.test_portal_id_journey import DEMO_PASSWORD, log_in
from webapp.demo import mykad


def pdf_text(download) -> str:
    data = Path(download.path()).read_bytes()
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(params=["desktop", "phone"])
def device_page(request, browser, base_url, tmp_path):
    """The journey on a desktop window and on a 360 px phone (where every step is measured)."""
    options = PHONE_360 if request.param == "phone" else {"locale": "en-GB"}
    context = browser.new_context(base_url=base_url, **options)
    page = context.new_page()
    page.fits = ((lambda what: assert_fits(page, what, tmp_path / "does-not-fit.png")) if request.param == "phone"
                 else (lambda what: None))
    yield page
    context.close()


def test_combined_contribution_from_salaries_to_acr_and_ecr(device_page):
    page = device_page
    month = "2024-10" if page.viewport_size["width"] > 360 else "2024-09"
    shown = month[5:] + "." + month[:4]
    log_in(page, "employer2@demo.assist.test", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Majikan Kedua")).to_be_visible()
    page.get_by_role("navigation", name="MY SITES").get_by_role("link", name="CONTRIBUTION").click()
    page.get_by_role("link", name=re.compile(r"^SOCSO \+ EIS")).click()
    page.locator("#month").fill(month)
    page.fits("pending list, month chosen")
    page.get_by_role("button", name="ARREARS CONTRIBUTION").click()
    expect(page.get_by_role("heading", name=re.compile(shown))).to_be_visible()
    page.fits("the month's employees")
    rows = page.locator("table.lines tbody tr")
    expect(rows).to_have_count(3)
    for index in range(3):
        row = rows.nth(index)
        row.get_by_role("link", name=re.compile("^Edit")).click()
        row = rows.nth(index)
        row.get_by_label("Salary (RM)").fill("2000.00")
        page.fits("the pencil open")
        row.get_by_role("button", name="SAVE").click()
        expect(rows.nth(index)).to_contain_text("RM 51.70")  # SOCSO 34.15 + 9.75, EIS 3.90 + 3.90
    expect(page.locator("#total-amount")).to_have_text("RM 155.10")
    page.fits("the month's employees, salaries saved")
    page.get_by_role("button", name="SAVE DRAFT").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    page.reload()
    expect(page.locator("table.lines")).to_contain_text("RM 2,000.00")
    expect(page.locator("#total-employees")).to_have_text("3")
    page.get_by_role("button", name="COMPLETE").click()
    expect(page.locator("#summary-amount")).to_have_text("RM 155.10")
    page.get_by_text("SUBMIT", exact=True).click()
    expect(page.get_by_text("Proceed for Submission?")).to_be_visible()
    page.fits("Proceed for Submission?")
    page.get_by_role("button", name="CONFIRM").click()
    expect(page.get_by_role("heading", name="Acknowledgement Contribution Received")).to_be_visible()
    page.fits("Acknowledgement Contribution Received")
    numbers = page.locator(".ack-number").all_inner_texts()
    assert [n[:3] for n in numbers] == ["ACR", "ECR"]

    with page.expect_download() as acr_download:
        page.get_by_role("link", name="PRINT ACR", exact=True).click()
    acr = pdf_text(acr_download.value)
    assert "ACKNOWLEDGEMENT CONTRIBUTION RECEIVED (ACR)" in acr and numbers[0] in acr
    assert "131.70" in acr and f"{month[5:]}/{month[:4]}" in acr  # 3 x (34.15 + 9.75)
    with page.expect_download() as ecr_download:
        page.get_by_role("link", name="PRINT ECR", exact=True).click()
    ecr = pdf_text(ecr_download.value)
    assert "EMPLOYEE CONTRIBUTION RECEIVED (ECR)" in ecr and "23.40" in ecr  # 3 x (3.90 + 3.90)

    page.get_by_role("link", name="PROCESS TO PAYMENT").click()
    page.fits("PAYMENT")
    page.get_by_role("link", name=re.compile(f"Cancel {numbers[0]}")).click()
    page.fits("Cancel ACR / ECR")
    page.get_by_label(re.compile(numbers[0])).check()
    page.get_by_role("button", name="CONFIRM").click()
    expect(page.get_by_text('"Record" has been successfully removed')).to_be_visible()
    page.get_by_role("navigation", name="MY SITES").get_by_role("link", name="CONTRIBUTION").click()
    page.get_by_role("link", name=re.compile(r"^SOCSO \(ACR")).click()
    page.locator("#month").fill(month)
    page.get_by_role("button", name="ARREARS CONTRIBUTION").click()
    expect(page.get_by_role("heading", name=re.compile(shown))).to_be_visible()
    # the month reopens with the cancelled ACR's salaries, not a blank sheet (issue 10)
    expect(page.locator("table.lines")).to_contain_text("RM 2,000.00")
    expect(page.locator("#total-amount")).to_have_text("RM 131.70")  # SOCSO only now: 3 x (34.15 + 9.75)
    page.fits("the reopened month")


def combined_line(code: str, id_number: str, name: str, socso_employer: int) -> str:
    """One 278-character line for RM2,000.00 in November 2024 (SOCSO 34.15 + 9.75, EIS 3.90 + 3.90)."""
    return (code + " " * 20 + id_number.ljust(12) + name.ljust(150) + "112024" + f"{200000:014d}"
            + f"{socso_employer:06d}{975:06d}{390:06d}{390:06d}{0:06d}" + " " * 34)


def test_text_file_with_a_wrong_amount_then_fixed_and_submitted(page, tmp_path):
    code = issue_employer_code("E", 9_000_000_002)  # the second demo employer
    people = [(mykad(date(1985, 2, 2), 300 + n, n % 2 == 1), name) for n, name in
              enumerate(("ZAINAL BIN ARIFFIN", "SALMAH BINTI YUSOF", "KUMAR A/L RAMASAMY"))]
    wrong = tmp_path / "SOCSO_EIS_112024.txt"
    wrong.write_text("\r\n".join(combined_line(code, i, n, 3400 if k == 1 else 3415)
                                 for k, (i, n) in enumerate(people)) + "\r\n")
    log_in(page, "employer2@demo.assist.test", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Majikan Kedua")).to_be_visible()
    page.goto("/contribution/combined/")
    page.get_by_role("link", name="TEXT FILE").click()
    page.get_by_label("Choose File").set_input_files(str(wrong))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    error_row = page.locator("#upload-result tbody tr")
    expect(error_row).to_have_count(1)
    expect(error_row).to_contain_text("SOCSO employer share")
    expect(error_row).to_contain_text("RM 34.15 for wages of RM 2,000.00 in 11/2024")
    assert error_row.locator("td").first.inner_text() == "2"

    fixed = tmp_path / "SOCSO_EIS_112024_fixed.txt"
    fixed.write_text("\r\n".join(combined_line(code, i, n, 3415) for i, n in people) + "\r\n")
    page.get_by_label("Choose File").set_input_files(str(fixed))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", name=re.compile("The file is correct"))).to_be_visible()
    expect(page.locator("#preview-amount")).to_have_text("RM 155.10")
    page.get_by_role("link", name="Next").click()
    page.get_by_role("button", name="COMPLETE").click()
    page.get_by_text("SUBMIT", exact=True).click()
    page.get_by_role("button", name="CONFIRM").click()
    expect(page.get_by_role("heading", name="Acknowledgement Contribution Received")).to_be_visible()
    expect(page.get_by_role("cell", name="Text File").first).to_be_visible()


def test_a_file_too_big_for_the_portal_is_refused_in_the_browser_before_it_is_sent(page, tmp_path):
    big = tmp_path / "SOCSO_EIS_112024.txt"
    big.write_bytes(b" " * (5 * 1024 * 1024 + 1))  # a phone photo's size: the server's limit would answer bare
    log_in(page, "employer2@demo.assist.test", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Majikan Kedua")).to_be_visible()
    page.goto("/contribution/combined/textfile")
    sent = []
    page.on("request", lambda request: sent.append(request.url) if request.method == "POST" else None)
    page.get_by_label("Choose File").set_input_files(str(big))
    page.get_by_role("button", name="Upload").click()
    message = page.get_by_label("Choose File").evaluate("input => input.validationMessage")
    assert message == "The file is larger than 5 MB."
    page.wait_for_timeout(300)
    assert sent == []  # nothing went to the server
