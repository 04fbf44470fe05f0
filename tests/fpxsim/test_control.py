"""The control API: scenario checking, resolve, replay, clock, log, reset, the certificate knob, loopback only."""

from datetime import UTC, datetime

import pytest

from core import fpx
from fpxsim import create_app
from fpxsim.config import Settings
from tests.fpxsim_support import request


@pytest.mark.parametrize("body, message", [
    ({"rules": [{"direct_ac": {"dorp": True}}]}, "unknown direct_ac knob 'dorp'"),
    ({"rules": [{"match": {"bank": "TEST0021"}}]}, "unknown match key 'bank'"),
    ({"rules": [{"match": {"amount_sen": "100"}}]}, "match.amount_sen must be a int"),
    ({"rules": [{"outcome": "000"}]}, "outcome must be a two-character FPX code"),
    ({"rules": [{"direct_ac": {"duplicate_n": 0}}]}, "direct_ac.duplicate_n must be a whole number"),
    ({"rules": [{"ae": {"latency_s": -1}}]}, "ae.latency_s must be seconds"),
    ({"rules": [{"indirect_ac": {"abandon": "yes"}}]}, "indirect_ac.abandon must be true or false"),
    ({"be": {"offline": "TEST0021"}}, "be.offline must be a list of bank codes"),
    ({"operating_hours": "7-23"}, "operating hours look like"),
    ({"certificate": "old"}, "certificate must be current, expired or not_yet_valid"),
    ({"rule": []}, "unknown scenario keys ['rule']"),
])
def test_a_wrong_scenario_is_refused_and_changes_nothing(sim, body, message):
    sim.sim.scenario(rules=[{"outcome": "51"}])
    response = sim.sim.control("scenario", body)
    assert response.status == 400 and message in response.json()["error"]
    assert sim.sim.control("scenario").json()["scenario"]["rules"] == [{"match": {}, "outcome": "51"}]


def test_the_scenario_shows_itself_and_its_defaults(sim):
    shown = sim.sim.scenario(rules=[{"match": {"seller_order_no": "ACR1"}, "outcome": "1C"}])
    assert shown["scenario"]["rules"] == [{"match": {"seller_order_no": "ACR1"}, "outcome": "1C"}]
    assert {"match": {"buyer_bank_id": "TEST0023"}, "outcome": "09"} in shown["default_rules"]
    ar, _, page = sim.pay(fpx_sellerOrderNo="ACR1")
    assert fpx.parse_reply(sim.ae(ar).text)["fpx_debitAuthCode"] == "1C"


def test_rules_layer_and_match_amounts(sim):
    sim.sim.scenario(rules=[{"match": {"amount_sen": 4_242}, "outcome": "90"},
                            {"match": {"amount_cents": 42}, "outcome": "96", "auto": True}])
    ar = sim.ar(amount_sen=4_242)
    page = sim.send_ar(ar)  # outcome from the first rule, auto from the second
    assert page.url.endswith("/done") and "90" in page.text
    ar = sim.ar(amount_sen=1_042)
    assert sim.send_ar(ar).url.endswith("/done")
    assert fpx.parse_reply(sim.ae(ar).text)["fpx_debitAuthCode"] == "96"


def test_resolve_and_replay_answers(sim):
    ar, txn_id, _ = sim.pay(outcome="51")
    assert sim.sim.control(f"resolve/{txn_id}", {"code": "00"}).status == 409  # final stays final
    assert sim.sim.control("resolve/0000000000000000", {}).status == 404
    assert sim.sim.control("replay-ac/0000000000000000", {}).status == 404
    assert sim.sim.control(f"resolve/{txn_id}", {"code": "000"}).status == 400
    assert sim.sim.control(f"replay-ac/{txn_id}", {"which": "some"}).status == 400
    pending, pending_id, _ = sim.pay(bank="TEST0023")
    sim.sim.control(f"resolve/{pending_id}", {"code": "00"})
    sim.merchant.wait_for("direct", pending["fpx_sellerExOrderNo"], 2)
    assert len(sim.sim.control(f"replay-ac/{pending_id}", {"which": "all"}).json()["deliveries"]) == 2
    codes = [a["fpx_debitAuthCode"] for a in sim.merchant.wait_for("direct", pending["fpx_sellerExOrderNo"], 4)]
    assert sorted(codes[2:]) == ["00", "09"]
    unanswered = sim.ar()
    sim.send_ar(unanswered)
    txn = sim.sim.txn_by_order(unanswered["fpx_sellerExOrderNo"])
    assert sim.sim.control(f"replay-ac/{txn['fpx_txn_id']}", {}).status == 409  # nothing to replay yet


def test_the_clock(sim):
    frozen = sim.sim.control("clock", {"now": "2026-03-02T10:00:00+08:00", "frozen": True}).json()
    assert frozen["mode"] == "frozen" and frozen["now"] == "2026-03-02T10:00:00+08:00"
    assert sim.sim.control("clock", {"advance_s": 90}).json()["now"] == "2026-03-02T10:01:30+08:00"
    assert sim.sim.control("clock", {"now": "2026-03-02T10:00:00"}).status == 400  # no offset
    assert sim.sim.control("clock", {"advance_s": "soon"}).status == 400
    running = sim.sim.control("clock", {"now": "2030-01-01T00:00:00+08:00"}).json()
    assert running["mode"] == "offset" and running["now"].startswith("2030-01-01T00:00")
    assert sim.sim.control("clock", {"real": True}).json()["mode"] == "real"


def test_the_log_shows_every_message_with_its_signature_flag(sim):
    sim.sim.scenario(rules=[{"direct_ac": {"bad_checksum": True}}])
    sim.merchant.default = (400, "no")
    ar, txn_id, _ = sim.pay(outcome="00")
    sim.sim.wait_deliveries(txn_id)
    sim.ae(ar)
    log = sim.sim.log_messages(fpx_txn_id=txn_id)
    flags = {(m["direction"], m["kind"], m["signature_valid"]) for m in log}
    assert flags == {("in", "AR", True), ("out", "AC-indirect", True), ("out", "AC-direct", False),
                     ("out", "AC-reply", True)}
    since = log[-1]["id"]
    assert sim.sim.log_messages(since=since) == []
    sim.be()
    assert [m["kind"] for m in sim.sim.log_messages(since=since)] == ["BE", "BC"]


def test_reset_forgets_everything(sim):
    ar, txn_id, _ = sim.pay(outcome="00")
    sim.sim.scenario(rules=[{"outcome": "51"}])
    sim.sim.control("clock", {"advance_s": 3600})
    sim.sim.reset()
    assert sim.sim.control(f"txn/{txn_id}").status == 404 and sim.sim.log_messages() == []
    assert sim.sim.control("scenario").json()["scenario"]["rules"] == []
    assert sim.sim.control("clock").json()["mode"] == "real"


def test_the_certificate_knob_serves_an_expired_or_not_yet_valid_certificate(sim):
    ar, _, page = sim.pay(outcome="00")
    ac = sim.merchant.wait_for("direct", ar["fpx_sellerExOrderNo"])[0]
    now = datetime.now(UTC)
    assert fpx.verify(ac, sim.sim.certificate(), now)
    sim.sim.scenario(certificate="expired")
    expired = sim.sim.certificate()
    with pytest.raises(fpx.CertificateError, match="expired"):
        fpx.read_ac(ac, expired, now)
    assert fpx.verify(ac, expired, datetime(2020, 6, 1, tzinfo=UTC))  # same key: only the dates differ
    sim.sim.scenario(certificate="not_yet_valid")
    with pytest.raises(fpx.CertificateError, match="not valid before"):
        fpx.read_ac(ac, sim.sim.certificate(), now)
    sim.sim.scenario()
    assert fpx.read_ac(ac, sim.sim.certificate(), now).debit_auth_code == "00"


def test_a_forwarded_for_header_does_not_change_who_is_asking(sim):
    response = sim.sim.control("info")
    assert response.status == 200
    spoofed = request(f"{sim.sim.url}/_control/info", headers={"X-Forwarded-For": "203.0.113.9"})
    assert spoofed.status == 200  # the socket is loopback, whatever the header says


@pytest.fixture
def in_process_app(tmp_path):
    """The same app in this process, so the client address can be set: the sim itself only listens on
    127.0.0.1, so a real non-loopback client cannot reach it on this machine (the house rule)."""
    return create_app(Settings(data_dir=tmp_path), send_direct_acs=False)


@pytest.mark.parametrize("address", ["10.0.0.5", "192.168.1.20", "203.0.113.9", "::ffff:10.0.0.5", "", "junk"])
def test_the_control_api_refuses_clients_that_are_not_loopback(in_process_app, address):
    client = in_process_app.test_client()
    for method, path in (("get", "/_control/log"), ("post", "/_control/reset"), ("post", "/_control/scenario"),
                         ("get", "/_control/info"), ("post", "/_control/clock")):
        response = getattr(client, method)(path, environ_base={"REMOTE_ADDR": address},
                                           headers={"X-Forwarded-For": "127.0.0.1"}, json={})
        assert response.status_code == 403, (path, address)
    assert client.get("/", environ_base={"REMOTE_ADDR": address}).status_code == 200  # the exchange is public


@pytest.mark.parametrize("address", ["127.0.0.1", "127.8.9.10", "::1"])
def test_loopback_clients_may_use_the_control_api(in_process_app, address):
    response = in_process_app.test_client().get("/_control/info", environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 200


def test_transaction_ids_are_never_handed_out_twice_even_across_a_reset(sim):
    _, first, _ = sim.pay(outcome="00")
    sim.sim.reset()
    _, second, _ = sim.pay(outcome="00")
    assert int(second[-4:]) == (int(first[-4:]) + 1) % 10_000  # the sequence goes on
