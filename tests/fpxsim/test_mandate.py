"""[SIM-DEFINED] e-Mandate: enrolment codes DA-DF, the RM 1.00 authorisation on the bank page, the bank's
approval on the next working day of the sim clock, debits with their checks in order, termination."""

import json
import re
import uuid
from datetime import date, datetime, timedelta
from urllib.parse import parse_qsl

import pytest

from core import fpx
from tests.fpxsim.conftest import SELLER
from tests.fpxsim_support import indirect_form, post_form, request

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
