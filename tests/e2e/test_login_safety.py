"""Lockout, Forgot Password, logout and the back button, in Chromium."""

import re

from playwright.sync_api import expect

from tests.e2e.test_portal_id_journey import DEMO_PASSWORD, log_in


def test_lockout_after_five_wrong_passwords(page, live_server):
    email = "employer@demo.assist.test"
    for attempt in range(5):
        log_in(page, email, f"wrong password {attempt}")
    message = page.locator("#password-error")
    expect(message).to_contain_text("locked until")
    expect(message).to_contain_text("1-300-22-8000")
    log_in(page, email, DEMO_PASSWORD)
    expect(page.locator("#password-error")).to_contain_text("locked until")
    live_server.flask("seed-demo")  # what an administrator does for the demo accounts: unlocks them
    log_in(page, email, DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Majikan Demo")).to_be_visible()


def test_forgot_password_then_login_with_the_new_one(page, smtp):
    email = "officer@demo.assist.test"
    page.goto("/employer/login")
    page.get_by_role("link", name="Forgot Password").click()
    page.get_by_label("Email Address").fill(email)
    page.get_by_role("button", name="NEXT").click()
    expect(page.get_by_text("a link to set a new password is on its way")).to_be_visible()
    reset = [m for m in smtp.wait_for(email) if "reset" in m["Subject"]][-1]
    link = re.search(r"https?://\S+/employer/reset-password/\S+", reset.get_content()).group(0)
    page.goto(link)
    page.get_by_label("New Password", exact=True).fill("officer new passphrase 2026")
    page.get_by_label("Confirm New Password").fill("officer new passphrase 2026")
    page.get_by_role("button", name="SAVE").click()
    expect(page.get_by_text("Your password has been changed. Log in with the new password.")).to_be_visible()
    log_in(page, email, "officer new passphrase 2026")
    expect(page.get_by_role("heading", name="Portal ID applications")).to_be_visible()
    page.goto(link)
    expect(page.get_by_text("expired or was already used")).to_be_visible()


def test_logout_then_back_shows_no_employer_data(browser, base_url):
    context = browser.new_context(base_url=base_url, locale="en-GB")
    page = context.new_page()
    log_in(page, "employer@demo.assist.test", DEMO_PASSWORD)
    expect(page.get_by_text("employer@demo.assist.test")).to_be_visible()
    page.get_by_role("button", name="LOGOUT").click()
    expect(page.get_by_role("heading", name="You have logged out")).to_be_visible()
    page.go_back()
    page.wait_for_load_state()
    assert "employer@demo.assist.test" not in page.content()
    assert "Majikan Demo" not in page.content()
    storage = page.evaluate("JSON.stringify(Object.keys(sessionStorage)) + JSON.stringify(Object.keys(localStorage))")
    assert "htmx-history-cache" not in storage
    context.close()


def test_idle_warning_then_automatic_logout(browser, base_url):
    """One minute before the idle timeout a banner counts down; at zero the page logs out by itself."""
    context = browser.new_context(base_url=base_url, locale="en-GB")
    page = context.new_page()
    page.clock.install()
    log_in(page, "employer@demo.assist.test", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Majikan Demo")).to_be_visible()
    banner = page.locator("#idle-warning")
    expect(banner).to_be_hidden()
    page.clock.run_for("29:00")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("You will be logged out in")
    page.get_by_role("button", name="Stay logged in").click()
    expect(banner).to_be_hidden()
    page.clock.run_for("29:55")
    expect(page.get_by_text("You were logged out because there was no activity.")).to_be_visible()
    page.goto("/employer/dashboard")
    expect(page).to_have_url(re.compile(r"/employer/login"))
    context.close()
