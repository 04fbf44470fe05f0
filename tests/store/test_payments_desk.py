"""The officers' payments desk on both databases: an FPX payment found by its transaction id, receipt, ACR
number, employer code and day, its page with the raw gateway messages and audit events; the day's totals
and collections per channel; CHECK AGAIN in the audit trail; MARK UNSUCCESSFUL for a payment that needs
review."""

from datetime import UTC, date, datetime, timedelta

import pytest

from core import fpx
from core.errors import Conflict, NotFound
from tests.conftest import PASSWORD, make_user
from tests.factories import bill, registered_employer
from tests.payments_support import Exchange, stub_gateway
from tests.support import CSRF_META, login
from webapp.db import database
from webapp.models import AuditEvent
from webapp.payment_models import PaymentAttempt, PaymentItem, Receipt
from webapp.services import cart, fpx_answers, payments, payments_desk

NOW = datetime(2026, 4, 10, 2, 0, tzinfo=UTC)  # 10 April 2026, 10.00 am in Malaysia
PAID_ON = date(2026, 4, 10)


@pytest.fixture(scope="module")
def exchange(tmp_path_factory):
    return Exchange(tmp_path_factory.mktemp("exchange"))


@pytest.fixture
def paid(app, exchange):
    """An FPX payment approved (00) for an ACR of the employer."""
    with database.connection_context():
        user = make_user()
        employer, _ = registered_employer(user)
        acr = bill(employer, user, date(2026, 3, 1), "ACR", 43_900)
        cart.add(user, employer, [acr.number])
        attempt = payments.start(user, employer, stub_gateway(exchange), token=fpx.B2C, bank_id="TEST0021",
                                 email="pay@example.com", now=NOW)
        fields = exchange.ac(PaymentAttempt.get_by_id(attempt.id), "00")
        fpx_answers.apply_form(fields, "AC-direct", exchange.certificate, NOW)
        attempt = PaymentAttempt.get_by_id(attempt.id)
        receipt = Receipt.get(Receipt.attempt == attempt.id)
    return employer, acr, attempt, receipt  # outside the connection: the test client closes its own


def test_any_payment_is_found_by_each_of_its_numbers_and_its_day(paid):
    employer, acr, attempt, receipt = paid
    for query in (attempt.order_no, attempt.fpx_txn_id, receipt.number, acr.number, employer.code,
                  f"  {attempt.order_no.lower()} "):
        assert [a.order_no for a in payments_desk.find(query)] == [attempt.order_no], query
    for query in ("E9000000002P", "ACR0000000000", "AS0000", "%", "' OR 1=1 --"):
        assert payments_desk.find(query) == [], query
    assert [a.id for a in payments_desk.find(day=PAID_ON)] == [attempt.id]
    assert payments_desk.find(day=PAID_ON + timedelta(days=1)) == []
    assert payments_desk.find(attempt.order_no, PAID_ON - timedelta(days=1)) == []  # both must hold
    assert payments_desk.find() == []


def test_a_payments_page_has_its_items_receipt_events_and_raw_messages(app, paid, client):
    employer, acr, attempt, receipt = paid
    found = payments_desk.record(attempt.order_no)
    assert [(i.ref, i.kind, i.amount, i.state) for i in found.items] == [(acr.number, "ACR", 43_900, "paid")]
    assert [r.number for r in found.receipts] == [receipt.number] and found.eft is None
    assert {"payment.started", "payment.succeeded"} <= {e.action for e in found.events}
    assert [m.kind for m in found.messages] == ["AR", "AC-direct"]
    officer = make_user("officer@example.com", role="officer", name="Officer One")
    login(client, officer.email, PASSWORD)
    page = client.get(f"/officer/payments/{attempt.order_no}").get_data(as_text=True)
    assert attempt.fpx_txn_id in page and receipt.number in page and "fpx_txnAmount=439.00" in page
    assert "VERIFY" not in page  # an FPX payment has no EFT decision
    assert client.get("/officer/payments/AS999999999999").status_code == 404


def test_the_days_totals_and_collections_per_channel(paid):
    employer, _, attempt, receipt = paid
    totals = {t.channel: (t.count, t.amount) for t in payments_desk.totals(PAID_ON)}
    assert totals == {"fpx": (1, 43_900), "eft": (0, 0), "direct_debit": (0, 0), "counter": (0, 0),
                      "collection": (0, 0)}
    [row] = payments_desk.collections(PAID_ON)
    assert row == ("fpx", attempt.order_no, receipt.number, employer.code, "439.00", attempt.fpx_txn_id,
                   "2026-04-10 10:00:00")
    assert payments_desk.collections(PAID_ON, "eft") == [] and payments_desk.collections(PAID_ON - timedelta(1)) == []


def test_check_again_is_in_the_audit_trail(app, paid, client):
    _, _, attempt, _ = paid
    officer = make_user("officer@example.com", role="officer", name="Officer One")
    login(client, officer.email, PASSWORD)
    token = CSRF_META.search(client.get("/officer/payments/").get_data(as_text=True)).group(1)
    back = client.post(f"/officer/payments/{attempt.order_no}/check", data={"csrf_token": token, "back": "payment"})
    assert back.headers["Location"] == f"/officer/payments/{attempt.order_no}"
    [event] = AuditEvent.select().where(AuditEvent.action == "payment.checked")
    assert (event.user_id, event.subject) == (officer.id, attempt.order_no)
    assert '"after": "succeeded"' in event.details  # a final payment is not asked about again


def test_an_officer_marks_a_payment_that_needs_review_unsuccessful_and_its_items_are_free(app, exchange):
    with database.connection_context():
        user, officer = make_user(), make_user("officer@example.com", role="officer")
        employer, _ = registered_employer(user)
        acr = bill(employer, user, date(2026, 3, 1), "ACR", 43_900)
        cart.add(user, employer, [acr.number])
        attempt = payments.start(user, employer, stub_gateway(exchange), token=fpx.B2C, bank_id="TEST0021",
                                 email="pay@example.com", now=NOW)
        with pytest.raises(Conflict):  # still waiting for FPX: not an officer's to end
            payments_desk.mark_unsuccessful(attempt.order_no, officer, "no answer", NOW)
        PaymentAttempt.update(status="needs_review").where(PaymentAttempt.id == attempt.id).execute()
        ended = payments_desk.mark_unsuccessful(attempt.order_no, officer, "the bank has no such payment", NOW)
        assert ended.status == "failed" and "the bank has no such payment" in ended.review_reason
        assert [i.state for i in PaymentItem.select()] == ["released"]
        assert cart.payable(employer, user)[0].in_flight is False
        event = AuditEvent.select().where(AuditEvent.action == "payment.failed").get()
        assert event.user_id == officer.id
        with pytest.raises(Conflict):  # twice: the second is refused, nothing changes
            payments_desk.mark_unsuccessful(attempt.order_no, officer, "again", NOW)
        with pytest.raises(NotFound):
            payments_desk.mark_unsuccessful("AS999999999999", officer, "x", NOW)
