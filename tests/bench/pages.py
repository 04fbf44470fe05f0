"""Logged-in pages under waitress beside the login page, measured in the same run with wrk (demo data).

Each page is measured right after a run on the login page and given as a share of it (the budget is half):
the figures of this shared machine move from run to run, their ratio much less.
"""

import http.client
import re
import statistics
import urllib.parse

from tests.bench import throughput
from tests.support import CSRF_META

DEMO_EMAIL, DEMO_PASSWORD = "employer@demo.assist.test", "Demo-Password-2026"
BROWSER = {"Accept-Encoding": "br, gzip", "Accept-Language": "ms"}


class Session:
    """The demo employer in a browser: one cookie, the last CSRF token seen."""

    def __init__(self, base: str):
        self.port, self.cookie, self.token = urllib.parse.urlsplit(base).port, "", ""

    def send(self, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": self.cookie, "Content-Type": "application/x-www-form-urlencoded"}
        body = urllib.parse.urlencode({"csrf_token": self.token, **form}) if form is not None else None
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            self.cookie = value.split(";", 1)[0]
        if found := CSRF_META.search(text):
            self.token = found.group(1)
        return response, text


def log_in_with_a_draft(base: str) -> tuple[str, int, int]:
    """The demo employer logged in with the draft of the month now due open: (cookie, draft id, a line id)."""
    browser = Session(base)
    browser.send("GET", "/employer/login")
    browser.send("POST", "/employer/login", {"step": "email", "email": DEMO_EMAIL})
    answer, _ = browser.send("POST", "/employer/login", {"step": "password", "email": DEMO_EMAIL,
                                                         "password": DEMO_PASSWORD})
    assert answer.status == 303, "the demo employer could not log in"
    _, pending = browser.send("GET", "/contribution/combined/")
    month, kind = re.search(r'name="month" value="([\d-]+)"><input type="hidden" name="type" value="(\w+)"',
                            pending).groups()
    answer, _ = browser.send("POST", "/contribution/combined/open", {"month": month, "type": kind})
    draft = int(answer.headers["Location"].rsplit("/", 1)[1])
    _, page = browser.send("GET", f"/contribution/s/{draft}")
    return browser.cookie, draft, int(re.search(r'id="line-(\d+)"', page).group(1))


def pages(draft: int, line: int) -> list[tuple[str, str, dict]]:
    htmx = {"HX-Request": "true"}
    return [("dashboard", "/employer/dashboard", {}), ("pending list", "/contribution/combined/", {}),
            ("employees page", "/employees/", {}), ("contribution employees", f"/contribution/s/{draft}", {}),
            ("  50 a page", f"/contribution/s/{draft}?per=50", {}),
            ("pencil: open (htmx)", f"/contribution/s/{draft}/lines/{line}?edit=1&number=1", htmx),
            ("totals (htmx)", f"/contribution/s/{draft}/totals", htmx), ("PAYMENT", "/payment/", {}),
            ("transaction history", "/contribution/history", {})]


def measure(base: str, rounds: int = 2) -> tuple[float, list[tuple[str, float, float]]]:
    """(login page req/s, [(page, req/s, share of the login page's req/s)]), medians over `rounds`."""
    cookie, draft, line = log_in_with_a_draft(base)
    login_url = f"{base}/employer/login"
    throughput.wrk(login_url, BROWSER)  # warm-up
    logins, results = [], []
    for name, path, headers in pages(draft, line):
        rates, shares = [], []
        for _ in range(rounds):
            login_rate = throughput.wrk(login_url, BROWSER, seconds=3)
            rate = throughput.wrk(base + path, {**BROWSER, **headers, "Cookie": cookie}, seconds=3)
            logins.append(login_rate)
            rates.append(rate)
            shares.append(rate / login_rate)
        results.append((name, statistics.median(rates), statistics.median(shares)))
    return statistics.median(logins), results
