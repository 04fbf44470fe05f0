"""QRG 2, 3, 4 and 11 in Chromium: register a business, its employees and a document, read the letters."""

import io
import re
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.test_portal_id_journey import DEMO_PASSWORD, PDF, log_in
from webapp.clock import malaysia_today
from webapp.demo import mykad


def pdf_text(download) -> str:
    data = Path(download.path()).read_bytes()
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_register_a_business_with_employees_and_documents(page, tmp_path):
    document = tmp_path / "borang-1.pdf"
    document.write_bytes(PDF)
    log_in(page, "employer@demo.assist.test", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Majikan Demo")).to_be_visible()
    page.get_by_role("navigation", name="MY SITES").get_by_role("link", name="REGISTRATION", exact=True).click()
    page.get_by_role("link", name=re.compile("business employer")).click()
    page.get_by_label("Business Entity", exact=True).select_option("COMPANY")
    page.get_by_label("Sub-Business Entity", exact=True).select_option("SDN_BHD")
    page.get_by_label("Registration Number (BRN)", exact=True).fill("202301055555")
    page.get_by_label("Employer Name", exact=True).fill("Bengkel Jaya Sdn Bhd")
    page.get_by_label("Industry", exact=True).select_option("C")
    page.get_by_label("Address", exact=True).fill("Lot 7, Jalan Industri 3")
    page.get_by_label("Postcode", exact=True).fill("41200")
    page.get_by_label("State", exact=True).select_option("Selangor")
    page.get_by_label("Phone No.", exact=True).fill("03-3344 5566")
    page.get_by_label("Date of first employment", exact=True).fill("2023-05-01")
    page.get_by_label("Induction Venue", exact=True).select_option("PERKESO Klang")
    page.get_by_role("button", name="SAVE & CONTINUE").click()
    expect(page.get_by_role("heading", name="Form 2 - Employee's Registration Form")).to_be_visible()
    crn = page.locator("#crn").inner_text()
    assert re.fullmatch(r"CRN\d{14}", crn)

    # A person already insured by another employer: Search Existing Employee fills in their details.
    page.get_by_role("link", name="ADD EMPLOYEE", exact=True).click()
    page.get_by_label("Identification No.", exact=True).fill(mykad(date(1975, 1, 1), 100, False))
    page.get_by_role("button", name="SEARCH").click()
    expect(page.locator("#found")).to_contain_text("AHMAD FAIZAL BIN ISMAIL")
    page.get_by_label("Employment Start Date", exact=True).fill("2023-05-01")
    page.get_by_role("button", name="SAVE").click()

    page.get_by_role("link", name="ADD EMPLOYEE", exact=True).click()
    page.get_by_label("Identification No.", exact=True).fill("010203-10-1234")
    page.get_by_role("button", name="SEARCH").click()
    expect(page.locator("#not-found")).to_be_visible()
    page.get_by_label("Name of Employee", exact=True).fill("Nur Iman binti Razak")
    page.get_by_label("Female", exact=True).check()
    page.get_by_label("Employment Start Date", exact=True).fill("2024-07-15")
    page.get_by_role("button", name="SAVE").click()

    page.get_by_role("link", name="ADD FOREIGN EMPLOYEE").click()
    page.get_by_label("Identification Type", exact=True).select_option("PASSPORT")
    page.get_by_label("Identification No.", exact=True).fill("C3344556")
    page.get_by_label("Name of Employee", exact=True).fill("Thant Zin Oo")
    page.get_by_label("Date of Birth", exact=True).fill("1993-08-08")
    page.get_by_label("Male", exact=True).check()
    page.get_by_label("Nationality", exact=True).select_option("MM")
    page.get_by_label("Employment Start Date", exact=True).fill("2025-01-02")
    page.get_by_label("Passport No.", exact=True).fill("C3344556")
    page.get_by_label("Passport Start Date", exact=True).fill("2022-02-02")
    page.get_by_label("Passport End Date", exact=True).fill("2032-02-01")
    page.get_by_label("Upload Passport", exact=True).set_input_files(str(document))
    page.get_by_label("Pass/Permit No.", exact=True).fill("PLKS-88990")
    page.get_by_label("Pass/Permit Start Date", exact=True).fill("2025-01-01")
    page.get_by_label("Pass/Permit End Date", exact=True).fill((malaysia_today() + timedelta(days=300)).isoformat())
    page.get_by_label("Upload Pass/Permit", exact=True).set_input_files(str(document))
    page.get_by_label("Name", exact=True).fill("Aye Aye")
    page.get_by_label("Relationship with Employee", exact=True).select_option("SPOUSE")
    page.get_by_role("button", name="SAVE").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)

    page.get_by_role("link", name="SAVE & CONTINUE").click()
    expect(page.locator("#checklist")).to_contain_text("required, not uploaded yet")
    for number, kind in enumerate(("IC_COPY", "FORM_1", "FORM_2"), 1):
        page.get_by_label("Supporting Document", exact=True).select_option(kind)
        page.get_by_label("Choose File", exact=True).set_input_files(str(document))
        page.get_by_role("button", name="ADD DOCUMENT").click()
        expect(page.get_by_role("cell", name="borang-1.pdf")).to_have_count(number)
    expect(page.locator("#checklist")).not_to_contain_text("required, not uploaded yet")
    page.get_by_role("link", name="SUBMIT").click()
    expect(page.get_by_text("Proceed for Submission?")).to_be_visible()
    page.get_by_role("button", name="CONFIRM").click()
    expect(page.get_by_role("heading", name="REGISTRATION IS SUCCESSFUL")).to_be_visible()
    code = page.locator("#employer-code").inner_text()
    assert re.fullmatch(r"E9\d{9}[A-Z]", code)
    for title in ("LETTER OF REGISTRATION ACKNOWLEDGEMENT", "LETTER OF INDUCTION", "LETTER OF SUCCESSFUL REGISTRATION"):
        with page.expect_download() as download:
            page.get_by_role("link", name=f"{title}.pdf").click()
        text = pdf_text(download.value)
        assert code in text and "BENGKEL JAYA SDN BHD" in text
    assert "THANT ZIN OO" in text and "NUR IMAN BINTI RAZAK" in text

    page.get_by_role("link", name="OK").click()
    expect(page.get_by_role("heading", name=re.compile("Employees"))).to_be_visible()
    row = page.get_by_role("row", name=re.compile("NUR IMAN BINTI RAZAK"))
    row.get_by_role("link", name="Terminate").click()
    page.get_by_label("Last day of work", exact=True).fill(malaysia_today().isoformat())
    page.get_by_label("Reason", exact=True).select_option("RESIGNED")
    page.get_by_role("button", name="CONFIRM").click()
    expect(page.get_by_text("NUR IMAN BINTI RAZAK has been terminated")).to_be_visible()
    expect(page.get_by_role("cell", name="NUR IMAN BINTI RAZAK")).to_have_count(0)
    page.get_by_label("Search by name or identification number", exact=True).fill("thant")
    expect(page.get_by_role("cell", name="THANT ZIN OO")).to_be_visible()
    expect(page.get_by_role("cell", name="AHMAD FAIZAL BIN ISMAIL")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=thant"))
