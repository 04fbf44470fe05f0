"""Issue 10, "Figures that agree everywhere": on a slow link, rows saved quickly one after the other leave
on screen the totals the server has, whatever order the answers come back in; a form tapped twice goes once.

Chromium runs with a slow mobile link (CDP Network.emulateNetworkConditions). On top of it the test holds
the answers of the pencil's saves (and of any separate totals request) and lets them go in the worst order a
mobile link can produce: the server has already done the work, only the answer is late.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.phone import PHONE_360
from tests.e2e.test_portal_id_journey import DEMO_PASSWORD, log_in

SAVES = re.compile(r"/contribution/s/\d+/(lines/\d+|totals)(\?|$)")
TOTAL = re.compile(r'id="total-amount">([^<]+)<')


class LateAnswers:
    """Answers to row saves (POST) and totals requests, fetched from the server at once but held back."""

    def __init__(self, page):
        self.page = page
        self.held = []  # (route, answer), oldest first
        self.requests = 0
        page.route(SAVES, self._hold)

    def _hold(self, route):
        if route.request.method == "POST" or "/totals" in route.request.url:
            self.held.append((route, route.fetch()))
            self.requests += 1  # counted once the server has answered
        else:
            route.continue_()

    def wait_for(self, count: int, rounds: int = 30) -> bool:
        """Let the browser work until `count` requests were held in all (False if it never sends them)."""
        for _ in range(rounds):
            if self.requests >= count:
                return True
            self.page.wait_for_timeout(50)
        return False

    def release(self, newest_first: bool = False) -> int:
        """Deliver what is held; returns how many answers went out."""
        answers = list(reversed(self.held)) if newest_first else list(self.held)
        self.held.clear()
        for route, answer in answers:
            route.fulfill(response=answer)
        return len(answers)

    def settle(self) -> None:
        """Deliver everything, oldest first, until the page has nothing more on its way."""
        for _ in range(40):
            self.release()
            self.page.wait_for_timeout(100)
            if not self.held and not self.page.locator(".htmx-request").count():
                return
        raise AssertionError("the page kept sending requests")


def server_total(page, submission_url: str) -> str:
    """Total Contribution Amount as the server computes it now (a request of its own, not the page's)."""
    answer = page.request.get(submission_url + "/totals", headers={"HX-Request": "true"})
    return TOTAL.search(answer.text()).group(1)


def rows_total(page) -> str:
    """The sum of the Amount (RM) column as the rows on screen show it."""
    cells = page.locator("table.lines tbody tr td:nth-child(8)").all_inner_texts()
    total = sum(Decimal(cell.removeprefix("RM ").replace(",", "")) for cell in cells)
    return f"RM {total:,.2f}"


def open_pencil(page, row, salary: str) -> None:
    row.get_by_role("link", name=re.compile("^Edit")).click()
    row.get_by_label("Salary (RM)").fill(salary)


@pytest.fixture
def slow_phone(browser, base_url):
    context = browser.new_context(base_url=base_url, **PHONE_360)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 300,
                                                  "downloadThroughput": 60_000, "uploadThroughput": 30_000})
    yield page
    context.close()


def test_rows_saved_quickly_on_a_slow_link_leave_the_servers_totals(slow_phone):
    page = slow_phone
    log_in(page, "employer2@demo.assist.test", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()
    page.goto("/contribution/combined/")
    page.locator("#month").fill("2023-03")
    page.get_by_role("button", name="ARREARS CONTRIBUTION").click()
    expect(page.get_by_role("heading", name=re.compile(r"03.2023"))).to_be_visible()
    submission_url = re.search(r"/contribution/s/\d+", page.url).group(0)
    rows = page.locator("table.lines tbody tr")
    expect(rows).to_have_count(3)
    late = LateAnswers(page)

    # 1. A row saved while the totals of the row before are still on their way.
    open_pencil(page, rows.nth(0), "2000.00")
    open_pencil(page, rows.nth(1), "3000.00")
    rows.nth(0).get_by_role("button", name="SAVE").click()
    assert late.wait_for(1), "the first SAVE sent nothing"
    late.release()  # the row's answer arrives; a separate totals request would now be held
    expect(rows.nth(0)).to_contain_text("RM 2,000.00")
    late.wait_for(2, rounds=10)
    rows.nth(1).get_by_role("button", name="SAVE").click()
    assert late.wait_for(late.requests + 1), "the second SAVE sent nothing"
    late.release(newest_first=True)
    expect(rows.nth(1)).to_contain_text("RM 3,000.00")
    late.settle()
    assert page.locator("#total-amount").inner_text() == server_total(page, submission_url) == rows_total(page)

    # 2. Two saves whose answers come back in the reverse order.
    open_pencil(page, rows.nth(1), "2500.00")
    open_pencil(page, rows.nth(2), "1500.00")
    sent = late.requests
    rows.nth(1).get_by_role("button", name="SAVE").click()
    assert late.wait_for(sent + 1), "the first SAVE sent nothing"
    rows.nth(2).get_by_role("button", name="SAVE").click()
    late.wait_for(sent + 2)  # a client that does not wait for the first answer sends the second now
    assert late.release(newest_first=True) >= 1
    late.settle()
    expect(rows.nth(1)).to_contain_text("RM 2,500.00")
    expect(rows.nth(2)).to_contain_text("RM 1,500.00")
    assert page.locator("#total-amount").inner_text() == server_total(page, submission_url) == rows_total(page)

    # 3. COMPLETE tapped twice on the slow link: the form goes once.
    page.unroute(SAVES)
    completes = []
    page.on("request", lambda request: completes.append(request) if request.url.endswith("/complete") else None)
    page.get_by_role("button", name="COMPLETE").evaluate(
        "button => { button.click(); setTimeout(() => button.click(), 100); }")  # a second tap 0.1 s later
    expect(page.get_by_text("SUBMIT", exact=True)).to_be_visible()
    assert len(completes) == 1

