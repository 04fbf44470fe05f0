"""AE (status enquiry) for every state and every ae knob; BE (bank list) and its knobs."""

import time
from datetime import UTC, datetime

import pytest

from core import fpx
from tests.fpxsim.conftest import BE_PATH, SELLER
from tests.fpxsim_support import post_form


def enquire(sim, ar) -> fpx.Authorisation:
    reply = sim.ae(ar)
    assert reply.status == 200, reply.text
    return fpx.read_ae_reply(reply.text, sim.sim.certificate(), datetime.now(UTC))


def test_ae_for_an_order_fpx_never_saw_is_76(sim):
    ar = sim.ar()
    auth = enquire(sim, ar)
    assert auth.debit_auth_code == "76" and auth.outcome == fpx.NOT_FOUND and auth.fpx_txn_id == ""
    assert auth.seller_ex_order_no == ar["fpx_sellerExOrderNo"] and auth.amount_sen == 10_000


def test_ae_while_the_buyer_is_at_the_bank_is_09(sim):
    ar = sim.ar()
    txn_id = sim.send_ar(ar).url.rsplit("/", 1)[1]
    auth = enquire(sim, ar)
    assert auth.debit_auth_code == "09" and auth.fpx_txn_id == txn_id and fpx.mismatches(auth, ar) == []


def test_a_buyer_who_leaves_the_bank_page_times_out_with_1a_after_the_banks_session(sim):
    ar = sim.ar()
    txn_id = sim.send_ar(ar).url.rsplit("/", 1)[1]
    sim.sim.control("clock", {"advance_s": 14 * 60})
    assert enquire(sim, ar).debit_auth_code == "09"  # still within the bank's session
    sim.sim.control("clock", {"advance_s": 2 * 60})
    auth = enquire(sim, ar)
    assert auth.debit_auth_code == "1A" and auth.fpx_txn_id == txn_id and auth.outcome == fpx.FAILED
    assert enquire(sim, ar).debit_auth_code == "1A"  # final: asked again, the same answer


@pytest.mark.parametrize("code", ["00", "51", "1C", "09", "96"])
def test_ae_answers_the_same_signed_ac_as_the_bank_answer(sim, code):
    ar, txn_id, _ = sim.pay(outcome=code)
    reply = sim.ae(ar)
    direct = sim.merchant.wait_for("direct", ar["fpx_sellerExOrderNo"])[0]
    assert fpx.parse_reply(reply.text) == direct and enquire(sim, ar).debit_auth_code == code


def test_ae_follows_b2b1_from_99_to_00(sim):
    ar, txn_id, _ = sim.pay(outcome="99", token=fpx.B2B1)
    assert enquire(sim, ar).debit_auth_code == "99"
    sim.sim.control(f"resolve/{txn_id}", {"code": "00"})
    auth = enquire(sim, ar)
    assert auth.debit_auth_code == "00" and auth.outcome == fpx.SUCCESS


def test_ae_with_a_bad_checksum_or_wrong_exchange_is_error(sim):
    ar, _, _ = sim.pay(outcome="00")
    ae = fpx.signed(fpx.build_ae(ar), sim.key)
    url = sim.sim.url + "/FPXMain/sellerNVPTxnStatus.jsp"
    assert post_form(url, {**ae, "fpx_txnAmount": "1.00"}).text == "ERROR"
    assert post_form(url, fpx.signed({**fpx.build_ae(ar), "fpx_sellerExId": "EX9"}, sim.key)).text == "ERROR"
    assert post_form(url, {**ae, "fpx_msgType": "AR"}).text == "ERROR"
    flags = [m["signature_valid"] for m in sim.sim.log_messages(kind="AE", direction="in")]
    assert flags == [False, True, False]
    replies = sim.sim.log_messages(kind="AC-reply")
    assert len(replies) == 3 and all(m["note"].startswith("ERROR: ") for m in replies)


def test_ae_knobs_error_5xx_latency(sim):
    ar, _, _ = sim.pay(outcome="00")
    sim.sim.scenario(rules=[{"ae": {"ERROR": True}}])
    assert sim.ae(ar).text == "ERROR"
    with pytest.raises(fpx.GatewayError):
        enquire(sim, ar)
    sim.sim.scenario(rules=[{"ae": {"http_5xx": True}}])
    assert sim.ae(ar).status == 503
    sim.sim.scenario(rules=[{"ae": {"http_5xx": 502}}])
    assert sim.ae(ar).status == 502
    sim.sim.scenario(rules=[{"ae": {"latency_s": 0.6}}])
    started = time.monotonic()
    assert enquire(sim, ar).debit_auth_code == "00"
    assert time.monotonic() - started >= 0.6  # the deliberate delay happened (a lower bound, not a speed)


def test_ae_stale_keeps_saying_09_with_a_valid_signature(sim):
    ar, txn_id, _ = sim.pay(outcome="00")
    sim.sim.scenario(rules=[{"ae": {"stale": True}}])
    auth = enquire(sim, ar)
    assert auth.debit_auth_code == "09" and auth.fpx_txn_id == txn_id
    assert sim.sim.txn(txn_id)["status"] == "00"


def test_ae_not_found_until_counts_on_the_sim_clock(sim):
    sim.sim.scenario(rules=[{"ae": {"not_found_until": 120}}])
    ar, _, _ = sim.pay(outcome="00")
    assert enquire(sim, ar).debit_auth_code == "76"
    sim.sim.control("clock", {"advance_s": 121})
    assert enquire(sim, ar).debit_auth_code == "00"


def test_be_lists_per_model_with_offline_banks(sim):
    now = datetime.now(UTC)
    b2c = fpx.read_bank_list(sim.be(fpx.B2C).text, sim.sim.certificate(), now, exchange_id=SELLER.exchange_id,
                             token=fpx.B2C)
    b2b1 = fpx.read_bank_list(sim.be(fpx.B2B1).text, sim.sim.certificate(), now, exchange_id=SELLER.exchange_id,
                              token=fpx.B2B1)
    assert {"TEST0021", "TEST0022", "TEST0023"} <= {b.code for b in b2c} & {b.code for b in b2b1}
    assert "MB2U0227" in {b.code for b in b2c} and "MB2U0227" not in {b.code for b in b2b1}
    assert [b.code for b in b2c if not b.online] == ["BSN0601"]
    assert [b.code for b in b2b1 if not b.online] == ["ABB0232"]
    assert "fpx_bankList=TEST0021~A," in sim.be().text  # written as FPX writes it
    sim.sim.scenario(be={"offline": ["TEST0021", "MBB0228"]})
    b2b1 = fpx.read_bank_list(sim.be(fpx.B2B1).text, sim.sim.certificate(), now, exchange_id=SELLER.exchange_id,
                              token=fpx.B2B1)
    assert [b.code for b in b2b1 if not b.online] == ["TEST0021", "MBB0228"]


def test_be_knobs_error_and_timeout(sim):
    sim.sim.scenario(be={"ERROR": True})
    assert sim.be().text == "ERROR"
    sim.sim.scenario(be={"timeout": 0.6})
    started = time.monotonic()
    assert "fpx_bankList=" in sim.be().text
    assert time.monotonic() - started >= 0.6
    with pytest.raises(TimeoutError):  # a merchant with a shorter timeout gives up
        post_form(sim.sim.url + BE_PATH, fpx.signed(fpx.build_be(SELLER, fpx.B2C), sim.key), timeout=0.2)


def test_be_with_a_bad_checksum_or_model_is_error(sim):
    be = fpx.signed(fpx.build_be(SELLER, fpx.B2C), sim.key)
    assert post_form(sim.sim.url + BE_PATH, {**be, "fpx_version": "6.0"}).text == "ERROR"
    assert post_form(sim.sim.url + BE_PATH, fpx.signed({**fpx.build_be(SELLER, fpx.B2C), "fpx_msgToken": "03"},
                                                        sim.key)).text == "ERROR"


def cancellation(sim, ar):
    """[SIM-DEFINED] an AX: the AR's fields with msgType AX, signed in the AR order."""
    fields = {**fpx.build_ae(ar), "fpx_msgType": "AX"}
    return {**fields, "fpx_checkSum": fpx.sign(fields, sim.key, fpx.AR_CHECKSUM_FIELDS)}


def test_ax_cancels_a_payment_still_at_the_bank(sim):
    ar = sim.ar()
    sim.send_ar(ar)
    ax = cancellation(sim, ar)
    reply = post_form(sim.sim.url + "/FPXMain/sellerReqCancel.jsp", ax)
    auth = fpx.read_ae_reply(reply.text, sim.sim.certificate(), datetime.now(UTC))
    assert auth.debit_auth_code == "2X"
    assert sim.merchant.wait_for("direct", ar["fpx_sellerExOrderNo"])[0]["fpx_debitAuthCode"] == "2X"
    paid, _, _ = sim.pay(outcome="00")
    ax = cancellation(sim, paid)
    reply = post_form(sim.sim.url + "/FPXMain/sellerReqCancel.jsp", ax)
    assert fpx.parse_reply(reply.text)["fpx_debitAuthCode"] == "00"  # too late: it stays paid
