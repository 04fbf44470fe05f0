"""The simulated bank: one button per outcome, scenario defaults, the B2B1 authoriser, and the result page."""

import re
from datetime import UTC, datetime

import pytest

from core import fpx
from tests.fpxsim_support import get, indirect_form, post_form

BUTTONS = ["00", "51", "1C", "1F", "1I", "1L", "BC", "1A", "1M", "09", "90", "96"]


@pytest.mark.parametrize("code", BUTTONS)
def test_each_button_answers_with_its_code_by_direct_and_indirect_ac(sim, code):
    ar, txn_id, page = sim.pay(outcome=code, bank="TEST0021")
    action, fields, submits = indirect_form(page.text)
    assert action == sim.merchant.indirect_url and submits == 1
    auth = fpx.read_ac(fields, sim.sim.certificate(), datetime.now(UTC))
    assert auth.debit_auth_code == code and auth.fpx_txn_id == txn_id and fpx.mismatches(auth, ar) == []
    assert bool(auth.debit_auth_no) == (code == "00")
    [direct] = sim.merchant.wait_for("direct", ar["fpx_sellerExOrderNo"])
    assert direct == fields


def test_b2b1_submits_to_the_authoriser_and_approves_later(sim):
    ar, txn_id, page = sim.pay(outcome="99", token=fpx.B2B1, bank="TEST0021", amount_sen=250_000)
    assert "Payment pending" in page.text
    assert indirect_form(page.text)[1]["fpx_debitAuthCode"] == "99"
    sim.merchant.wait_for("direct", ar["fpx_sellerExOrderNo"])
    authorise = get(f"{sim.sim.url}/FPXMain/bank/{txn_id}/authorise")
    assert "Authorise the payment" in authorise.text and 'value="99"' not in authorise.text
    post_form(authorise.url, {"outcome": "00"})
    direct = sim.merchant.wait_for("direct", ar["fpx_sellerExOrderNo"], count=2)
    assert [d["fpx_debitAuthCode"] for d in direct] == ["99", "00"]
    assert all(sim.verified(d) for d in direct) and direct[1]["fpx_debitAuthNo"]
    assert sim.merchant.received("indirect", ar["fpx_sellerExOrderNo"]) == []  # the later answer is direct only


def test_the_99_button_is_for_b2b1_only(sim):
    fields = sim.ar(token=fpx.B2C)
    bank_page = sim.send_ar(fields)
    assert 'value="99"' not in bank_page.text
    assert post_form(bank_page.url, {"outcome": "99"}).status == 400
    assert post_form(bank_page.url, {"outcome": "ZZ"}).status == 400
    assert 'value="99"' in sim.send_ar(sim.ar(token=fpx.B2B1)).text


@pytest.mark.parametrize("options, code", [
    ({"bank": "TEST0021"}, "00"), ({"bank": "TEST0022"}, "51"), ({"bank": "TEST0023"}, "09"),
    ({"bank": "MB2U0227"}, "00"), ({"bank": "TEST0022", "token": fpx.B2B1, "amount_sen": 12_399}, "99"),
    ({"bank": "TEST0021", "token": fpx.B2C, "amount_sen": 12_399}, "00"),
])
def test_the_scenario_button_follows_the_default_rules(sim, options, code):
    ar, _, page = sim.pay(**options)
    assert indirect_form(page.text)[1]["fpx_debitAuthCode"] == code


def test_test0023_stays_pending_until_resolved(sim):
    ar, txn_id, _ = sim.pay(bank="TEST0023")
    assert sim.sim.txn(txn_id)["status"] == "09"
    assert sim.sim.control(f"resolve/{txn_id}", {}).json()["txn"]["status"] == "00"
    codes = [d["fpx_debitAuthCode"] for d in sim.merchant.wait_for("direct", ar["fpx_sellerExOrderNo"], 2)]
    assert codes == ["09", "00"]


def test_a_second_press_or_a_refresh_changes_nothing(sim):
    ar, txn_id, page = sim.pay(outcome="51")
    bank_url = f"{sim.sim.url}/FPXMain/bank/{txn_id}"
    again = post_form(bank_url, {"outcome": "00"})
    assert indirect_form(again.text)[1] == indirect_form(page.text)[1]  # the first answer stands
    assert get(bank_url).url.endswith("/done")  # the bank page of an answered payment is its result
    assert sim.sim.txn(txn_id)["status"] == "51" and len(sim.sim.txn(txn_id)["events"]) == 1


def test_auto_skips_the_bank_page(sim):
    sim.sim.scenario(rules=[{"match": {"buyer_bank_id": "TEST0021"}, "auto": True, "outcome": "1C"}])
    ar = sim.ar(bank="TEST0021")
    page = sim.send_ar(ar)
    assert page.url.endswith("/done") and indirect_form(page.text)[1]["fpx_debitAuthCode"] == "1C"


def test_pages_are_plain_html_that_cannot_be_framed(sim):
    ar = sim.ar()
    bank_page = sim.send_ar(ar)
    result = post_form(bank_page.url, {"outcome": "00"})
    for page in (bank_page, result, sim.get("/")):
        assert "<iframe" not in page.text and "window.open" not in page.text and "<script>" not in page.text
        assert page.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]  # no inline script anywhere
    assert sim.merchant.url in result.headers["Content-Security-Policy"]  # form-action allows the merchant
    assert re.search(r'<script src="/static/autosubmit.js"></script>', result.text)
    assert "<noscript><button" in result.text
    assert "Continue: Approved (00)" in bank_page.text


def test_the_index_lists_transactions_with_their_state(sim):
    ar, txn_id, _ = sim.pay(bank="TEST0023")
    index = sim.get("/").text
    assert txn_id in index and ar["fpx_sellerOrderNo"] in index and f"/FPXMain/bank/{txn_id}/authorise" in index
