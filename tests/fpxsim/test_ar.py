"""The AR endpoint: every validation code, in the documented order, with or without an AC (payments.md A.8)."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from core import fpx
from tests.fpxsim.conftest import SELLER
from tests.fpxsim_support import indirect_form


def refused(sim, response, code):
    """An error page with `code`, no transaction, and the AR logged with that code."""
    assert response.status == 400, response.text
    assert f'id="fpx-error-code">{code}<' in response.text
    assert "fpx-ac" not in response.text  # nothing goes back to the merchant


def answered_with(sim, ar, response, code):
    """An AC with `code`: the indirect-AC page and the direct AC, both genuine and identical."""
    assert response.status == 200 and response.url.endswith("/done"), response.text
    action, fields, _ = indirect_form(response.text)
    assert action == sim.merchant.indirect_url
    assert fields["fpx_debitAuthCode"] == code and sim.verified(fields)
    assert fields["fpx_sellerExOrderNo"] == ar["fpx_sellerExOrderNo"]
    direct = sim.merchant.wait_for("direct", ar["fpx_sellerExOrderNo"])
    assert direct[0] == fields
    assert sim.sim.txn(fields["fpx_fpxTxnId"])["status"] == code
    return fields


@pytest.mark.parametrize("change, code", [
    ({"fpx_buyerBankId": ""}, "XE"),
    ({"fpx_txnAmount": ""}, "XE"),
    ({"fpx_checkSum": ""}, "XE"),
    ({"fpx_msgType": "AE"}, "XE"),
    ({"fpx_msgToken": "03"}, "XM"),
])
def test_malformed_requests_get_an_error_page_and_no_ac(sim, change, code):
    ar = {**sim.ar(), **change}
    refused(sim, sim.send_ar(ar), code)
    assert sim.sim.control(f"txn?seller_ex_order_no={ar['fpx_sellerExOrderNo']}").status == 404
    [logged] = sim.sim.log_messages(seller_ex_order_no=ar["fpx_sellerExOrderNo"])
    assert logged["kind"] == "AR" and logged["code"] == code


def test_a_bad_checksum_gets_an_error_page_and_is_logged_as_invalid(sim):
    ar = sim.ar()
    tampered = {**ar, "fpx_txnAmount": "1.00"}  # the amount changed after signing
    refused(sim, sim.send_ar(tampered), "XC")
    other_key = fpx.signed({k: v for k, v in ar.items() if k != "fpx_checkSum"}, fpx.generate_private_key_pem())
    refused(sim, sim.send_ar(other_key), "XC")
    logged = sim.sim.log_messages(seller_ex_order_no=ar["fpx_sellerExOrderNo"])
    assert [(m["code"], m["signature_valid"]) for m in logged] == [("XC", False), ("XC", False)]
    assert sim.merchant.received("direct", ar["fpx_sellerExOrderNo"]) == []


def test_an_unknown_exchange_gets_46_without_an_ac(sim):
    refused(sim, sim.send_ar(sim.ar(fpx_sellerExId="EX99999999")), "46")


def test_a_second_ar_with_the_same_exchange_order_number_gets_xn_and_leaves_the_first_alone(sim):
    ar = sim.ar(bank="TEST0023")  # the first stays pending at the bank
    first = sim.send_ar(ar)
    assert first.status == 200
    again = sim.ar(bank="TEST0021", fpx_sellerExOrderNo=ar["fpx_sellerExOrderNo"], fpx_txnAmount="0.50")
    refused(sim, sim.send_ar(again), "XN")  # XN even though the amount is also wrong: no AC may name it
    txn = sim.sim.txn_by_order(ar["fpx_sellerExOrderNo"])
    assert txn["status"] is None and txn["events"] == []


@pytest.mark.parametrize("token, amount, code", [
    (fpx.B2C, "100", "13"), (fpx.B2C, "1.5", "13"), (fpx.B2C, "1,000.00", "13"), (fpx.B2C, "１.00", "13"),
    (fpx.B2C, "0.99", "2A"), (fpx.B2C, "30000.01", "48"),
    (fpx.B2B1, "1.99", "2A"), (fpx.B2B1, "1000000.01", "48"),
])
def test_amounts_outside_the_format_or_the_model_limits(sim, token, amount, code):
    ar = sim.ar(token=token, fpx_txnAmount=amount)
    answered_with(sim, ar, sim.send_ar(ar), code)


@pytest.mark.parametrize("token, amount", [(fpx.B2C, "1.00"), (fpx.B2C, "30000.00"), (fpx.B2B1, "2.00"),
                                           (fpx.B2B1, "1000000.00")])
def test_amounts_at_the_limits_reach_the_bank(sim, token, amount):
    response = sim.send_ar(sim.ar(token=token, fpx_txnAmount=amount))
    assert response.status == 200 and re.search(r"/FPXMain/bank/\d{16}$", response.url)


def test_the_ar_goes_through_the_remaining_checks_in_order(sim):
    now = datetime.now(UTC)
    cases = [
        ({"fpx_txnCurrency": "USD", "fpx_sellerId": "SE99999999"}, "47"),  # currency before seller
        ({"fpx_sellerId": "SE99999999", "fpx_sellerTxnTime": "20000101000000"}, "XS"),  # seller before time
        ({"fpx_sellerTxnTime": fpx.format_txn_time(now - timedelta(minutes=16)), "fpx_buyerBankId": "NOPE0001"},
         "XW"),
        ({"fpx_sellerTxnTime": fpx.format_txn_time(now + timedelta(minutes=16))}, "XW"),
        ({"fpx_sellerTxnTime": "2026-01-01 10:0"}, "XW"),
        ({"fpx_buyerBankId": "NOPE0001"}, "92"),
        ({"fpx_buyerBankId": "BSN0601"}, "BB"),  # offline by default in the B2C list
    ]
    for change, code in cases:
        ar = sim.ar(**change)
        answered_with(sim, ar, sim.send_ar(ar), code)


def test_a_b2c_bank_is_unknown_in_the_b2b1_list(sim):
    ar = sim.ar(token=fpx.B2B1, bank="MB2U0227")  # Maybank2U is B2C only; B2B1 has Maybank2E
    answered_with(sim, ar, sim.send_ar(ar), "92")


def test_a_bank_switched_offline_gets_bb(sim):
    sim.sim.scenario(be={"offline": ["TEST0022"]})
    ar = sim.ar(bank="TEST0022")
    answered_with(sim, ar, sim.send_ar(ar), "BB")
    ar = sim.ar(bank="BSN0601")  # the explicit list replaces the default offline banks
    assert sim.send_ar(ar).url.endswith(f"/bank/{sim.sim.txn_by_order(ar['fpx_sellerExOrderNo'])['fpx_txn_id']}")


def test_outside_operating_hours_gets_oe(sim):
    sim.sim.scenario(operating_hours="07:00-23:00")
    moment = datetime(2026, 3, 2, 23, 30, tzinfo=fpx.MALAYSIA)
    sim.sim.control("clock", {"now": moment.isoformat(), "frozen": True})
    ar = fpx.signed({**sim.ar(sign=False), "fpx_sellerTxnTime": fpx.format_txn_time(moment)}, sim.key)
    fields = answered_with(sim, ar, sim.send_ar(ar), "OE")
    assert fields["fpx_fpxTxnTime"] == "20260302233000"  # FPX's time is the sim clock's
    assert fields["fpx_fpxTxnId"].startswith("260302233000")
    sim.sim.control("clock", {"advance_s": 8 * 3600})  # 07:30 next morning
    ar = fpx.signed({**sim.ar(sign=False), "fpx_sellerTxnTime": "20260303073000"}, sim.key)
    assert "/FPXMain/bank/" in sim.send_ar(ar).url


def test_an_accepted_ar_is_logged_with_a_valid_signature_and_shows_the_bank_page(sim):
    ar = sim.ar(bank="TEST0022", amount_sen=123_45)
    page = sim.send_ar(ar)
    assert "SBI Bank B" in page.text and "RM 123.45" in page.text and ar["fpx_sellerOrderNo"] in page.text
    [logged] = sim.sim.log_messages(seller_ex_order_no=ar["fpx_sellerExOrderNo"], kind="AR")
    assert logged["signature_valid"] is True and logged["fields"] == ar
    assert SELLER.seller_id == sim.sim.control("info").json()["seller_id"]
