"""The monthly task on a 360 px phone (issue 10): the draft follows the employer's people until CONFIRM, a
text file that leaves employees out asks what to do for them, and the dashboard shows every month due."""

import re
from datetime import date

from playwright.sync_api import expect

from core.identifiers import issue_employer_code
from core.periods import add_months
from tests.e2e.phone import PHONE_360, assert_fits
from tests.e2e.test_contribution_journey import combined_line
from tests.e2e.test_portal_id_journey import DEMO_PASSWORD, log_in
from webapp.clock import malaysia_today
from webapp.demo import mykad


def phone(browser, base_url):
    context = browser.new_context(base_url=base_url, **PHONE_360)
    return context, context.new_page()


def test_a_draft_follows_a_termination_and_the_dashboard_shows_late_months(browser, base_url, tmp_path):
    context, page = phone(browser, base_url)
    log_in(page, "employer@demo.assist.test", DEMO_PASSWORD)
    late = add_months(malaysia_today().replace(day=1), -3).strftime("%m/%Y")
    unsubmitted = page.locator("#unsubmitted")
    expect(unsubmitted).to_contain_text(late)
    expect(unsubmitted.locator("tr").filter(has=page.get_by_role("cell", name=late, exact=True))).to_contain_text(
        "days late")
    expect(page.locator("#unpaid")).to_contain_text("ACR")  # the month before last: submitted, not paid
    assert_fits(page, "dashboard with late months", tmp_path / "dashboard.png")

    this_month = malaysia_today().strftime("%m/%Y")
    page.goto("/contribution/combined/")
    page.get_by_role("button", name=f"Update contribution for {this_month}").click()
    expect(page.get_by_role("heading", name=this_month)).to_be_visible()
    leaver = page.locator("table.lines tbody tr").first
    name = leaver.locator("td.c-title").inner_text().strip()
    month_page = page.url

    page.goto("/employees/")
    page.get_by_role("row", name=name).get_by_role("link", name="Terminate").click()
    page.get_by_label("Last day of work").fill(malaysia_today().isoformat())
    page.get_by_label("Reason").select_option("RESIGNED")
    page.get_by_role("button", name="CONFIRM").click()

    page.goto(month_page)
    row = page.locator("table.lines tbody tr", has_text=name)
    expect(row).to_contain_text("Left this month")
    assert_fits(page, "the month after a termination", tmp_path / "left.png")
    context.close()


def test_a_text_file_that_leaves_employees_out_asks_what_to_do_for_them(browser, base_url, tmp_path):
    code = issue_employer_code("E", 9_000_000_002)  # the second demo employer
    first = (mykad(date(1985, 2, 2), 300, False), "ZAINAL BIN ARIFFIN")
    upload = tmp_path / "SOCSO_EIS_112024.txt"
    upload.write_text(combined_line(code, *first, 3415).replace("112024", "072024", 1) + "\r\n")
    context, page = phone(browser, base_url)
    log_in(page, "employer2@demo.assist.test", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Majikan Kedua")).to_be_visible()
    page.goto("/contribution/combined/textfile")
    page.get_by_label("Choose File").set_input_files(str(upload))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", name=re.compile("The file is correct"))).to_be_visible()
    expect(page.locator("#file-lines")).to_have_text("1")
    expect(page.locator("#left-out-count")).to_have_text("2")
    left_out = page.locator("#left-out")
    expect(left_out).to_contain_text("SALMAH BINTI YUSOF")
    expect(left_out).to_contain_text("KUMAR A/L RAMASAMY")
    assert_fits(page, "the preview asking about employees left out", tmp_path / "left-out.png")
    preview = page.url
    page.get_by_role("link", name="Next").click()
    page.get_by_role("button", name="COMPLETE").click()
    expect(page.get_by_text("were not in the text file")).to_be_visible()  # COMPLETE waits for the choice

    page.goto(preview)
    for select in left_out.locator("select").all():
        select.select_option("no_wages")
    left_out.get_by_role("button", name="SAVE").click()
    expect(page.locator("#left-out")).to_have_count(0)
    expect(page.locator("#left-out-count")).to_have_text("2")  # what the file held does not change
    page.get_by_role("link", name="Next").click()
    page.get_by_role("button", name="COMPLETE").click()
    expect(page.locator("#summary-amount")).to_have_text("RM 51.70")
    context.close()


def test_a_month_declared_from_last_months_wages_with_two_changes_in_under_ten_actions(browser, base_url, tmp_path):
    """Issue 13: the employer2 demo company, 3 employees: February 2024 submitted, then March from it."""
    context, page = phone(browser, base_url)
    log_in(page, "employer2@demo.assist.test", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Majikan Kedua")).to_be_visible()
    page.goto("/contribution/combined/")  # February first, the usual way (not counted in the ten actions)
    page.locator("#month").fill("2024-02")
    page.get_by_role("button", name="ARREARS CONTRIBUTION").click()
    rows = page.locator("table.lines tbody tr")
    for index in range(3):
        rows.nth(index).get_by_role("link", name=re.compile("^Edit")).click()
        rows.nth(index).get_by_label("Salary (RM)").fill("2000.00")
        rows.nth(index).get_by_role("button", name="SAVE").click()
        expect(rows.nth(index)).to_contain_text("RM 51.70")
    page.get_by_role("button", name="COMPLETE").click()
    page.get_by_text("SUBMIT", exact=True).click()
    page.get_by_role("button", name="CONFIRM").click()
    expect(page.get_by_role("heading", name="Acknowledgement Contribution Received")).to_be_visible()

    actions = 0
    page.goto("/contribution/combined/")
    page.locator("#month").fill("2024-03")
    page.get_by_role("button", name="ARREARS CONTRIBUTION").click()
    actions += 1
    expect(page.locator("#same-as-last-month")).to_contain_text("02/2024")
    expect(page.locator("#total-amount")).to_have_text("RM 0.00")  # shown, not counted yet
    assert_fits(page, "last month's wages waiting", tmp_path / "carried.png")
    page.get_by_role("button", name="SAME AS LAST MONTH").click()
    actions += 1
    expect(page.locator("#total-amount")).to_have_text("RM 155.10")
    # March 2024: RM2,500 gives SOCSO 55.10 + EIS 9.80; RM1,800 gives 39.40 + 7.00
    for index, wages, amount in ((0, "2500.00", "RM 64.90"), (2, "1800.00", "RM 46.40")):
        rows.nth(index).get_by_role("link", name=re.compile("^Edit")).click()
        rows.nth(index).get_by_label("Salary (RM)").fill(wages)
        rows.nth(index).get_by_role("button", name="SAVE").click()
        actions += 3
        expect(rows.nth(index)).to_contain_text(amount)
    expect(page.locator("#total-amount")).to_have_text("RM 163.00")  # 64.90 + 51.70 + 46.40
    page.get_by_role("button", name="COMPLETE").click()
    actions += 1
    assert actions < 10
    expect(page.locator("#summary-amount")).to_have_text("RM 163.00")
    assert_fits(page, "the month declared from last month", tmp_path / "declared.png")
    context.close()


def test_a_save_on_a_dropped_connection_says_not_saved_and_the_retry_keeps_the_value(browser, base_url, tmp_path):
    context, page = phone(browser, base_url)
    log_in(page, "employer2@demo.assist.test", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Majikan Kedua")).to_be_visible()
    page.goto("/contribution/combined/")
    page.locator("#month").fill("2024-01")
    page.get_by_role("button", name="ARREARS CONTRIBUTION").click()
    row = page.locator("table.lines tbody tr").first
    row.get_by_role("link", name=re.compile("^Edit")).click()
    page.locator("table.lines tbody tr").first.get_by_label("Salary (RM)").fill("2345.00")
    context.set_offline(True)
    page.locator("table.lines tbody tr").first.get_by_role("button", name="SAVE").click()
    notice = page.locator("table.lines tbody tr").first.locator("[data-save-failed]")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Not saved")
    assert page.locator("table.lines tbody tr").first.get_by_label("Salary (RM)").input_value() == "2345.00"
    assert_fits(page, "a save that did not arrive", tmp_path / "not-saved.png")
    context.set_offline(False)
    page.locator("table.lines tbody tr").first.get_by_role("button", name="SAVE").click()
    expect(page.locator("table.lines tbody tr").first).to_contain_text("RM 2,345.00")
    context.close()


def test_a_salary_spreadsheet_with_a_wrong_row_then_a_right_one(browser, base_url, tmp_path):
    people = [(mykad(date(1985, 2, 2), 300 + n, n % 2 == 1), name) for n, name in
              enumerate(("ZAINAL BIN ARIFFIN", "SALMAH BINTI YUSOF", "KUMAR A/L RAMASAMY"))]
    wrong, right = tmp_path / "gaji-salah.csv", tmp_path / "gaji.csv"
    wrong.write_text("Nama,No. KP,Gaji\n" + "".join(f"{n},{i},{w}\n" for (i, n), w in
                                                     zip(people, ("2000", "2000.505", "2000"), strict=True)))
    right.write_text("Nama,No. KP,Gaji\n" + "".join(f"{n},{i},2000\n" for i, n in people))
    context, page = phone(browser, base_url)
    log_in(page, "employer2@demo.assist.test", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Majikan Kedua")).to_be_visible()
    page.goto("/contribution/combined/")
    page.locator("#month").fill("2024-06")
    page.get_by_role("button", name="ARREARS CONTRIBUTION").click()
    page.get_by_role("link", name="SALARY SPREADSHEET").click()
    page.get_by_label("Choose File").set_input_files(str(wrong))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#sheet-problems")).to_have_text("1")
    expect(page.locator("#sheet-errors")).to_contain_text("two decimal places")
    expect(page.get_by_label("Identification number column")).to_have_value("2")  # guessed from "No. KP"
    assert_fits(page, "a spreadsheet row to correct", tmp_path / "sheet-wrong.png")
    page.get_by_role("link", name="UPLOAD AGAIN").click()
    page.get_by_label("Choose File").set_input_files(str(right))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#sheet-matched")).to_have_text("3")
    assert_fits(page, "the spreadsheet preview", tmp_path / "sheet-right.png")
    page.get_by_role("button", name="PUT INTO THE DRAFT").click()
    expect(page.locator("#total-amount")).to_have_text("RM 155.10")
    context.close()
