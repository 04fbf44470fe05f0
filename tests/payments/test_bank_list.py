"""The FPX Payment page's Bank List comes from a signed BE/BC exchange with the simulator: offline banks are
shown and cannot be chosen; ERROR, a timeout or an unverifiable (expired) certificate leave no list and no
PROCEED. A fresh portal process per failure case, so no cached list hides it."""

from pathlib import Path

import pytest

from tests.payments.live import Browser
from webapp.payment_models import PaymentAttempt


def database_of(server) -> Path:
    return Path(server.env["DATABASE_URL"].removeprefix("sqlite:///"))


def cart_with_a_bill(world, server) -> Browser:
    browser = Browser(server.url).login()
    [number] = world.new_bills(("ACR", 5000), path=database_of(server))
    assert browser.post("/payment/cart/add", [("item", number)]).status == 200
    return browser


def test_offline_banks_are_shown_but_cannot_be_chosen(world, payer):
    [acr] = world.new_bills(("ACR", 5000))
    payer.post("/payment/cart/add", [("item", acr)])
    page = payer.get("/payment/fpx/").text
    assert '<option disabled value="BSN0601">BSN (Offline)</option>' in page
    assert '<option value="TEST0021">SBI Bank A</option>' in page
    corporate = payer.request("/payment/fpx/?model=02", headers={"HX-Request": "true"})
    assert corporate.text.lstrip().startswith('<div id="banks">') and len(corporate.body) < 4000
    assert '<option disabled value="ABB0232">Affin Bank (Offline)</option>' in corporate.text
    refused = payer.post("/payment/fpx/", {"model": "01", "bank": "BSN0601", "email": "payer@example.com"})
    assert refused.status == 422 and "This bank is offline now" in refused.text


@pytest.mark.parametrize("be", [{"ERROR": True}, {"timeout": 7}, "expired"])
def test_no_verified_bank_list_means_no_payment(world, tmp_path, be):
    if be == "expired":
        world.sim.scenario(certificate="expired")
    else:
        world.sim.scenario(be=be)
    server = world.another_portal(tmp_path)
    try:
        browser = cart_with_a_bill(world, server)
        page = browser.get("/payment/fpx/")
        assert "The bank list is not available now" in page.text
        assert "<button type=\"submit\" disabled>PROCEED</button>" in page.text
        tried = browser.post("/payment/fpx/", {"model": "01", "bank": "TEST0021", "email": "payer@example.com"})
        assert tried.status == 200 and "/go" not in tried.url
    finally:
        server.stop()
        world.sim.scenario()
    with world.store(database_of(server)):
        assert PaymentAttempt.select().count() == 0
