"""The FPX endpoints without the simulator: CSRF-exempt and session-free, unverifiable answers refused (and
kept raw), the production app refusing the simulator, the PAYMENT pages without FPX configured."""

import pytest

from tests.conftest import PASSWORD, app_config
from tests.support import login
from tests.web.test_contributions import confirmed_month
from tests.web.test_registration import registered
from webapp import create_app
from webapp.config import check
from webapp.db import database
from webapp.models import Acknowledgement
from webapp.payment_models import GatewayMessage


def test_direct_ac_needs_no_csrf_token_nor_session_and_refuses_what_it_cannot_verify(client):
    response = client.post("/fpx/direct-ac", data={"fpx_msgType": "AC", "fpx_sellerExOrderNo": "AS000000000001",
                                                   "fpx_debitAuthCode": "00", "fpx_checkSum": "00"})
    assert response.status_code == 400 and response.get_data(as_text=True) == "ERROR"  # not a CSRF refusal
    assert "Set-Cookie" not in response.headers
    with database.connection_context():
        stored = GatewayMessage.get()
    assert stored.kind == "AC-direct" and stored.verdict == "certificate"  # FPX is not configured here
    assert "fpx_debitAuthCode=00" in stored.raw


def test_indirect_ac_that_cannot_be_verified_changes_nothing_and_says_so(client):
    response = client.post("/fpx/indirect-ac", data={"fpx_msgType": "AC", "fpx_sellerExOrderNo": "AS1"})
    assert response.status_code == 400
    assert "could not be verified" in response.get_data(as_text=True)
    with database.connection_context():
        assert GatewayMessage.select().count() == 1


def test_a_body_far_larger_than_an_ac_is_refused_unread_and_not_stored(client):
    for url in ("/fpx/direct-ac", "/fpx/indirect-ac"):
        response = client.post(url, data={"fpx_msgType": "AC", "fpx_sellerExOrderNo": "AS1", "x": "y" * 100_000})
        assert response.status_code == 413 and response.get_data(as_text=True) == "ERROR"
    with database.connection_context():
        assert GatewayMessage.select().count() == 0


def test_the_production_app_refuses_the_simulated_exchange(tmp_path, smtp, monkeypatch):
    monkeypatch.setenv("FPX_SIM_ENABLED", "1")
    config = {**app_config(tmp_path, smtp.port), "ASSIST_ENV": "production", "SECRET_KEY": "x" * 40}
    with pytest.raises(RuntimeError, match="FPX_SIM_ENABLED"):
        create_app(config)  # refused before it opens anything
    check({**config, "FPX_SIM_ENABLED": False})
    check({**config, "ASSIST_ENV": "development", "FPX_SIM_ENABLED": True})  # make run


def test_without_fpx_configured_the_payment_page_says_so(client, employer):
    login(client, employer.email, PASSWORD)
    registered(client)
    confirmed_month(client)
    with database.connection_context():
        number = Acknowledgement.select().first().number
    token = client.get("/payment/").get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
    added = client.post("/payment/cart/add", data={"csrf_token": token, "item": number},
                        headers={"HX-Request": "true"})
    assert added.status_code == 200 and added.headers["HX-Trigger"] == "cart-changed"
    assert len(added.data) <= 2048 and 'id="cart"' in added.get_data(as_text=True)  # only the cart (<= 2 KB)
    page = client.get("/payment/fpx/").get_data(as_text=True)
    assert "Online payment by FPX is not available on this server." in page
    assert '<button type="submit" disabled>PROCEED</button>' in page
