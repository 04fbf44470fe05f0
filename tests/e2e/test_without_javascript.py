"""The core flow with JavaScript off (DESIGN.md: core flows work without JavaScript): log in, open a month,
the pencil as a page of its own, COMPLETE, SUBMIT, CONFIRM, the ACR/ECR, on a 360 px phone."""

from playwright.sync_api import expect

from tests.e2e.phone import PHONE_360, assert_fits
from tests.e2e.test_portal_id_journey import DEMO_PASSWORD, log_in


def test_a_month_declared_and_confirmed_with_javascript_off(browser, base_url, tmp_path):
    context = browser.new_context(base_url=base_url, java_script_enabled=False, **PHONE_360)
    page = context.new_page()
    log_in(page, "employer2@demo.assist.test", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Majikan Kedua")).to_be_visible()
    page.goto("/contribution/combined/")
    page.locator("#month").fill("2024-05")
    page.get_by_role("button", name="ARREARS CONTRIBUTION").click()
    expect(page.get_by_role("heading", name="05/2024")).to_be_visible()
    rows = page.locator("table.lines tbody tr")
    expect(rows).to_have_count(3)
    for index in range(3):
        page.locator("table.lines tbody tr").nth(index).get_by_role("link", name="Edit").click()
        expect(page.get_by_label("Salary (RM)")).to_be_visible()
        page.wait_for_load_state()
        assert_fits(page, "the pencil as a page", tmp_path / "pencil.png")
        page.get_by_label("Salary (RM)").fill("2000.00")
        page.get_by_role("button", name="SAVE").click()
        expect(page.get_by_role("heading", name="05/2024")).to_be_visible()
    expect(page.locator("#total-amount")).to_have_text("RM 155.10")
    page.get_by_role("button", name="COMPLETE").click()
    expect(page.locator("#summary-amount")).to_have_text("RM 155.10")
    page.get_by_text("SUBMIT", exact=True).click()  # <details>: opens without JavaScript
    page.get_by_role("button", name="CONFIRM").click()
    expect(page.get_by_role("heading", name="Acknowledgement Contribution Received")).to_be_visible()
    assert [n[:3] for n in page.locator(".ack-number").all_inner_texts()] == ["ACR", "ECR"]
    page.wait_for_load_state()
    assert_fits(page, "the acknowledgement without JavaScript", tmp_path / "ack.png")
    context.close()
