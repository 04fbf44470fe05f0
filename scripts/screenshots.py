"""The README's phone screenshots: `python scripts/screenshots.py` (or `make screenshots`).

Starts the portal on a throwaway database with the demo data (as `make run` does), opens it in Debian's
Chromium as a 360 x 740 phone and saves, in docs/screenshots/, the month's page, the pencil open, PAYMENT
and the dashboard (device scale factor 1, so the files stay small).
"""

import re
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.e2e.conftest import CHROMIUM  # noqa: E402
from tests.e2e.phone import PHONE_360, assert_fits  # noqa: E402
from tests.support import ROOT, LiveServer, free_port  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def shoot(page, name: str, at: str | None = None) -> None:
    """A screenshot of the screen as the phone shows it, scrolled so that `at` is near the top."""
    if at:
        page.locator(at).first.evaluate("e => window.scrollTo(0, e.getBoundingClientRect().top + scrollY - 12)")
    assert_fits(page, name)
    page.screenshot(path=str(OUT / f"{name}.png"))
    print(OUT / f"{name}.png")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        server = LiveServer(Path(folder), free_port(), {"MAIL_BACKEND": "console", "MAIL_WORKER": "0"}).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_context(base_url=server.url, **PHONE_360).new_page()
                page.goto("/employer/login")
                page.get_by_label("Email Address").fill("employer@demo.assist.test")
                page.get_by_role("button", name="NEXT").click()
                page.get_by_label("Password", exact=True).fill(server.env["DEMO_PASSWORD"])
                page.get_by_role("button", name="LOGIN").click()
                expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()
                shoot(page, "dashboard", "#due")
                page.goto("/contribution/combined/")
                page.get_by_role("button", name=re.compile("^Update contribution for")).first.click()
                rows = page.locator("table.lines tbody tr")
                for index, salary in enumerate(("1560.10", "2850.00")):
                    rows.nth(index).get_by_role("link", name=re.compile("^Edit")).click()
                    rows.nth(index).get_by_label("Salary (RM)").fill(salary)
                    rows.nth(index).get_by_role("button", name="SAVE").click()
                    expect(rows.nth(index).get_by_role("link", name=re.compile("^Edit"))).to_be_visible()
                shoot(page, "month", "h1")
                rows.nth(2).get_by_role("link", name=re.compile("^Edit")).click()
                rows.nth(2).get_by_label("Salary (RM)").fill("1800")
                shoot(page, "pencil", "table.lines tbody tr:nth-child(2)")
                page.goto("/payment/")
                shoot(page, "payment")
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
