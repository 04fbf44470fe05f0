"""Indirect ACs (the buyer's browser going back to the merchant) and their knobs."""

from tests.fpxsim_support import indirect_form, post_form


def test_abandon_leaves_no_way_back_but_the_direct_ac_still_goes(sim):
    sim.sim.scenario(rules=[{"indirect_ac": {"abandon": True}}])
    ar, txn_id, page = sim.pay(outcome="00")
    assert indirect_form(page.text)[0] is None and "autosubmit.js" not in page.text
    assert "closed this tab" in page.text
    [direct] = sim.merchant.wait_for("direct", ar["fpx_sellerExOrderNo"])
    assert sim.verified(direct)
    [logged] = sim.sim.log_messages(fpx_txn_id=txn_id, kind="AC-indirect")
    assert logged["note"] == "abandoned: no form"


def test_double_submit_marks_the_page_to_post_twice(sim):
    sim.sim.scenario(rules=[{"indirect_ac": {"double_submit": True}}])
    ar, txn_id, page = sim.pay(outcome="00")
    action, fields, submits = indirect_form(page.text)
    assert submits == 2 and sim.verified(fields)
    for _ in range(submits):  # what the page's script does (the browser test runs the script itself)
        post_form(action, fields)
    assert sim.merchant.received("indirect", ar["fpx_sellerExOrderNo"]) == [fields, fields]


def test_arrives_before_direct_holds_the_direct_ac_until_the_page_is_served(sim):
    sim.sim.scenario(rules=[{"match": {"buyer_bank_id": "TEST0021"}, "auto": True,
                             "indirect_ac": {"arrives_before_direct": 1.5}}])
    ar = sim.ar(bank="TEST0021")
    page = sim.send_ar(ar)  # the AR answers at once (auto); the page below is what the browser gets
    action, fields, _ = indirect_form(page.text)
    post_form(action, fields)  # the browser posts it straight away
    sim.merchant.wait_for("direct", ar["fpx_sellerExOrderNo"])
    sim.sim.wait_deliveries(fields["fpx_fpxTxnId"])  # the exchange has logged the attempt
    kinds = [kind for kind, f in sim.merchant.arrivals if f["fpx_sellerExOrderNo"] == ar["fpx_sellerExOrderNo"]]
    assert kinds == ["indirect", "direct"]
    log = [m["kind"] for m in sim.sim.log_messages(fpx_txn_id=fields["fpx_fpxTxnId"])
           if m["kind"].startswith("AC-")]
    assert log == ["AC-indirect", "AC-direct"]


def test_without_the_knob_a_held_direct_ac_does_not_exist(sim):
    ar, txn_id, page = sim.pay(outcome="00")
    [delivery] = sim.sim.wait_deliveries(txn_id)
    assert delivery["state"] == "acked" and delivery["knobs"] == {}
    assert indirect_form(page.text)[2] == 1
