"""Issue 10, "Nothing off-screen at 360 px": every page the demo employer and the demo officer can reach,
and the htmx states in between (pencil open, errors shown, the text-file error table), measured on a
360 x 740 phone in English and again in Bahasa Melayu (longer labels).

The walk follows every link of every page (downloads, the language switch and LOGOUT aside), at most
PER_KIND pages of one kind (the same path with other ids), and does by hand what links cannot: opening a
month, the pencil, uploads, COMPLETE, SUBMIT, CONFIRM, Update Add New Employee, the searches. Every page and
state is measured with tests/e2e/phone.py; the test reports all the problems found at once.
"""

import re
from collections import deque
from datetime import date
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.phone import PHONE_360, problems
from tests.e2e.test_portal_id_journey import DEMO_PASSWORD, PDF, log_in
from webapp import help as content
from webapp.clock import malaysia_today
from webapp.demo import mykad

PER_KIND = 2
SKIP = re.compile(r"(\.pdf|\.txt|\.csv)$|/language/|/logout|/certificate$|/documents/\d+$|/letters/|/generated/")
# An arrears month of the demo employer with three employees (started 01/2018, 01/2018 and 06/2016).
ARREARS = "2018-01"


class Walk:
    """Visits pages in a 360 px Chromium page, measures each, and remembers every GET page it saw."""

    def __init__(self, page, base_url: str, shots=None):
        self.page = page
        self.base = base_url
        self.shots = shots  # a folder for a screenshot of every page and state measured
        self.found: dict[str, list[str]] = {}
        self.seen: set[str] = set()
        self.kinds: dict[str, int] = {}
        self.pages: list[str] = []  # GET pages, to measure again in the other language

    def measure(self, what: str) -> None:
        self.page.wait_for_load_state()
        self.found[what] = problems(self.page)
        if self.shots:
            name = re.sub(r"[^A-Za-z0-9]+", "-", what).strip("-") or "home"
            self.page.screenshot(path=str(self.shots / f"{len(self.found):03d}-{name}.png"), full_page=True)

    def here(self) -> str:
        parts = urlsplit(self.page.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def _key(self, url: str) -> str:
        parts = urlsplit(url)
        path = re.sub(r"^/help/[^/]+$", "/help/TOPIC", parts.path)  # every topic: help_pages() measures them
        return re.sub(r"\d+", "N", path) + "?" + ",".join(sorted(k for k, _ in parse_qsl(parts.query)))

    def wanted(self, url: str) -> bool:
        if url in self.seen or SKIP.search(urlsplit(url).path):
            return False
        return self.kinds.get(self._key(url), 0) < PER_KIND

    def links(self) -> list[str]:
        hrefs = self.page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
        local = []
        for href in hrefs:
            parts = urlsplit(href)
            if href.startswith(self.base) and parts.path:
                local.append(parts.path + (f"?{urlencode(parse_qsl(parts.query))}" if parts.query else ""))
        return local

    def visit(self, url: str, what: str | None = None) -> None:
        """Open `url` as a full page and measure it (once per URL, at most PER_KIND per kind)."""
        self.seen.add(url)
        self.kinds[self._key(url)] = self.kinds.get(self._key(url), 0) + 1
        response = self.page.goto(url)
        assert response is not None and response.status < 500, f"{url} answered {response and response.status}"
        self.pages.append(url)
        self.measure(what or url)

    def crawl(self, start: str | None = None, limit: int = 120, only: str = "") -> None:
        """Every page reachable by links from `start` (or from the page now shown), whose path starts `only`."""
        queue = deque([start] if start else [])
        queue.extend(self.links())
        visited = 0
        while queue and visited < limit:
            url = queue.popleft()
            if not self.wanted(url) or not url.startswith(only):
                continue
            self.visit(url)
            visited += 1
            queue.extend(u for u in self.links() if self.wanted(u))

    def again_in_malay(self) -> None:
        self.page.goto("/language/ms?next=/")
        for url in dict.fromkeys(self.pages):
            self.page.goto(url)
            self.measure(f"{url} (BM)")
        self.page.goto("/language/en?next=/")

    def report(self, minimum: int) -> None:
        assert len(self.found) >= minimum, f"only {len(self.found)} pages and states measured: {sorted(self.found)}"
        bad = {what: found for what, found in self.found.items() if found}
        lines = [f"{what}: " + "; ".join(found[:6]) + (f" (+{len(found) - 6})" if len(found) > 6 else "")
                 for what, found in bad.items()]
        assert not bad, (f"{len(bad)} of {len(self.found)} pages and states do not fit a 360 px phone:\n"
                         + "\n".join(lines))


@pytest.fixture
def phone(browser, base_url):
    context = browser.new_context(base_url=base_url, **PHONE_360)
    yield context.new_page()
    context.close()


def open_month(walk: Walk, month: str | None = None) -> None:
    """CONTRIBUTION, SOCSO + EIS: the first pending month (✎), or ARREARS CONTRIBUTION for `month`."""
    page = walk.page
    page.goto("/contribution/combined/")
    if month:
        page.locator("#month").fill(month)
        page.get_by_role("button", name="ARREARS CONTRIBUTION").click()
    else:
        page.get_by_role("button", name=re.compile(r"^Update contribution for")).first.click()
    expect(page.get_by_role("heading", name=re.compile("Employer Contribution"))).to_be_visible()


def the_month(walk: Walk) -> None:
    """The month's page, the pencil open, a wrong salary, a saved salary, 50 a page, the no-JS pencil page."""
    page = walk.page
    open_month(walk)
    month_page = walk.here()
    walk.pages.append(month_page)
    walk.measure("month page")
    first = page.locator("table.lines tbody tr").first
    first.get_by_role("link", name=re.compile("^Edit")).click()
    salary = page.locator("table.lines").get_by_label("Salary (RM)")
    expect(salary).to_be_visible()
    walk.measure("month page, pencil open")
    salary.fill("abc")
    page.locator("table.lines").get_by_role("button", name="SAVE").click()
    expect(page.locator("table.lines .error:not([hidden])")).to_be_visible()
    walk.measure("month page, pencil with a wrong salary")
    page.locator("table.lines").get_by_label("Salary (RM)").fill("1560.10")
    page.locator("table.lines").get_by_role("button", name="SAVE").click()
    expect(page.locator("table.lines")).to_contain_text("RM 1,560.10")
    walk.measure("month page, salary saved")
    first.get_by_role("link", name="How is this amount made?").click()
    expect(page.locator("#how")).to_be_visible()
    walk.pages.append(walk.here())
    walk.measure("calculator, from How is this amount made?")
    page.goto(month_page)
    walk.crawl(limit=20, only="/contribution/s/")  # paging, 50 a page, the pencil pages without JavaScript


def text_file_errors(walk: Walk, tmp_path) -> None:
    page = walk.page
    page.goto("/contribution/combined/textfile")
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("E9000000001R" + " " * 20 + "1234" + " " * 250 + "\r\nshort line\r\n")
    page.get_by_label("Choose File").set_input_files(str(wrong))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#upload-result tbody tr").first).to_be_visible()
    walk.measure("text file, the error table")


def submit_a_month(walk: Walk) -> None:
    """ARREARS CONTRIBUTION for a small month: salaries, COMPLETE, summary, SUBMIT, CONFIRM, acknowledgement."""
    page = walk.page
    open_month(walk, ARREARS)
    rows = page.locator("table.lines tbody tr")
    count = rows.count()
    assert count > 0, f"no employee in {ARREARS}"
    for index in range(count):
        rows.nth(index).get_by_role("link", name=re.compile("^Edit")).click()
        page.locator("table.lines").get_by_label("Salary (RM)").fill(f"{1500 + 250 * index}.00")
        page.locator("table.lines").get_by_role("button", name="SAVE").click()
        expect(rows.nth(index).get_by_role("link", name=re.compile("^Edit"))).to_be_visible()
    page.get_by_role("button", name="COMPLETE").click()
    expect(page.get_by_text("SUBMIT", exact=True)).to_be_visible()
    walk.pages.append(walk.here())
    walk.measure("summary")
    page.get_by_text("SUBMIT", exact=True).click()
    walk.measure("summary, Proceed for Submission?")
    page.get_by_role("button", name="CONFIRM").click()
    expect(page.get_by_role("heading", name="Acknowledgement Contribution Received")).to_be_visible()
    walk.pages.append(walk.here())
    walk.measure("acknowledgement")


def registration_update(walk: Walk, tmp_path) -> None:
    """Update Add New Employee: Form 2 with a row, the employee forms with errors, documents, confirmation."""
    page = walk.page
    page.goto("/registration/")
    page.get_by_role("button", name="Update Add New Employee").click()
    expect(page.get_by_role("heading", name="Form 2 - Employee's Registration Form")).to_be_visible()
    walk.measure("Form 2, empty listing")
    page.get_by_role("link", name="ADD EMPLOYEE", exact=True).click()
    page.get_by_label("Identification No.", exact=True).fill(mykad(date(1985, 2, 2), 300, False))
    page.get_by_role("button", name="SEARCH").click()
    expect(page.locator("#found")).to_be_visible()
    walk.measure("ADD EMPLOYEE, found by SEARCH")
    page.get_by_role("button", name="SAVE").click()
    expect(page.locator(".error").first).to_be_visible()
    walk.measure("ADD EMPLOYEE, errors shown")
    page.get_by_label("Employment Start Date", exact=True).fill(malaysia_today().replace(day=1).isoformat())
    page.get_by_role("button", name="SAVE").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    walk.pages.append(walk.here())
    walk.measure("Form 2, New Employee(s) Listing with a row")
    page.get_by_role("link", name="ADD FOREIGN EMPLOYEE").click()
    page.get_by_role("button", name="SAVE").click()
    expect(page.locator(".error").first).to_be_visible()
    walk.measure("ADD FOREIGN EMPLOYEE, errors shown")
    page.goto(walk.pages[-1])
    page.get_by_role("link", name="SAVE & CONTINUE").click()
    document = tmp_path / "borang-2.pdf"
    document.write_bytes(PDF)
    page.get_by_label("Supporting Document", exact=True).select_option(index=1)
    page.get_by_label("Choose File", exact=True).set_input_files(str(document))
    page.get_by_role("button", name="ADD DOCUMENT").click()
    expect(page.get_by_role("cell", name="borang-2.pdf")).to_be_visible()
    walk.pages.append(walk.here())
    walk.measure("Upload Supporting Document with a document")
    page.get_by_role("link", name="SUBMIT").click()
    expect(page.get_by_text("Proceed for Submission?")).to_be_visible()
    walk.measure("registration, Proceed for Submission?")
    page.get_by_role("button", name="CONFIRM").click()
    page.wait_for_load_state()
    walk.measure("registration, after CONFIRM")


def employer_forms_with_errors(walk: Walk) -> None:
    page = walk.page
    for kind in ("", "?kind=domestic"):
        page.goto(f"/registration/employer{kind}")
        page.get_by_role("button", name="SAVE & CONTINUE").click()
        expect(page.locator(".error").first).to_be_visible()
        walk.measure(f"Form 1{kind}, errors shown")


def searches(walk: Walk) -> None:
    page = walk.page
    page.goto("/employees/")
    page.get_by_label("Search by name or identification number").fill("bin")
    expect(page).to_have_url(re.compile(r"q=bin"))
    walk.measure("employees, searched")
    page.goto("/contribution/history")
    page.get_by_role("button", name="SEARCH").click()
    walk.measure("transaction history, searched")


def pay_online(walk: Walk) -> None:
    """QRG 5 / 7: tick, ADD TO CART, the magnifier, PROCEED TO SUMMARY, CONTINUE, FPX Payment (both models),
    declined at the simulated bank, TRY AGAIN, approved: Payment Status, Receipt Generated, END."""
    page = walk.page
    page.goto("/payment/")
    walk.pages.append(walk.here())
    walk.measure("PAYMENT")
    page.locator("input[name=item]").first.check()
    page.get_by_role("button", name="ADD TO CART").click()
    expect(page.locator("#cart-count")).to_have_text("1")
    walk.measure("PAYMENT, one item in the cart")
    page.get_by_role("link", name=re.compile("^Employees and amounts of")).first.click()
    walk.pages.append(walk.here())
    walk.measure("PAYMENT, the magnifier")
    page.goto("/payment/summary")
    walk.pages.append(walk.here())
    walk.measure("Payment Cart")
    page.get_by_role("link", name="CONTINUE").click()
    page.get_by_label("Corporate to Corporate (B2B1)").check()
    expect(page.locator("#banks")).to_contain_text("Affin Bank (Offline)")
    walk.measure("FPX Payment, Corporate to Corporate")
    page.get_by_label("Personal to Corporate (B2C)").check()
    expect(page.locator("#banks")).to_contain_text("BSN (Offline)")
    walk.pages.append(walk.here())
    walk.measure("FPX Payment")
    for outcome in ("Insufficient funds", "Approve"):
        page.get_by_label("Bank List").select_option(label="SBI Bank A")
        page.get_by_role("button", name="PROCEED").click()
        page.get_by_role("button", name=re.compile(rf"^{outcome}")).click()
        expect(page.get_by_role("heading", name="Payment Status")).to_be_visible()
        walk.pages.append(walk.here())
        walk.measure(f"Payment Status after {outcome}")
        if outcome != "Approve":
            page.get_by_role("link", name="TRY AGAIN").click()
            page.get_by_role("link", name="CONTINUE").click()
    page.get_by_role("link", name="RECEIPT", exact=True).click()
    walk.pages.append(walk.here())
    walk.measure("Receipt Generated")
    page.get_by_role("link", name="END").click()
    walk.pages.append(walk.here())
    walk.measure("END")


def test_every_employer_page_fits_a_360px_phone(phone, base_url, tmp_path):
    walk = Walk(phone, base_url, tmp_path)
    log_in(phone, "employer@demo.assist.test", DEMO_PASSWORD)
    expect(phone.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()
    walk.measure("dashboard")
    the_month(walk)
    text_file_errors(walk, tmp_path)
    submit_a_month(walk)
    employer_forms_with_errors(walk)
    searches(walk)
    registration_update(walk, tmp_path)
    pay_online(walk)
    walk.crawl("/employer/dashboard")
    walk.again_in_malay()
    phone.get_by_role("button", name="LOGOUT").click()
    expect(phone.get_by_role("heading", name=re.compile("logged out", re.I))).to_be_visible()
    walk.measure("logged out")
    walk.report(minimum=60)


def help_pages(walk: Walk) -> None:
    """Every help topic (the QRG steps and the FAQ) and a search with its results marked."""
    for topic in content.topics():
        walk.visit(f"/help/{topic.id}")
    walk.visit("/help?q=SAVE+DRAFT", "help, searched for SAVE DRAFT")
    expect(walk.page.locator("#help-results mark").first).to_be_visible()


def test_every_public_and_officer_page_fits_a_360px_phone(phone, base_url, tmp_path):
    walk = Walk(phone, base_url, tmp_path)
    walk.crawl("/")
    help_pages(walk)
    phone.goto("/portal-id/register")
    phone.get_by_role("button", name="SUBMIT").click()
    expect(phone.locator(".error").first).to_be_visible()
    walk.measure("Portal ID Registration, errors shown")
    phone.get_by_label("Company Name").fill("Kedai Telefon Kecil")
    phone.get_by_label("SSM / Business Registration No.").fill("JM0999999-X")
    phone.get_by_label("Applicant's Name").fill("Nurul Huda binti Abdul Rahman")
    phone.get_by_label("Applicant's MyKad No.").fill("901225-08-5344")
    phone.get_by_label("Designation").fill("Pengurus")
    phone.get_by_label("Email Address").fill("huda@kedaitelefon.com.my")
    phone.get_by_label("Phone No.").fill("012-345 6789")
    certificate = tmp_path / "ssm.pdf"
    certificate.write_bytes(PDF)
    phone.get_by_label("SSM Certificate").set_input_files(str(certificate))
    phone.get_by_role("button", name="SUBMIT").click()
    expect(phone.get_by_role("heading", name="Application received")).to_be_visible()
    walk.measure("Portal ID Registration, submitted")
    phone.goto("/calculator?wages=abc&month=2024-10&age=30")
    walk.measure("calculator, an error shown")
    phone.goto("/calculator?wages=2000&month=2024-10&age=30")
    expect(phone.locator("#total")).to_be_visible()
    walk.measure("calculator, the contributions shown")
    phone.goto("/employer/login")
    phone.get_by_label("Email Address").fill("officer@demo.assist.test")
    phone.get_by_role("button", name="NEXT").click()
    phone.get_by_label("Password", exact=True).fill("not the password")
    phone.get_by_role("button", name="LOGIN").click()
    expect(phone.locator(".error").first).to_be_visible()
    walk.measure("login, wrong password")

    log_in(phone, "officer@demo.assist.test", DEMO_PASSWORD)
    expect(phone.get_by_role("heading", name="Portal ID applications")).to_be_visible()
    walk.measure("officer, applications")
    phone.get_by_role("link", name=re.compile(r"^PID")).first.click()
    phone.get_by_role("button", name="REJECT").click()
    expect(phone.locator("#reject-form .error")).to_be_visible()
    walk.measure("officer, REJECT without a reason")
    phone.goto("/officer/employers/")
    phone.get_by_label("Employer code, name or registration number").fill("kedai")
    expect(phone).to_have_url(re.compile(r"q=kedai"))
    walk.measure("officer, employers found")
    walk.crawl("/officer/")
    walk.crawl("/officer/employers/?q=kedai")
    walk.again_in_malay()
    walk.report(minimum=25 + len(content.topics()))
