"""[SIM-DEFINED] e-Mandate: enrolment codes DA-DF, the RM 1.00 authorisation on the bank page, the bank's
approval on the next working day of the sim clock, debits with their checks in order, termination."""

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import date, datetime, timedelta
from urllib.parse import parse_qsl

import pytest

from core import fpx
from tests.fpxsim.conftest import SELLER
from tests.fpxsim_support import indirect_form, post_form, request
from tests.support import ROOT

FRIDAY = datetime(2026, 3, 6, 10, 0, tzinfo=fpx.MALAYSIA)


def sorted_signed(fields: dict, key: bytes) -> dict:
    """The mandate messages' checksum: every field but the checksum, in alphabetical order of names."""
    return {**fields, "fpx_checkSum": fpx.sign(fields, key, tuple(sorted(fields)))}


def genuine(sim, fields: dict) -> bool:
    order = tuple(sorted(name for name in fields if name != "fpx_checkSum"))
    return fpx.verify(fields, sim.sim.certificate(), datetime.now().astimezone(), order)


@pytest.fixture
def mandate_sim(sim):
    sim.sim.control("clock", {"now": FRIDAY.isoformat(), "frozen": True})
    return sim


def enrolment(sim, **overrides) -> dict:
    fields = {"fpx_msgType": "AD", "fpx_sellerExId": SELLER.exchange_id, "fpx_sellerId": SELLER.seller_id,
              "fpx_sellerExOrderNo": "M" + uuid.uuid4().hex[:20], "fpx_sellerOrderNo": "DDA0001",
              "fpx_sellerTxnTime": fpx.format_txn_time(FRIDAY), "fpx_buyerBankId": "TEST0021",
              "fpx_buyerEmail": "payroll@example.com", "fpx_buyerId": "201901000005", "fpx_buyerName": "KEDAI",
              "fpx_applicationType": "01", "fpx_maxAmount": "5000.00", "fpx_frequencyMode": "MT",
              "fpx_maxFrequency": "1", "fpx_effectiveDate": "20260301", "fpx_expiryDate": "20270301"}
    fields.update(overrides)
    return sorted_signed(fields, sim.key)


def enrol(sim, outcome="00", **overrides):
    """Enrol and answer the RM 1.00 authorisation: (fields, mandate id, result page)."""
    fields = enrolment(sim, **overrides)
    page = post_form(sim.sim.url + "/_sim/mandate/enrol", fields)
    assert "/FPXMain/bank/" in page.url, page.text
    mandate_id = re.search(r'id="fpx-txn-id">(\d{16})<', page.text).group(1)
    return fields, mandate_id, post_form(page.url, {"outcome": outcome})


def mandate(sim, mandate_id):
    return request(f"{sim.sim.url}/_sim/mandate/{mandate_id}").json()["mandate"]


def debit(sim, mandate_id, amount="100.00", **overrides):
    fields = {"fpx_msgType": "DR", "fpx_sellerExId": SELLER.exchange_id, "fpx_sellerId": SELLER.seller_id,
              "fpx_sellerExOrderNo": "D" + uuid.uuid4().hex[:20], "fpx_sellerOrderNo": "ACR0001",
              "fpx_sellerTxnTime": fpx.format_txn_time(FRIDAY), "fpx_mandateId": mandate_id, "fpx_txnAmount": amount}
    fields.update(overrides)
    reply = post_form(sim.sim.url + "/_sim/mandate/debit", sorted_signed(fields, sim.key))
    if reply.text == "ERROR":
        return None
    answer = dict(parse_qsl(reply.text, keep_blank_values=True))
    assert genuine(sim, answer)
    return answer


def approved(sim, mandate_id):
    sim.sim.control("clock", {"advance_s": 3 * 86400})  # Friday to Monday: the next working day
    assert mandate(sim, mandate_id)["status"] == "approved"


def test_enrolment_authorises_rm1_then_the_bank_approves_on_the_next_working_day(mandate_sim):
    sim = mandate_sim
    fields, mandate_id, page = enrol(sim)
    _, ac, _ = indirect_form(page.text)
    auth = fpx.read_ac(ac, sim.sim.certificate(), datetime.now().astimezone())
    assert auth.amount_sen == 100 and auth.debit_auth_code == "00" and auth.fpx_txn_id == mandate_id
    assert sim.merchant.wait_for("direct", fields["fpx_sellerExOrderNo"])[0] == ac
    assert mandate(sim, mandate_id)["status"] == "awaiting_approval"
    sim.sim.control("clock", {"advance_s": 86400})  # Saturday: not a working day
    assert mandate(sim, mandate_id)["status"] == "awaiting_approval"
    sim.sim.control("clock", {"advance_s": 2 * 86400})  # Monday
    assert mandate(sim, mandate_id)["status"] == "approved"
    notices = sim.merchant.wait_for("direct", fields["fpx_sellerExOrderNo"], count=2)
    notice = notices[1]
    assert notice["fpx_msgType"] == "MA" and notice["fpx_mandateStatus"] == "APPROVED"
    assert notice["fpx_mandateId"] == mandate_id and notice["fpx_statusDate"] == "20260309" and genuine(sim, notice)


def test_a_declined_authorisation_rejects_the_mandate(mandate_sim):
    _, mandate_id, _ = enrol(mandate_sim, outcome="51")
    mandate_sim.sim.control("clock", {"advance_s": 3 * 86400})
    assert mandate(mandate_sim, mandate_id)["status"] == "rejected"
    assert debit(mandate_sim, mandate_id)["fpx_debitAuthCode"] == "57"


@pytest.mark.parametrize("change, code", [
    ({"fpx_applicationType": "04"}, "DA"),
    ({"fpx_applicationType": "02", "fpx_mandateId": "0000000000000000"}, "DA"),
    ({"fpx_buyerEmail": "payroll.example.com"}, "DB"),
    ({"fpx_maxFrequency": "0"}, "DC"), ({"fpx_maxFrequency": "1000"}, "DC"),
    ({"fpx_frequencyMode": "QT"}, "DD"),
    ({"fpx_expiryDate": "20260230"}, "DE"), ({"fpx_expiryDate": "20260228"}, "DE"),
    ({"fpx_effectiveDate": "20270401"}, "DE"),
    ({"fpx_maxAmount": "5000"}, "13"), ({"fpx_maxAmount": "0.00"}, "13"),
    ({"fpx_buyerBankId": "NOPE0001"}, "DF"), ({"fpx_buyerBankId": "BSN0601"}, "DF"),
])
def test_enrolment_validation_codes(mandate_sim, change, code):
    fields = enrolment(mandate_sim, **change)
    page = post_form(mandate_sim.sim.url + "/_sim/mandate/enrol", fields)
    _, ac, _ = indirect_form(page.text)
    assert ac["fpx_debitAuthCode"] == code and mandate_sim.verified(ac)
    assert mandate_sim.merchant.wait_for("direct", fields["fpx_sellerExOrderNo"])[0] == ac


def test_enrolment_refusals_without_an_ac(mandate_sim):
    url = mandate_sim.sim.url + "/_sim/mandate/enrol"
    fields = enrolment(mandate_sim)
    assert 'id="fpx-error-code">XC<' in post_form(url, {**fields, "fpx_maxAmount": "9000.00"}).text
    assert 'id="fpx-error-code">XE<' in post_form(url, {k: v for k, v in fields.items()
                                                         if k != "fpx_buyerId"}).text
    assert 'id="fpx-error-code">46<' in post_form(url, enrolment(mandate_sim, fpx_sellerExId="EX9")).text
    post_form(url, fields)
    assert 'id="fpx-error-code">XN<' in post_form(url, fields).text


def test_debits_check_in_order(mandate_sim):
    sim = mandate_sim
    _, mandate_id, _ = enrol(sim, fpx_maxAmount="500.00", fpx_maxFrequency="2")
    assert debit(sim, "0000000000000000")["fpx_debitAuthCode"] == "76"
    assert debit(sim, mandate_id)["fpx_debitAuthCode"] == "57"  # not approved yet
    approved(sim, mandate_id)
    assert debit(sim, mandate_id, "500.01")["fpx_debitAuthCode"] == "48"
    assert debit(sim, mandate_id, "12.5")["fpx_debitAuthCode"] == "13"
    first = debit(sim, mandate_id, "500.00")
    assert first["fpx_debitAuthCode"] == "00" and first["fpx_debitAuthNo"] and first["fpx_fpxTxnId"]
    assert debit(sim, mandate_id, "10.00")["fpx_debitAuthCode"] == "00"
    assert debit(sim, mandate_id, "10.00")["fpx_debitAuthCode"] == "DC"  # two a month
    sim.sim.control("clock", {"now": "2026-04-01T09:00:00+08:00", "frozen": True})  # a new month
    assert debit(sim, mandate_id, "10.00")["fpx_debitAuthCode"] == "00"
    sim.sim.control("clock", {"now": "2027-03-02T09:00:00+08:00", "frozen": True})  # after the expiry
    assert debit(sim, mandate_id, "10.00")["fpx_debitAuthCode"] == "DE"


def test_a_debit_is_answered_by_the_buyers_bank_as_the_scenario_says(mandate_sim):
    sim = mandate_sim
    _, mandate_id, _ = enrol(sim, outcome="00", fpx_buyerBankId="TEST0022")  # pressed Approve explicitly
    approved(sim, mandate_id)
    assert debit(sim, mandate_id)["fpx_debitAuthCode"] == "51"  # TEST0022: insufficient funds
    sim.sim.scenario(rules=[{"match": {"buyer_bank_id": "TEST0022"}, "outcome": "00"}])
    assert debit(sim, mandate_id)["fpx_debitAuthCode"] == "00"


def test_the_same_debit_again_gets_the_same_answer(mandate_sim):
    sim = mandate_sim
    _, mandate_id, _ = enrol(sim, fpx_maxFrequency="1")
    approved(sim, mandate_id)
    first = debit(sim, mandate_id, fpx_sellerExOrderNo="DEBIT-1")
    assert debit(sim, mandate_id, fpx_sellerExOrderNo="DEBIT-1") == first  # a retry, not a second debit
    assert debit(sim, mandate_id, "99.00", fpx_sellerExOrderNo="DEBIT-1")["fpx_debitAuthCode"] == "XN"
    assert len(mandate(sim, mandate_id)["debits"]) == 1
    assert debit(sim, mandate_id, fpx_txnAmount="1.00", fpx_sellerId="SE9") is None  # not this seller: ERROR


def test_termination_by_the_buyer_stops_debits_and_notifies_the_merchant(mandate_sim):
    sim = mandate_sim
    fields, mandate_id, _ = enrol(sim)
    approved(sim, mandate_id)
    result = request(f"{sim.sim.url}/_sim/mandate/terminate", json.dumps({"mandate_id": mandate_id}).encode(),
                     {"Content-Type": "application/json"})
    assert result.json()["mandate"]["status"] == "terminated"
    assert debit(sim, mandate_id)["fpx_debitAuthCode"] == "57"
    notice = sim.merchant.wait_for("direct", fields["fpx_sellerExOrderNo"], count=3)[2]
    assert notice["fpx_msgType"] == "MT" and notice["fpx_mandateStatus"] == "TERMINATED" and genuine(sim, notice)


def test_maintenance_raises_the_limit_from_its_own_approval(mandate_sim):
    sim = mandate_sim
    _, mandate_id, _ = enrol(sim, fpx_maxAmount="100.00", fpx_maxFrequency="9")
    approved(sim, mandate_id)
    assert debit(sim, mandate_id, "150.00")["fpx_debitAuthCode"] == "48"
    enrol(sim, fpx_applicationType="02", fpx_mandateId=mandate_id, fpx_maxAmount="200.00", fpx_maxFrequency="9",
          fpx_sellerTxnTime=fpx.format_txn_time(FRIDAY + timedelta(days=3)))
    assert debit(sim, mandate_id, "150.00")["fpx_debitAuthCode"] == "48"  # old terms until the bank approves
    sim.sim.control("clock", {"advance_s": 86400})
    assert mandate(sim, mandate_id)["terms"]["max_amount_sen"] == 20_000
    assert debit(sim, mandate_id, "150.00")["fpx_debitAuthCode"] == "00"
    enrol(sim, fpx_applicationType="03", fpx_mandateId=mandate_id,
          fpx_sellerTxnTime=fpx.format_txn_time(FRIDAY + timedelta(days=4)))
    assert mandate(sim, mandate_id)["status"] == "terminated"
    assert date.fromisoformat(mandate(sim, mandate_id)["approved_on"]) == date(2026, 3, 10)


def test_a_corporate_mandate_is_authorised_in_the_b2b1_list(mandate_sim):
    sim = mandate_sim
    fields = enrolment(sim, fpx_msgToken="02", fpx_buyerBankId="MBB0228")  # Maybank2E: B2B1 only
    page = post_form(sim.sim.url + "/_sim/mandate/enrol", fields)
    assert "/FPXMain/bank/" in page.url and "Submit to authoriser (99)" in page.text, page.text
    mandate_id = re.search(r'id="fpx-txn-id">(\d{16})<', page.text).group(1)
    _, ac, _ = indirect_form(post_form(page.url, {"outcome": "00"}).text)
    assert (ac["fpx_msgToken"], ac["fpx_txnAmount"], ac["fpx_debitAuthCode"]) == ("02", "1.00", "00")
    approved(sim, mandate_id)
    assert mandate(sim, mandate_id)["terms"]["msg_token"] == "02"
    for change, code in (({"fpx_msgToken": "02", "fpx_buyerBankId": "MB2U0227"}, "DF"),  # a B2C bank
                         ({"fpx_msgToken": "03"}, "DA")):
        _, wrong, _ = indirect_form(post_form(sim.sim.url + "/_sim/mandate/enrol", enrolment(sim, **change)).text)
        assert wrong["fpx_debitAuthCode"] == code


def test_notices_obey_the_direct_ac_knobs_of_the_enrolments_rule(mandate_sim):
    """A duplicate and a badly signed approval notice, as a merchant's tests need them."""
    sim = mandate_sim
    sim.sim.scenario(rules=[{"match": {"seller_order_no": "DDA-TWICE"}, "direct_ac": {"duplicate_n": 2}},
                            {"match": {"seller_order_no": "DDA-BAD"}, "direct_ac": {"bad_checksum": True}}])
    twice, twice_id, _ = enrol(sim, fpx_sellerOrderNo="DDA-TWICE")
    bad, bad_id, _ = enrol(sim, fpx_sellerOrderNo="DDA-BAD")
    sim.sim.control("clock", {"advance_s": 3 * 86400})
    notices = [f for f in sim.merchant.wait_for("direct", twice["fpx_sellerExOrderNo"], count=4)
               if f["fpx_msgType"] == "MA"]  # the AC and the notice, each sent twice
    assert len(notices) == 2 and notices[0] == notices[1] and genuine(sim, notices[0])
    notice = next(f for f in sim.merchant.wait_for("direct", bad["fpx_sellerExOrderNo"], count=2)
                  if f["fpx_msgType"] == "MA")
    assert notice["fpx_mandateId"] == bad_id and not genuine(sim, notice)


def test_a_lost_debit_answer_is_got_by_asking_again(mandate_sim):
    sim = mandate_sim
    _, mandate_id, _ = enrol(sim, fpx_maxFrequency="1")
    approved(sim, mandate_id)
    sim.sim.scenario(rules=[{"match": {"seller_order_no": "ACR-LOST"}, "debit": {"http_5xx": True}}])
    fields = sorted_signed({"fpx_msgType": "DR", "fpx_sellerExId": SELLER.exchange_id, "fpx_sellerId": SELLER.seller_id,
                            "fpx_sellerExOrderNo": "DEBIT-LOST", "fpx_sellerOrderNo": "ACR-LOST",
                            "fpx_sellerTxnTime": fpx.format_txn_time(FRIDAY), "fpx_mandateId": mandate_id,
                            "fpx_txnAmount": "100.00"}, sim.key)
    lost = post_form(sim.sim.url + "/_sim/mandate/debit", fields)
    assert lost.status == 503 and lost.text == ""
    assert [d["code"] for d in mandate(sim, mandate_id)["debits"].values()] == ["00"]  # made all the same
    sim.sim.scenario()
    answer = dict(parse_qsl(post_form(sim.sim.url + "/_sim/mandate/debit", fields).text))
    assert answer["fpx_debitAuthCode"] == "00" and genuine(sim, answer)
    assert len(mandate(sim, mandate_id)["debits"]) == 1  # asking again is not a second debit
    sim.sim.scenario(rules=[{"match": {"seller_order_no": "ACR-LOST"}, "debit": {"bad_checksum": True}}])
    assert not genuine(sim, dict(parse_qsl(post_form(sim.sim.url + "/_sim/mandate/debit", fields).text)))


def test_a_pending_debit_is_resolved_later_and_the_merchant_told(mandate_sim):
    sim = mandate_sim
    _, mandate_id, _ = enrol(sim, outcome="00", fpx_buyerBankId="TEST0023", fpx_maxFrequency="1")
    approved(sim, mandate_id)
    first = debit(sim, mandate_id, fpx_sellerExOrderNo="DEBIT-PENDING")
    assert first["fpx_debitAuthCode"] == "09" and first["fpx_fpxTxnId"]
    assert debit(sim, mandate_id, fpx_sellerExOrderNo="DEBIT-PENDING") == first
    resolved = sim.sim.control(f"resolve/{first['fpx_fpxTxnId']}", {"code": "00"})
    assert resolved.status == 200, resolved.text
    notice = sim.merchant.wait_for("direct", "DEBIT-PENDING")[0]
    assert notice["fpx_msgType"] == "DS" and notice["fpx_debitAuthCode"] == "00" and genuine(sim, notice)
    again = debit(sim, mandate_id, fpx_sellerExOrderNo="DEBIT-PENDING")
    assert again == notice and again["fpx_debitAuthNo"]
    assert sim.sim.control(f"resolve/{first['fpx_fpxTxnId']}", {"code": "51"}).status == 409  # final
    assert sim.sim.control("resolve/0000000000009999", {"code": "00"}).status == 404


def test_the_merchant_terminates_a_mandate_host_to_host(mandate_sim):
    sim = mandate_sim
    fields, mandate_id, _ = enrol(sim)
    approved(sim, mandate_id)

    def terminate(**overrides):
        request_fields = {"fpx_msgType": "TR", "fpx_sellerExId": SELLER.exchange_id, "fpx_sellerId": SELLER.seller_id,
                          "fpx_sellerExOrderNo": fields["fpx_sellerExOrderNo"],
                          "fpx_sellerTxnTime": fpx.format_txn_time(FRIDAY), "fpx_mandateId": mandate_id, **overrides}
        reply = post_form(sim.sim.url + "/_sim/mandate/terminate", sorted_signed(request_fields, sim.key))
        return reply.text if reply.text == "ERROR" else dict(parse_qsl(reply.text, keep_blank_values=True))

    assert terminate(fpx_sellerExOrderNo="SOMEONE-ELSE")["fpx_debitAuthCode"] == "XN"
    assert mandate(sim, mandate_id)["status"] == "approved"
    answer = terminate()
    assert (answer["fpx_debitAuthCode"], answer["fpx_mandateStatus"]) == ("00", "TERMINATED") and genuine(sim, answer)
    assert terminate()["fpx_debitAuthCode"] == "00"  # again: the same answer
    assert terminate(fpx_mandateId="0000000000000000")["fpx_debitAuthCode"] == "76"
    assert debit(sim, mandate_id)["fpx_debitAuthCode"] == "57"
    unsigned = {"fpx_msgType": "TR", "fpx_mandateId": mandate_id, "fpx_checkSum": "00"}
    assert post_form(sim.sim.url + "/_sim/mandate/terminate", unsigned).text == "ERROR"
    time.sleep(0.5)  # no MT notice follows a termination the merchant asked for (only the AC and the MA came)
    assert [f["fpx_msgType"] for f in sim.merchant.received("direct", fields["fpx_sellerExOrderNo"])] == ["AC", "MA"]


def test_add_mandates_stores_approved_mandates_for_the_demo(tmp_path, merchant_keys):
    line = json.dumps({"id": "9000000000000001", "seller_ex_order_no": "MD000000000001",
                       "seller_order_no": "MD000000000001",
                       "terms": {"max_amount_sen": 500_000, "frequency_mode": "MT", "max_frequency": 2,
                                 "effective": "20260101", "expiry": "20310101", "buyer_bank_id": "TEST0021"}})
    env = {**os.environ, "FPXSIM_DATA_DIR": str(tmp_path / "sim")}
    done = subprocess.run([sys.executable, "-m", "fpxsim", "add-mandates"], input=line + "\n", env=env, cwd=ROOT,
                          capture_output=True, text=True, check=True)
    assert "1 mandate(s) approved" in done.stdout
    stored = sqlite3.connect(tmp_path / "sim" / "fpxsim.sqlite3").execute("SELECT data FROM mandate").fetchone()[0]
    assert json.loads(stored)["status"] == "approved"
    wrong = subprocess.run([sys.executable, "-m", "fpxsim", "add-mandates"], input='{"id": "1"}\n', env=env, cwd=ROOT,
                           capture_output=True, text=True)
    assert wrong.returncode != 0 and "line 1" in wrong.stderr
