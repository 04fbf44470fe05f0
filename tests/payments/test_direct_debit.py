"""Direct debit (QRG 7) through two real processes, the portal under waitress and `python -m fpxsim`, over real
HTTP as a browser and the exchange do: a mandate enrolled (RM 1.00 authorised on the bank page, the indirect AC
POSTed without the portal's cookie), approved on the next business day of the exchange's clock (the MA notice
at the direct URL), debited, confirmed with a receipt.

Each refusal of the portal happens before anything is sent (the exchange's log shows no DR); each answer of
the bank is applied (approved, 51 insufficient funds, 48 over the limit, DC the month's frequency, 57
terminated or not approved, DE expired); a duplicate callback changes nothing; a badly signed one is refused;
a lost answer is asked for again; a pending debit is settled by the exchange's later DS.
"""

import json
import re
import time
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from peewee import fn
from pypdf import PdfReader

from core import mandates
from tests.fpxsim_support import request
from tests.payments.live import Browser, ar_form
from webapp.mandate_models import Mandate, MandateMessage
from webapp.models import Acknowledgement, Employer
from webapp.payment_models import PaymentAttempt, PaymentItem, Receipt

THREE_DAYS = 3 * 86400  # from any day, past the next business day
MANDATE_EMAIL = "mandate@example.com"  # the receipts of debits go to the mandate's address (not FPX's tests')


@pytest.fixture
def dd(world):
    """No live mandate of the demo employer is left from an earlier test (the exchange was reset); the bills a
    test leaves unpaid are cancelled after it, so PAYMENT's first page stays the other tests'. The portal must
    not fail while serving (no unhandled error in its log: a callback answered 500 would be resent for ever)."""
    log, start = Path(world.portal.log.name), Path(world.portal.log.name).stat().st_size
    with world.store():
        employer = Employer.get(Employer.registration_number == "201901000005")
        Mandate.update(status=mandates.TERMINATED).where(
            (Mandate.employer == employer) & Mandate.status.in_(mandates.LIVE)).execute()
        last = Acknowledgement.select(fn.MAX(Acknowledgement.id)).scalar() or 0
        last_payment = PaymentAttempt.select(fn.MAX(PaymentAttempt.id)).scalar() or 0
    yield world
    with world.store():
        Acknowledgement.update(status="cancelled").where(
            (Acknowledgement.id > last) & (Acknowledgement.status == "unpaid")).execute()
        live = PaymentAttempt.select(PaymentAttempt.id).where(  # not asked about again by later passes
            (PaymentAttempt.id > last_payment) & PaymentAttempt.status.in_(("created", "pending", "needs_review")))
        PaymentItem.update(state="released").where(PaymentItem.attempt.in_(live) & (PaymentItem.state == "open")
                                                   ).execute()
        PaymentAttempt.update(status="failed").where(PaymentAttempt.id.in_(live)).execute()
    with log.open() as served:
        served.seek(start)
        assert "unhandled error" not in served.read(), f"the portal failed while serving: see {log}"


def enrol(world, payer, scheme="socso", *, outcome="00", bank="TEST0021", limit="5000.00", frequency="2",
          before_bank=None):
    """ENROLL NEW, PROCEED, the bank page's `outcome`, back with the indirect AC: (order no, mandate id)."""
    payer.get(f"/payment/direct-debit/{scheme}/mandate/new")
    go = payer.post(f"/payment/direct-debit/{scheme}/mandate/new", {
        "model": "01", "bank": bank, "limit": limit, "frequency": frequency, "phone": "012-345 6789",
        "email": MANDATE_EMAIL, "consent": "y"})
    assert go.status == 200 and "/go" in go.url, go.text[:3000]
    order_no = re.search(r"/mandate/(MD\d{12})/go", go.url).group(1)
    if before_bank:
        before_bank(order_no)
    action, fields = ar_form(go.text)
    exchange = Browser(f"http://{urlsplit(action).netloc}")
    bank_page = exchange.request(action, fields)
    assert "/FPXMain/bank/" in bank_page.url, bank_page.text[:2000]
    mandate_id = re.search(r'id="fpx-txn-id">(\d{16})<', bank_page.text).group(1)
    [back] = world.return_from_bank(exchange.request(bank_page.url, {"outcome": outcome}).text)
    assert back.status == 303 and back.headers["Location"] == f"/payment/direct-debit/mandate/{order_no}"
    return order_no, mandate_id


def mandate(world, order_no) -> Mandate:
    with world.store():
        return Mandate.get(Mandate.order_no == order_no)


def wait_mandate(world, order_no, status, timeout=20.0) -> Mandate:
    deadline = time.monotonic() + timeout
    while (found := mandate(world, order_no)).status != status and time.monotonic() < deadline:
        time.sleep(0.05)
    assert found.status == status, f"{order_no} is {found.status}, not {status}"
    return found


def approved(world, payer, scheme="socso", **options):
    order_no, mandate_id = enrol(world, payer, scheme, **options)
    wait_mandate(world, order_no, mandates.AWAITING_APPROVAL)
    world.sim.control("clock", {"advance_s": THREE_DAYS})
    return wait_mandate(world, order_no, mandates.APPROVED)


def tamper(world, order_no, **columns):
    """Make the portal's record of a mandate differ from the bank's (to see the bank's own checks answer)."""
    with world.store():
        Mandate.update(**columns).where(Mandate.order_no == order_no).execute()


def debit(payer, refs, mandate_order_no, scheme="socso"):
    """tick, ADD TO CART, PROCEED TO SUMMARY, CONTINUE, the Mandate List, PROCEED: the answer of PROCEED."""
    payer.get(f"/payment/direct-debit/{scheme}/payment")
    added = payer.post(f"/payment/direct-debit/{scheme}/cart/add", [("item", ref) for ref in refs])
    assert added.status == 200, added.text[:500]
    payer.get(f"/payment/direct-debit/{scheme}/summary")
    payer.get(f"/payment/direct-debit/{scheme}/pay")
    return payer.post(f"/payment/direct-debit/{scheme}/pay", {"mandate": mandate_order_no})


def order_of(page) -> str:
    return re.search(r"/payment/direct-debit/debits/(DD\d{12})", page.url).group(1)


def drs(world) -> int:
    return len(world.sim.log_messages(kind="DR"))


def kinds(world, order_no) -> list[tuple[str, str]]:
    with world.store():
        found = Mandate.get_or_none(Mandate.order_no == order_no)
        query = (MandateMessage.mandate == found) if found else (
            MandateMessage.attempt == PaymentAttempt.get(PaymentAttempt.order_no == order_no))
        return [(m.kind, m.verdict) for m in MandateMessage.select().where(query).order_by(MandateMessage.id)]


def bank_mandate(world, mandate_id) -> dict:
    """The mandate as the exchange holds it."""
    return request(f"{world.sim.url}/_sim/mandate/{mandate_id}").json()["mandate"]


def status(world, order_no) -> PaymentAttempt:
    return world.attempt(order_no)


# --- the whole journey --------------------------------------------------------------------------------------

def test_enrolled_approved_next_business_day_debited_and_confirmed_with_a_receipt(dd, payer, smtp):
    world = dd
    order_no, mandate_id = enrol(world, payer)
    page = payer.get(f"/payment/direct-debit/mandate/{order_no}").text
    assert "Awaiting bank approval" in page and "next business day" in page
    assert mandate(world, order_no).mandate_id == mandate_id
    world.sim.control("clock", {"advance_s": THREE_DAYS})
    found = wait_mandate(world, order_no, mandates.APPROVED)
    assert found.approved_on and "Approved" in payer.get("/payment/direct-debit/socso/mandate").text
    [acr], [other] = world.new_bills(("ACR", 43_900)), world.new_bills(("ACR", 1_000))  # two months
    proceed = debit(payer, [acr, other], order_no)
    assert proceed.status == 200 and "Payment has been successfully initiated." in proceed.text
    debit_order = order_of(proceed)
    attempt = status(world, debit_order)
    assert (attempt.status, attempt.channel, attempt.amount, attempt.reference) == (
        "succeeded", "direct_debit", 44_900, mandate_id)
    with world.store():
        assert {a.status for a in Acknowledgement.select().where(Acknowledgement.number.in_([acr, other]))} == {
            "paid"}
        number = Receipt.get(Receipt.attempt == attempt.id).number
    assert number in proceed.text and "RECEIPT (PDF)" in proceed.text
    pdf = payer.get(f"/payment/fpx/receipts/{number}.pdf")
    text = PdfReader(BytesIO(pdf.body)).pages[0].extract_text()
    assert all(part in text for part in (number, acr, "Direct Debit", mandate_id, "SBI Bank A", "449.00"))
    mail = [m for m in smtp.wait_for(MANDATE_EMAIL, timeout=20) if number in m["Subject"]]
    assert mail and any(p.get_filename() == f"resit-receipt-{number}.pdf" for p in mail[0].iter_attachments())
    history = payer.get("/payment/history/").text
    assert debit_order in history and "Successful" in history and f"/payment/fpx/receipts/{number}.pdf" in history
    assert sorted(kind for kind, _ in kinds(world, order_no)) == ["AC-direct", "AC-indirect", "AD", "DR", "MA"]
    assert kinds(world, debit_order) == [("DR", "sent"), ("DS", "applied")]
    [dr] = world.sim.log_messages(kind="DR", seller_ex_order_no=debit_order)
    assert dr["signature_valid"] and dr["fields"]["fpx_txnAmount"] == "449.00"


# --- the portal refuses before sending ----------------------------------------------------------------------

def refused(world, payer, refs, order_no, message, scheme="socso"):
    before = drs(world)
    answer = debit(payer, refs, order_no, scheme)
    assert answer.status == 422 and message in answer.text, answer.text[:3000]
    time.sleep(0.2)
    assert drs(world) == before  # nothing went to the bank


def test_a_debit_above_the_limit_is_refused_before_sending(dd, payer):
    found = approved(dd, payer, limit="100.00")
    refused(dd, payer, dd.new_bills(("ACR", 10_001)), found.order_no, "above this mandate&#39;s limit per transaction")


def test_a_debit_beyond_the_months_frequency_is_refused_counting_one_in_flight(dd, payer):
    found = approved(dd, payer, bank="TEST0023", frequency="1")  # SBI Bank C: the debit stays pending (09)
    first = debit(payer, dd.new_bills(("ACR", 1_000)), found.order_no)
    assert status(dd, order_of(first)).status == "pending"
    refused(dd, payer, dd.new_bills(("ACR", 2_000)), found.order_no, "allows 1 debit(s) a month")


def test_a_mandate_not_approved_yet_is_refused_before_sending(dd, payer):
    order_no, _ = enrol(dd, payer)
    wait_mandate(dd, order_no, mandates.AWAITING_APPROVAL)
    refused(dd, payer, dd.new_bills(("ACR", 1_000)), order_no, "not approved by the bank")


def test_an_expired_mandate_is_refused_before_sending(dd, payer):
    found = approved(dd, payer)
    tamper(dd, found.order_no, expiry_on=date.today() - timedelta(days=1))
    refused(dd, payer, dd.new_bills(("ACR", 1_000)), found.order_no, "expired on")


def test_a_mandate_the_employer_terminated_is_refused_and_the_bank_told(dd, payer):
    found = approved(dd, payer)
    confirm = payer.get(f"/payment/direct-debit/mandate/{found.order_no}/terminate")
    assert "CONFIRM TERMINATE" in confirm.text
    done = payer.post(f"/payment/direct-debit/mandate/{found.order_no}/terminate")
    assert done.status == 200 and "has been terminated" in done.text
    ended = mandate(dd, found.order_no)
    assert ended.terminated_by == "employer" and ended.bank_told_at is not None
    assert bank_mandate(dd, found.mandate_id)["status"] == "terminated"
    refused(dd, payer, dd.new_bills(("ACR", 1_000)), found.order_no, "terminated")


def test_items_of_the_other_scheme_are_refused_before_sending(dd, payer):
    found = approved(dd, payer)
    acr, ecr = dd.new_bills(("ACR", 1_000), ("ECR", 500))
    payer.post("/payment/cart/add", [("item", ecr)])  # from PAYMENT: the cart is one for every channel
    refused(dd, payer, [acr], found.order_no, "SOCSO mandate pays ACR only")


# --- the bank's answers -------------------------------------------------------------------------------------

def test_insufficient_funds_releases_the_items(dd, payer):
    found = approved(dd, payer, bank="TEST0022")  # SBI Bank B: debits answered 51
    [acr] = dd.new_bills(("ACR", 1_000))
    page = debit(payer, [acr], found.order_no)
    attempt = status(dd, order_of(page))
    assert (attempt.status, attempt.debit_auth_code) == ("failed", "51")
    assert "insufficient funds" in page.text and "Unsuccessful" in page.text
    assert f'id="item-{acr}"' in payer.get("/payment/direct-debit/socso/payment").text  # free to pay again


@pytest.mark.parametrize("case", ["over_limit", "frequency", "expired", "terminated", "not_approved"])
def test_the_banks_own_checks_answer_when_the_portals_record_differs(dd, payer, case):
    """The bank refuses what the portal would have refused had its record been the bank's: 48, DC, DE, 57."""
    if case == "not_approved":
        order_no, _ = enrol(dd, payer)
        wait_mandate(dd, order_no, mandates.AWAITING_APPROVAL)
        tamper(dd, order_no, status=mandates.APPROVED)
    else:
        order_no = approved(dd, payer, limit="100.00", frequency="1").order_no
    if case == "over_limit":
        tamper(dd, order_no, limit_sen=1_000_000)
    elif case == "frequency":
        tamper(dd, order_no, max_frequency=5)
        assert status(dd, order_of(debit(payer, dd.new_bills(("ACR", 1_000)), order_no))).status == "succeeded"
    elif case == "expired":
        dd.sim.control("clock", {"advance_s": 6 * 365 * 86400})
    elif case == "terminated":  # the buyer ended it at the bank and the MT notice is lost
        dd.sim.scenario(rules=[{"match": {"seller_order_no": order_no}, "direct_ac": {"drop": True}}])
        mandate_id = mandate(dd, order_no).mandate_id
        ended = request(f"{dd.sim.url}/_sim/mandate/terminate", json.dumps({"mandate_id": mandate_id}).encode(),
                        {"Content-Type": "application/json"})
        assert ended.status == 200, ended.text
    amount = 15_000 if case == "over_limit" else 2_000
    page = debit(payer, dd.new_bills(("ACR", amount)), order_no)
    expected = {"over_limit": "48", "frequency": "DC", "expired": "DE", "terminated": "57", "not_approved": "57"}[case]
    attempt = status(dd, order_of(page))
    assert (attempt.status, attempt.debit_auth_code) == ("failed", expected)
    assert "The bank refused the debit" in page.text


def test_a_duplicate_callback_is_applied_once_and_acknowledged(dd, payer):
    def duplicate(order_no):
        dd.sim.scenario(rules=[{"match": {"seller_order_no": order_no}, "direct_ac": {"duplicate_n": 2}}])

    order_no, mandate_id = enrol(dd, payer, before_bank=duplicate)
    wait_mandate(dd, order_no, mandates.AWAITING_APPROVAL)
    dd.sim.control("clock", {"advance_s": THREE_DAYS})
    wait_mandate(dd, order_no, mandates.APPROVED)
    deliveries = dd.sim.wait_deliveries(mandate_id, count=2)
    assert [d["state"] for d in deliveries] == ["acked", "acked"]  # every copy answered OK
    verdicts = [v for kind, v in kinds(dd, order_no) if kind == "MA"]
    assert sorted(verdicts) == ["applied", "duplicate"]
    with dd.store():
        assert MandateMessage.select().join(Mandate).where(
            (MandateMessage.verdict == "applied") & (MandateMessage.kind == "MA") & (Mandate.order_no == order_no)
        ).count() == 1


def test_a_badly_signed_callback_changes_nothing(dd, payer):
    def corrupt(order_no):
        dd.sim.scenario(rules=[{"match": {"seller_order_no": order_no}, "direct_ac": {"bad_checksum": True}}])

    order_no, mandate_id = enrol(dd, payer, before_bank=corrupt)  # the indirect AC (the browser's) is genuine
    wait_mandate(dd, order_no, mandates.AWAITING_APPROVAL)
    dd.sim.control("clock", {"advance_s": THREE_DAYS})
    deliveries = dd.sim.wait_deliveries(mandate_id, states=("gave_up",), count=2)
    assert all("400" in d["last_result"] for d in deliveries), [d["last_result"] for d in deliveries]
    assert mandate(dd, order_no).status == mandates.AWAITING_APPROVAL
    assert ("MA", "bad_signature") in kinds(dd, order_no) and ("AC-direct", "bad_signature") in kinds(dd, order_no)


def test_a_lost_answer_is_asked_for_again_and_the_debit_made_once(dd, payer):
    found = approved(dd, payer)
    dd.sim.scenario(rules=[{"match": {"amount_sen": 12_345}, "debit": {"http_5xx": True}}])
    page = debit(payer, dd.new_bills(("ACR", 12_345)), found.order_no)
    order = order_of(page)
    attempt = status(dd, order)
    assert attempt.status == "created" and "has not confirmed it yet" in page.text
    assert payer.post(f"/payment/direct-debit/debits/{order}/check").status == 200  # CHECK STATUS: still lost
    assert status(dd, order).status == "created"
    dd.sim.scenario()
    dd.flask("reconcile-payments", "--all")
    assert status(dd, order).status == "succeeded"
    debits = bank_mandate(dd, found.mandate_id)["debits"].values()
    assert [d["code"] for d in debits] == ["00"]  # asked three times, debited once
    assert [k for k, _ in kinds(dd, order)].count("DR") == 3


def test_a_badly_signed_answer_is_refused_then_asked_for_again(dd, payer):
    found = approved(dd, payer)
    dd.sim.scenario(rules=[{"match": {"amount_sen": 23_456}, "debit": {"bad_checksum": True}}])
    order = order_of(debit(payer, dd.new_bills(("ACR", 23_456)), found.order_no))
    assert status(dd, order).status == "created" and ("DS", "bad_signature") in kinds(dd, order)
    dd.sim.scenario()
    assert payer.post(f"/payment/direct-debit/debits/{order}/check").status == 200
    assert status(dd, order).status == "succeeded"


def test_a_pending_debit_is_confirmed_by_the_banks_later_answer(dd, payer):
    found = approved(dd, payer, bank="TEST0023")  # SBI Bank C: debits pending (09) until resolved
    page = debit(payer, dd.new_bills(("ACR", 3_000)), found.order_no)
    order = order_of(page)
    attempt = status(dd, order)
    assert attempt.status == "pending" and "Pending bank" in page.text
    resolved = dd.sim.control(f"resolve/{attempt.fpx_txn_id}", {"code": "00"})
    assert resolved.status == 200, resolved.text
    dd.wait_status(order, ("succeeded",))
    assert ("DS-notice", "applied") in kinds(dd, order)
    assert "RECEIPT (PDF)" in payer.get(f"/payment/direct-debit/debits/{order}").text
