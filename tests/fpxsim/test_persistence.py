"""The exchange's state survives a restart, even a SIGKILL: transactions, answers, scenario, clock, keys,
and direct ACs still owed to the merchant (which are then sent, so a resend converges)."""

import pytest

from tests.fpxsim.conftest import Harness
from tests.fpxsim_support import FpxSim


@pytest.fixture
def own_sim(tmp_path, merchant_keys, fake_merchant):
    """A second exchange with its own data folder and a slower schedule (0, then 2 s between attempts)."""
    fake_merchant.clear()
    sim = FpxSim(tmp_path, merchant_cert=merchant_keys / "merchant.crt", direct_url=fake_merchant.direct_url,
                 indirect_url=fake_merchant.indirect_url, extra_env={"FPXSIM_RETRY_SCHEDULE": "0,2,2,2,2"}).start()
    yield Harness(sim, fake_merchant, merchant_keys)
    sim.stop()
    assert "Traceback" not in (tmp_path / "fpxsim.log").read_text()


def test_state_keys_and_owed_acs_survive_a_kill(own_sim):
    sim = own_sim
    key, certificate = (sim.sim.workdir / "fpxsim" / "fpx.key").read_bytes(), sim.sim.certificate()
    sim.sim.scenario(rules=[{"match": {"buyer_bank_id": "TEST0022"}, "outcome": "1C"}])

    pending, pending_id, _ = sim.pay(bank="TEST0023")  # 09 until resolved
    sim.merchant.wait_for("direct", pending["fpx_sellerExOrderNo"])
    sim.merchant.default = (503, "down")
    owed, owed_id, _ = sim.pay(bank="TEST0021")
    sim.merchant.wait_for("direct", owed["fpx_sellerExOrderNo"])  # the first attempt failed
    [delivery] = sim.sim.wait_deliveries(owed_id, states=("pending",))  # and waits 2 s for the next
    assert delivery["attempts"] == 1

    sim.sim.control("clock", {"advance_s": 7200})
    sim.sim.kill()
    sim.merchant.default = (200, "OK")
    sim.sim.start()

    [delivery] = sim.sim.wait_deliveries(owed_id)  # the resend after the restart is acknowledged
    assert delivery["state"] == "acked" and delivery["attempts"] >= 2
    received = sim.merchant.received("direct", owed["fpx_sellerExOrderNo"])
    assert received[0] == received[-1] and sim.verified(received[-1])

    assert (sim.sim.workdir / "fpxsim" / "fpx.key").read_bytes() == key and sim.sim.certificate() == certificate
    assert sim.sim.control("scenario").json()["scenario"]["rules"][0]["outcome"] == "1C"
    assert sim.sim.control("clock").json()["offset_s"] >= 7100
    assert sim.ae(pending).text == sim.ae(pending).text and "fpx_debitAuthCode=09" in sim.ae(pending).text
    sim.sim.control(f"resolve/{pending_id}", {"code": "00"})
    codes = [ac["fpx_debitAuthCode"] for ac in sim.merchant.wait_for("direct", pending["fpx_sellerExOrderNo"], 2)]
    assert codes == ["09", "00"]
    again = sim.ar(fpx_sellerExOrderNo=pending["fpx_sellerExOrderNo"])
    refused = sim.send_ar(again)  # XN: the used number is remembered too
    assert refused.status == 400 and 'id="fpx-error-code">XN<' in refused.text
