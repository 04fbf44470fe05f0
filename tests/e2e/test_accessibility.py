"""axe-core in Chromium: no serious or critical accessibility violation on the main pages."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.test_portal_id_journey import DEMO_PASSWORD, log_in

SERIOUS = {"serious", "critical"}


def violations(page) -> list[str]:
    results = Axe().run(page)
    assert results.response["passes"], "axe did not run"
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in results.response["violations"]
            if v.get("impact") in SERIOUS]


def test_public_pages(page):
    for path in ("/", "/employer/login", "/portal-id/register", "/calculator?wages=2000&month=2024-10&age=30",
                 "/help"):
        page.goto(path)
        assert violations(page) == [], path


def test_employer_pages(page):
    log_in(page, "employer@demo.assist.test", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Majikan Demo")).to_be_visible()
    for path in ("/employer/dashboard", "/employees/", "/registration/", "/contribution/combined/",
                 "/payment/", "/contribution/history", "/employer/statements", "/employer/reminders"):
        page.goto(path)
        assert violations(page) == [], path
