"""The calculator updates as the employer types (htmx), and the URL keeps the answers."""

import re

from playwright.sync_api import expect


def test_calculator_updates_as_you_type(page):
    page.goto("/")
    page.get_by_role("link", name="Contribution calculator").click()
    page.get_by_label("Contribution month").fill("2024-10")
    page.get_by_label("Monthly wages (RM)").fill("2000")
    expect(page.locator("#total-employer")).to_have_text("RM 38.05")
    expect(page.locator("#total-employee")).to_have_text("RM 13.65")
    page.get_by_label("Foreign worker").check()
    expect(page.locator("#total-employee")).to_have_text("RM 9.75")
    expect(page).to_have_url(re.compile(r"wages=2000"))
    page.get_by_label("Monthly wages (RM)").fill("2000.001")
    expect(page.get_by_role("alert")).to_contain_text("two decimal places")
    page.reload()
    expect(page.get_by_label("Monthly wages (RM)")).to_have_value("2000.001")
