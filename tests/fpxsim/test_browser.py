"""The exchange's pages in a real browser (Debian's Chromium) on a 360 px phone: the bank page is readable,
the result page's external script takes the buyer back to the merchant (twice with double_submit), and
without JavaScript the <noscript> button does."""

from html import escape

import pytest

from tests.fpxsim.conftest import AR_PATH

pytestmark = pytest.mark.e2e
PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def merchant_page(sim_url: str, fields: dict) -> str:
    """What the portal's PROCEED page does: a form POST of the signed AR to the exchange."""
    inputs = "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in fields.items())
    return f'<form method="post" action="{sim_url}{AR_PATH}">{inputs}<button>PROCEED</button></form>'


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    yield context
    context.close()


def start(page, sim, ar):
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.set_content(merchant_page(sim.sim.url, ar))
    page.get_by_role("button", name="PROCEED").click()
    return problems


def test_the_bank_page_fits_a_phone_and_the_script_returns_the_buyer(sim, phone):
    page = phone.new_page()
    ar = sim.ar(bank="TEST0021")
    problems = start(page, sim, ar)
    page.wait_for_url("**/FPXMain/bank/*")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator("iframe").count() == 0
    buttons = page.get_by_role("button")
    assert buttons.count() == 13  # the scenario's button and the 12 outcomes of a B2C payment
    for index in range(buttons.count()):
        button = buttons.nth(index)
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360 and box["height"] >= 44
        assert float(button.evaluate("b => getComputedStyle(b).fontSize").removesuffix("px")) >= 16
        assert button.evaluate("b => b.scrollWidth <= b.clientWidth")  # the label is not cut off
    page.get_by_role("button", name="Approve (00)").click()
    page.wait_for_url(sim.merchant.indirect_url)
    assert page.locator("#merchant").is_visible()
    [indirect] = sim.merchant.received("indirect", ar["fpx_sellerExOrderNo"])
    assert sim.verified(indirect) and indirect["fpx_debitAuthCode"] == "00"
    assert sim.merchant.wait_for("direct", ar["fpx_sellerExOrderNo"])[0] == indirect
    assert problems == []  # no script or CSP errors on the way


def test_double_submit_posts_the_indirect_ac_twice_from_the_browser(sim, phone):
    sim.sim.scenario(rules=[{"auto": True, "indirect_ac": {"double_submit": True}}])
    page = phone.new_page()
    ar = sim.ar(bank="TEST0022")
    problems = start(page, sim, ar)
    page.wait_for_url(sim.merchant.indirect_url)
    copies = sim.merchant.wait_for("indirect", ar["fpx_sellerExOrderNo"], count=2)
    assert len(copies) == 2 and copies[0] == copies[1] and copies[0]["fpx_debitAuthCode"] == "51"
    assert problems == []


def test_without_javascript_the_noscript_button_returns_the_buyer(sim, browser):
    context = browser.new_context(**PHONE, java_script_enabled=False)
    page = context.new_page()
    ar = sim.ar(bank="TEST0021")
    page.set_content(merchant_page(sim.sim.url, ar))
    page.get_by_role("button", name="PROCEED").click()
    page.get_by_role("button", name="Cancel at login (1C)").click()
    page.get_by_role("button", name="Continue to the merchant").click()
    page.wait_for_url(sim.merchant.indirect_url)
    [indirect] = sim.merchant.received("indirect", ar["fpx_sellerExOrderNo"])
    assert indirect["fpx_debitAuthCode"] == "1C" and sim.verified(indirect)
    context.close()
