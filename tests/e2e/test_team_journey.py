"""A team behind each employer at 360 px (issue 13): the demo clerk completes a month but cannot confirm it;
the demo approver confirms it."""

from playwright.sync_api import expect

from tests.e2e.phone import PHONE_360, assert_fits
from tests.e2e.test_portal_id_journey import DEMO_PASSWORD, log_in


def test_a_clerk_completes_and_an_approver_confirms(browser, base_url, tmp_path):
    clerk_context = browser.new_context(base_url=base_url, **PHONE_360)
    clerk = clerk_context.new_page()
    log_in(clerk, "clerk@demo.assist.test", DEMO_PASSWORD)
    expect(clerk.get_by_role("heading", name="Welcome, Kerani Demo")).to_be_visible()
    expect(clerk.get_by_role("link", name="Team", exact=True)).to_have_count(0)  # administrators only
    clerk.goto("/contribution/combined/")
    clerk.locator("#month").fill("2024-03")
    clerk.get_by_role("button", name="ARREARS CONTRIBUTION").click()
    expect(clerk.get_by_role("heading", name="03/2024")).to_be_visible()
    clerk.goto(clerk.url + "?per=50")
    rows = clerk.locator("table.lines tbody tr")
    count = rows.count()
    assert count > 20
    for index in range(count):  # the demo company: no wages this month for everyone but two
        row = rows.nth(index)
        row.get_by_role("link", name="Edit").or_(row.get_by_role("link", name="✎")).first.click()
        row = rows.nth(index)
        row.get_by_label("Status").select_option("no_wages" if index > 1 else "active")
        row.get_by_label("Salary (RM)").fill("" if index > 1 else "2000.00")
        row.get_by_role("button", name="SAVE").click()
        expect(rows.nth(index).get_by_role("button", name="SAVE")).to_have_count(0)
    clerk.get_by_role("button", name="COMPLETE").click()
    expect(clerk.locator("#approver-needed")).to_be_visible()
    expect(clerk.get_by_text("SUBMIT", exact=True)).to_have_count(0)
    assert_fits(clerk, "the clerk's summary", tmp_path / "clerk.png")
    summary = clerk.url

    approver_context = browser.new_context(base_url=base_url, **PHONE_360)
    approver = approver_context.new_page()
    log_in(approver, "approver@demo.assist.test", DEMO_PASSWORD)
    expect(approver.get_by_role("heading", name="Welcome, Pelulus Demo")).to_be_visible()
    approver.goto(summary)
    approver.get_by_text("SUBMIT", exact=True).click()
    approver.get_by_role("button", name="CONFIRM").click()
    expect(approver.get_by_role("heading", name="Acknowledgement Contribution Received")).to_be_visible()
    approver.goto(summary.replace("/summary", "/audit"))
    expect(approver.locator("#trail")).to_contain_text("Kerani Demo")
    expect(approver.locator("#trail")).to_contain_text("Pelulus Demo")
    assert_fits(approver, "the audit trail", tmp_path / "trail.png")
    clerk_context.close()
    approver_context.close()
