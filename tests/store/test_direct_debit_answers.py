"""Direct debit (QRG 7) against the store, continued (tests/store/test_direct_debit.py): the bank's answers
settling or releasing the payment, asking again for a lost answer, termination by the employer, and PAYMENT
HISTORY."""

from datetime import date, timedelta

import pytest

from core import fpx, mandates
from core.errors import Conflict, NotAllowed
from tests.conftest import make_user
from tests.factories import bill, registered_employer
from tests.mandates_support import debit_answer
from tests.store.mandate_world import MARCH, NOW, approved, pay, status_of
from webapp.mandate_models import Mandate, MandateMessage
from webapp.models import Acknowledgement, AuditEvent, Outbox
from webapp.payment_models import PaymentAttempt, PaymentItem, Receipt
from webapp.services import (
    cart,
    direct_debits,
    mandate_callbacks,
    payment_history,
)
from webapp.services import (
    mandates as mandate_service,
)

# --- the bank's answers -------------------------------------------------------------------------------------

def test_an_approved_debit_settles_the_payment(world, exchange):
    user, employer, gateway = world
    mandate = approved(world)
    acr = bill(employer, user, MARCH, "ACR", 43_90)
    attempt = pay(world, mandate, acr)
    dr = gateway.sent[0]
    assert (dr["fpx_msgType"], dr["fpx_txnAmount"], dr["fpx_mandateId"]) == ("DR", "43.90", mandate.mandate_id)
    assert mandates.genuine(dr, exchange.merchant_certificate, NOW)
    assert (attempt.status, attempt.channel, attempt.reference, attempt.debit_auth_no) == (
        "succeeded", "direct_debit", mandate.mandate_id, "87654321")
    assert Acknowledgement.get_by_id(acr.id).status == "paid" and cart.items(user, employer) == []
    receipt = Receipt.get(Receipt.attempt == attempt)
    assert receipt.amount == 43_90
    mail = Outbox.select().where(Outbox.to_addr == "payroll@example.com").get()
    assert receipt.number in mail.subject
    assert [m.kind for m in MandateMessage.select().where(MandateMessage.attempt == attempt)] == ["DR", "DS"]
    ds = MandateMessage.get((MandateMessage.attempt == attempt) & (MandateMessage.kind == "DS"))
    again = mandate_callbacks.apply_form(debit_answer(exchange, dr, "00", txn_id=ds.fpx_txn_id), "AC-direct", gateway,
                                         NOW)
    assert again.verdict == "duplicate" and Receipt.select().count() == 1
    assert direct_debits.apply_reply("fpx_msgType=DS", gateway, NOW).verdict == "bad_signature"
    assert direct_debits.apply_reply("ERROR", gateway, NOW).verdict == "error"
    late_failure = mandate_callbacks.apply_form(debit_answer(exchange, dr, "51", txn_id=ds.fpx_txn_id), "AC-direct",
                                                gateway, NOW)
    assert late_failure.verdict == "conflict" and status_of(attempt) == "succeeded"  # I2


@pytest.mark.parametrize("code", ["51", "48", "DC", "57", "DE", "76"])
def test_a_refused_debit_releases_its_items(world, code):
    user, employer, gateway = world
    mandate = approved(world)
    acr = bill(employer, user, MARCH, "ACR", 1000)
    gateway.codes[f"DD{1:012d}"] = [code]
    attempt = pay(world, mandate, acr)
    assert (attempt.status, attempt.debit_auth_code) == ("failed", code)
    assert [i.state for i in PaymentItem.select()] == ["released"] and not cart.items(user, employer)[0].in_flight
    assert Acknowledgement.get_by_id(acr.id).status == "unpaid"
    assert mandates.debit_message(code) != fpx.response_code("XX").message


def test_a_pending_debit_is_settled_by_the_banks_later_answer(world, exchange):
    user, employer, gateway = world
    mandate = approved(world)
    acr = bill(employer, user, MARCH, "ACR", 1000)
    gateway.codes[f"DD{1:012d}"] = ["09"]
    attempt = pay(world, mandate, acr)
    assert attempt.status == "pending" and cart.items(user, employer)[0].in_flight
    with pytest.raises(Conflict):  # held: not paid twice meanwhile
        pay(world, mandate, acr)
    later = debit_answer(exchange, gateway.sent[0], "00")
    assert mandate_callbacks.apply_form(later, "AC-direct", gateway, NOW).status == "succeeded"
    assert Acknowledgement.get_by_id(acr.id).status == "paid"


def test_a_debit_without_an_answer_is_asked_again_never_failed_by_a_timer(world, exchange):
    user, employer, gateway = world
    mandate = approved(world)
    acr = bill(employer, user, MARCH, "ACR", 1000)
    order = f"DD{1:012d}"
    gateway.codes[order] = [None, "ERROR", None]
    attempt = pay(world, mandate, acr)
    assert attempt.status == "created" and attempt.last_check_error
    assert direct_debits.reconcile(gateway, NOW).checked == 0  # not due yet
    summary = direct_debits.reconcile(gateway, NOW + timedelta(minutes=16))  # 5, 15, 60 min, hourly
    assert (summary.checked, summary.errors, status_of(attempt)) == (1, 1, "created")
    late = NOW + timedelta(days=2)
    direct_debits.reconcile(gateway, late)
    assert status_of(attempt) == "needs_review"  # a person looks; nothing failed
    gateway.codes[order] = ["00"]
    direct_debits.reconcile(gateway, late + timedelta(days=1))
    assert status_of(attempt) == "succeeded" and len({dr["fpx_sellerExOrderNo"] for dr in gateway.sent}) == 1
    assert all(dr == gateway.sent[0] for dr in gateway.sent)  # the same DR each time


# --- termination by the employer ----------------------------------------------------------------------------

def test_the_employer_terminates_and_the_bank_is_told(world):
    user, employer, gateway = world
    mandate = approved(world)
    ended = mandate_service.terminate(user, employer, mandate.order_no, gateway, NOW)
    assert (ended.status, ended.terminated_by) == (mandates.TERMINATED, "employer") and ended.bank_told_at
    assert gateway.terminations[0]["fpx_mandateId"] == mandate.mandate_id
    with pytest.raises(NotAllowed):
        mandate_service.terminate(user, employer, mandate.order_no, gateway, NOW)
    assert AuditEvent.select().where(AuditEvent.action == "mandate.terminated").count() == 1


def test_a_termination_the_bank_did_not_hear_is_sent_again(world, exchange):
    user, employer, gateway = world
    mandate = approved(world)
    mandate_service.terminate(user, employer, mandate.order_no, None, NOW)  # the exchange was not reached
    assert Mandate.get_by_id(mandate.id).bank_told_at is None and status_of(mandate) == mandates.TERMINATED
    direct_debits.reconcile(gateway, NOW)
    assert Mandate.get_by_id(mandate.id).bank_told_at is not None


# --- PAYMENT HISTORY ----------------------------------------------------------------------------------------

def test_payment_history_lists_every_channel_ten_a_page(world):
    user, employer, gateway = world
    mandate = approved(world, frequency=31)
    for month in range(1, 12):
        gateway.codes[f"DD{month:012d}"] = ["51" if month == 3 else "00"]
        pay(world, mandate, bill(employer, user, date(2025, month, 1), "ACR", 1000 + month),
            now=NOW + timedelta(minutes=month))
    PaymentAttempt.create(order_no="EF000000000001", employer=employer, user=user, channel="eft", amount=500,
                          email="x@example.com", status="pending", reference="REF1",
                          created_at=(NOW + timedelta(hours=1)).replace(tzinfo=None))
    first = payment_history.page(employer, 1)
    assert (first.count, first.pages, len(first.rows)) == (12, 2, 10)
    assert (first.rows[0].channel, first.rows[0].status, first.rows[0].receipt) == ("eft", "submitted", None)
    assert first.rows[1].amount == 1011 and first.rows[1].status == "successful" and first.rows[1].receipt
    assert (first.rows[-1].amount, first.rows[-1].status, first.rows[-1].receipt) == (1003, "unsuccessful", None)
    last = payment_history.page(employer, 9)  # clamped to the last page
    assert last.page == 2 and [r.amount for r in last.rows] == [1002, 1001]
    other_user = make_user("other@example.com")
    other, _ = registered_employer(other_user, "OTHER SDN BHD", "201901000006", code="E9000000002P")
    assert payment_history.page(other, 1).count == 0

