"""QRG 1 end to end in Chromium: apply, officer approves, temporary password by email, first login."""

import re

import pytest
from playwright.sync_api import expect

from tests.documents import PDF
from tests.e2e.conftest import PHONE
from tests.e2e.phone import assert_fits

DEMO_PASSWORD = "Demo-Password-2026"


def log_in(page, email, password):
    """The two steps of QRG 1: email, NEXT, password, LOGIN."""
    page.goto("/employer/login")
    page.get_by_label("Email Address").fill(email)
    page.get_by_role("button", name="NEXT").click()
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="LOGIN").click()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_apply_approve_and_first_login(browser, base_url, smtp, tmp_path, device):
    email = f"owner.{device}@kedaimaju.com.my"
    options = {"base_url": base_url, "locale": "en-GB", **(PHONE if device == "phone" else {})}
    applicant = browser.new_context(**options)
    page = applicant.new_page()

    def fits(what):  # on the phone every step is measured: nothing off-screen, targets >= 44 px
        if device == "phone":
            assert_fits(page, what)

    page.goto("/")
    fits("home page")
    page.get_by_role("link", name="Portal ID Registration (First Time User)").click()
    page.get_by_label("Company Name").fill("Kedai Maju Enterprise")
    page.get_by_label("SSM / Business Registration No.").fill("JM0123456-X")
    page.get_by_label("Applicant's Name").fill("Siti Aminah binti Abu")
    page.get_by_label("Applicant's MyKad No.").fill("901225-08-5344")
    page.get_by_label("Designation").fill("Owner")
    page.get_by_label("Email Address").fill(email)
    page.get_by_label("Phone No.").fill("012-345 6789")
    certificate = tmp_path / "sijil-ssm.pdf"
    certificate.write_bytes(PDF)
    page.get_by_label("SSM Certificate").set_input_files(str(certificate))
    fits("Portal ID Registration, filled in")
    page.get_by_role("button", name="SUBMIT").click()
    expect(page.get_by_role("heading", name="Application received")).to_be_visible()
    fits("Application received")
    reference = page.locator("#reference").inner_text()
    assert re.fullmatch(r"PID\d{10}", reference)
    page.screenshot(path=str(tmp_path / f"submitted-{device}.png"))

    back_office = browser.new_context(base_url=base_url, locale="en-GB")
    officer = back_office.new_page()
    log_in(officer, "officer@demo.assist.test", DEMO_PASSWORD)
    officer.get_by_role("link", name=reference).click()
    expect(officer.get_by_text("sijil-ssm.pdf")).to_be_visible()
    officer.get_by_role("button", name="APPROVE").click()
    expect(officer.get_by_text(f"Approved. The temporary password was emailed to {email}.")).to_be_visible()
    back_office.close()

    activation = [m for m in smtp.wait_for(email, 2) if "activation" in m["Subject"]][0]
    body = activation.get_content()
    assert f"URL Portal\t{base_url}/employer/login" in body
    temporary = re.search(r"Kata Laluan Sementara\t(\S+)", body).group(1)

    log_in(page, email, temporary)
    expect(page.get_by_role("heading", name="Change Password")).to_be_visible()
    fits("Change Password")
    page.goto("/employer/dashboard")  # nothing else is reachable yet
    expect(page).to_have_url(re.compile(r"/employer/change-password$"))
    page.get_by_label("New Password", exact=True).fill("kedai maju sejak 1990")
    page.get_by_label("Confirm New Password").fill("kedai maju sejak 1990")
    page.get_by_role("button", name="SAVE").click()
    expect(page.get_by_role("heading", name="Terms and Conditions for using the ASSIST Portal")).to_be_visible()
    fits("Terms and Conditions")
    page.get_by_role("button", name="I Agree").click()
    expect(page.get_by_role("heading", name="Welcome, Siti Aminah binti Abu")).to_be_visible()
    page.screenshot(path=str(tmp_path / f"dashboard-{device}.png"), full_page=True)
    fits("dashboard")
    applicant.close()
