"""Help where it is needed, on a 360 px phone: from the month's page to its QRG step, a search for a button
label (active search), and "How is this amount made?" to the calculator filled in for that employee."""

import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests.e2e.phone import PHONE_360, assert_fits
from tests.e2e.test_portal_id_journey import DEMO_PASSWORD, log_in

MONTH = "2019-03"  # an arrears month of the demo employer that no other browser test submits


def in_view(page, locator) -> dict:
    """The element's box, checked to be a touch target inside the 360 px screen."""
    box = locator.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    assert box["height"] >= 43.5 and box["width"] >= 43.5, box
    return box


def test_help_link_search_and_how_an_amount_is_made_at_360px(browser, base_url, tmp_path):
    context = browser.new_context(base_url=base_url, **PHONE_360)
    page = context.new_page()
    shot = tmp_path / "does-not-fit.png"
    log_in(page, "employer@demo.assist.test", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()

    # The month's page (QRG 4): ARREARS CONTRIBUTION for a month, a salary through the pencil.
    page.goto("/contribution/combined/")
    page.locator("#month").fill(MONTH)
    page.get_by_role("button", name="ARREARS CONTRIBUTION").click()
    expect(page.get_by_role("heading", name=re.compile("Employer Contribution"))).to_be_visible()
    month_page = page.url
    row = page.locator("table.lines tbody tr").first
    row.get_by_role("link", name=re.compile("^Edit")).click()
    page.locator("table.lines").get_by_label("Salary (RM)").fill("2345.67")
    page.locator("table.lines").get_by_role("button", name="SAVE").click()
    expect(row).to_contain_text("RM 2,345.67")
    amount = row.locator("td.num").nth(1).inner_text().split("\n")[0].strip()
    assert re.fullmatch(r"RM \d+\.\d\d", amount), amount
    assert_fits(page, "the month's page", shot)

    # The help link, in the header, goes to the step this page implements.
    help_link = page.locator("#help-link")
    expect(help_link).to_have_accessible_name("Help")
    expect(help_link).to_have_attribute("title", "Update employees' wages one by one (data entry)")
    in_view(page, help_link)
    help_link.click()
    expect(page).to_have_url(re.compile(r"/help/data-entry$"))
    expect(page.get_by_role("heading", name="Update employees' wages one by one (data entry)")).to_be_visible()
    steps = page.locator("ol.help-steps")
    for label in ("SAVE DRAFT", "COMPLETE"):
        expect(steps.locator("b", has_text=label)).to_have_count(1)
    assert_fits(page, "help: data entry", shot)

    # Search help for a button label: results as you type (htmx), the words marked, the URL kept.
    page.get_by_role("button", name="SEARCH").click()  # the plain form takes you to /help
    expect(page).to_have_url(re.compile(r"/help\?q=$"))
    page.get_by_label("Search help, for example a button label").fill("PROCEED TO SUMMARY")
    expect(page).to_have_url(re.compile(r"q=PROCEED(\+|%20)TO(\+|%20)SUMMARY"))
    results = page.locator("#help-results")
    expect(results.locator("mark", has_text="PROCEED").first).to_be_visible()
    expect(results.get_by_role("link", name="Online payment (FPX)")).to_be_visible()
    assert_fits(page, "help: search results", shot)
    results.get_by_role("link", name=re.compile(r"^PAYMENT: choose")).click()
    expect(page.locator("ol.help-steps b", has_text="PROCEED TO SUMMARY")).to_be_visible()
    assert_fits(page, "help: payment", shot)

    # "How is this amount made?": the calculator, filled in for that employee and month.
    page.goto(month_page)
    how = page.locator("table.lines tbody tr").first.get_by_role("link", name="How is this amount made?")
    how.click()
    expect(page).to_have_url(re.compile(r"/calculator\?"))
    fields = parse_qs(urlsplit(page.url).query)
    assert fields["month"] == [MONTH] and fields["wages"] == ["2345.67"]
    expect(page.get_by_label("Monthly wages (RM)")).to_have_value("2345.67")
    expect(page.get_by_label("Contribution month")).to_have_value(MONTH)
    expect(page.get_by_label("Age of the employee")).to_have_value(fields["age"][0])
    expect(page.locator("#total")).to_have_text(amount)
    how_made = page.locator("#how")
    expect(how_made.get_by_role("heading", name="How is this amount made?")).to_be_visible()
    expect(how_made.locator("#how-socso .band")).to_contain_text("wages exceed RM 2,300.00 but not RM 2,400.00")
    expect(how_made).to_contain_text("Act 4, Third Schedule, from 06/2016, ceiling RM 4,000.00")
    expect(how_made.locator("#how-rounding")).to_contain_text("Rounding: none")
    assert_fits(page, "calculator from the pencil", shot)
    back = page.get_by_role("link", name="BACK")
    in_view(page, back)
    back.click()
    expect(page).to_have_url(month_page)
    context.close()
