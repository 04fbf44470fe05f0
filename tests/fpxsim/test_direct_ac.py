"""Direct ACs: only `OK` acknowledges, resends follow the schedule, and each direct_ac knob does what
scenario.py says (the sim under test runs with FPXSIM_RETRY_SCHEDULE=0,0.3,0.3,0.3: four attempts)."""

from datetime import UTC, datetime

from core import fpx
from tests.fpxsim_support import indirect_form


def test_resends_until_the_merchant_answers_exactly_ok(sim):
    sim.merchant.answers = [(500, "OK"), (200, "OK\n"), (200, "ok")]  # none of these is an acknowledgement
    ar, txn_id, _ = sim.pay(outcome="00")
    received = sim.merchant.wait_for("direct", ar["fpx_sellerExOrderNo"], count=4)
    assert len({tuple(sorted(r.items())) for r in received}) == 1  # the same AC every time
    [delivery] = sim.sim.wait_deliveries(txn_id)
    assert delivery["state"] == "acked" and delivery["attempts"] == 4
    notes = [m["note"] for m in sim.sim.log_messages(fpx_txn_id=txn_id, kind="AC-direct")]
    assert [n.split(":")[0] for n in notes] == ["attempt 1", "attempt 2", "attempt 3", "attempt 4"]
    assert notes[-1].endswith("(acknowledged)") and not any(n.endswith("(acknowledged)") for n in notes[:-1])


def test_gives_up_after_the_last_attempt_of_the_schedule_and_replay_starts_again(sim):
    sim.merchant.default = (503, "busy")
    ar, txn_id, _ = sim.pay(outcome="00")
    [delivery] = sim.sim.wait_deliveries(txn_id)
    assert delivery["state"] == "gave_up" and delivery["attempts"] == 4
    assert len(sim.merchant.received("direct", ar["fpx_sellerExOrderNo"])) == 4
    sim.merchant.default = (200, "OK")
    assert len(sim.sim.control(f"replay-ac/{txn_id}", {}).json()["deliveries"]) == 1
    deliveries = sim.sim.wait_deliveries(txn_id, count=2)
    assert [d["state"] for d in deliveries] == ["gave_up", "acked"]


def test_drop_never_sends_the_ac_until_it_is_replayed(sim):
    sim.sim.scenario(rules=[{"direct_ac": {"drop": True}}])
    ar, txn_id, _ = sim.pay(outcome="00")
    [delivery] = sim.sim.wait_deliveries(txn_id)
    assert delivery["state"] == "dropped" and delivery["attempts"] == 0
    assert sim.merchant.received("direct", ar["fpx_sellerExOrderNo"]) == []
    [logged] = sim.sim.log_messages(fpx_txn_id=txn_id, kind="AC-direct")
    assert "dropped" in logged["note"]
    sim.sim.scenario()  # the drop knob off again: a replay delivers it
    sim.sim.control(f"replay-ac/{txn_id}", {})
    [direct] = sim.merchant.wait_for("direct", ar["fpx_sellerExOrderNo"])
    assert sim.verified(direct) and direct["fpx_debitAuthCode"] == "00"


def test_delay_s_holds_the_first_attempt(sim):
    sim.sim.scenario(rules=[{"direct_ac": {"delay_s": 3}}])
    ar, txn_id, _ = sim.pay(outcome="00")
    [delivery] = sim.sim.txn(txn_id)["deliveries"]
    assert delivery["state"] == "pending" and delivery["attempts"] == 0  # not sent at once
    assert sim.merchant.received("direct", ar["fpx_sellerExOrderNo"]) == []
    sim.merchant.wait_for("direct", ar["fpx_sellerExOrderNo"])
    assert sim.sim.wait_deliveries(txn_id)[0]["attempts"] == 1


def test_duplicate_n_sends_identical_copies_concurrently_or_one_by_one(sim):
    for mode in ("concurrent", "sequential"):
        sim.sim.scenario(rules=[{"direct_ac": {"duplicate_n": 3, "duplicate_mode": mode}}])
        ar, txn_id, _ = sim.pay(outcome="00")
        copies = sim.merchant.wait_for("direct", ar["fpx_sellerExOrderNo"], count=3)
        assert len(copies) == 3 and copies[0] == copies[1] == copies[2] and sim.verified(copies[0])
        [delivery] = sim.sim.wait_deliveries(txn_id)
        assert delivery["state"] == "acked" and delivery["attempts"] == 1
        assert len(sim.sim.log_messages(fpx_txn_id=txn_id, kind="AC-direct")) == 3


def test_out_of_order_sends_the_final_answer_before_the_earlier_pending_one(sim):
    sim.sim.scenario(rules=[{"direct_ac": {"out_of_order": True}}])
    ar, txn_id, _ = sim.pay(outcome="99", token=fpx.B2B1)
    assert sim.sim.txn(txn_id)["deliveries"][0]["state"] == "held"
    sim.sim.control(f"resolve/{txn_id}", {"code": "00"})
    received = sim.merchant.wait_for("direct", ar["fpx_sellerExOrderNo"], count=2)
    assert [r["fpx_debitAuthCode"] for r in received] == ["00", "99"]
    assert all(sim.verified(r) for r in received)
    assert [d["state"] for d in sim.sim.wait_deliveries(txn_id, count=2)] == ["acked", "acked"]


def test_bad_checksum_reaches_the_merchant_with_a_checksum_that_fails(sim):
    sim.sim.scenario(rules=[{"direct_ac": {"bad_checksum": True}}])
    sim.merchant.default = (400, "bad checksum")  # what a correct merchant answers
    ar, txn_id, page = sim.pay(outcome="00")
    received = sim.merchant.wait_for("direct", ar["fpx_sellerExOrderNo"], count=4)
    genuine = sim.sim.txn(txn_id)["events"][0]["fields"]
    assert sim.verified(genuine) and not any(sim.verified(r) for r in received)
    for spoilt in received:  # only the checksum differs from the genuine AC
        assert spoilt["fpx_checkSum"] != genuine["fpx_checkSum"] and spoilt | {"fpx_checkSum": ""} == genuine | {
            "fpx_checkSum": ""}
    assert sim.verified(indirect_form(page.text)[1])  # the indirect AC is not affected
    assert sim.sim.wait_deliveries(txn_id)[0]["state"] == "gave_up"
    logged = sim.sim.log_messages(fpx_txn_id=txn_id, kind="AC-direct")
    assert len(logged) == 4 and {m["signature_valid"] for m in logged} == {False}


def test_tampered_amount_is_validly_signed_but_differs_from_the_ar(sim):
    sim.sim.scenario(rules=[{"direct_ac": {"tampered_amount": True}}])
    ar, txn_id, _ = sim.pay(outcome="00", amount_sen=10_000)
    [direct] = sim.merchant.wait_for("direct", ar["fpx_sellerExOrderNo"])
    auth = fpx.read_ac(direct, sim.sim.certificate(), datetime.now(UTC))  # the signature is genuine
    assert auth.amount_sen == 10_100 and fpx.mismatches(auth, ar) == ["fpx_txnAmount"]
    sim.sim.scenario(rules=[{"direct_ac": {"tampered_amount": 1}}])
    ar, _, _ = sim.pay(outcome="00", amount_sen=10_000)
    assert sim.merchant.wait_for("direct", ar["fpx_sellerExOrderNo"])[0]["fpx_txnAmount"] == "100.01"


def test_hang_holds_half_a_request_then_the_full_ac_follows(sim):
    sim.sim.scenario(rules=[{"direct_ac": {"hang": 1}}])
    ar, txn_id, _ = sim.pay(outcome="00")
    [delivery] = sim.sim.wait_deliveries(txn_id)
    assert delivery["state"] == "acked" and delivery["attempts"] == 2
    [direct] = sim.merchant.received("direct", ar["fpx_sellerExOrderNo"])  # the half request never counted
    assert sim.verified(direct)
    first = sim.sim.log_messages(fpx_txn_id=txn_id, kind="AC-direct")[0]
    assert first["note"].startswith("attempt 1: hang: half the body sent")


def test_http_500_loses_the_acknowledgement_so_the_merchant_gets_the_ac_again(sim):
    sim.sim.scenario(rules=[{"direct_ac": {"http_500": 1}}])
    ar, txn_id, _ = sim.pay(outcome="00")
    received = sim.merchant.wait_for("direct", ar["fpx_sellerExOrderNo"], count=2)
    assert received[0] == received[1]
    [delivery] = sim.sim.wait_deliveries(txn_id)
    assert delivery["state"] == "acked" and delivery["attempts"] == 2
    notes = [m["note"] for m in sim.sim.log_messages(fpx_txn_id=txn_id, kind="AC-direct")]
    assert "treated as HTTP 500" in notes[0] and notes[1].endswith("(acknowledged)")
    sim.sim.scenario(rules=[{"direct_ac": {"http_500": True}}])
    ar, txn_id, _ = sim.pay(outcome="00")
    assert sim.sim.wait_deliveries(txn_id)[0]["state"] == "gave_up"
    assert len(sim.merchant.received("direct", ar["fpx_sellerExOrderNo"])) == 4


def test_knobs_apply_only_to_the_rules_they_match(sim):
    sim.sim.scenario(rules=[{"match": {"buyer_bank_id": "TEST0022"}, "direct_ac": {"drop": True}}])
    dropped, dropped_id, _ = sim.pay(bank="TEST0022")  # outcome still 51 from the default rules
    kept, kept_id, _ = sim.pay(bank="TEST0021")
    assert sim.merchant.wait_for("direct", kept["fpx_sellerExOrderNo"])[0]["fpx_debitAuthCode"] == "00"
    assert sim.sim.txn(dropped_id)["status"] == "51"
    assert sim.sim.wait_deliveries(dropped_id)[0]["state"] == "dropped"
