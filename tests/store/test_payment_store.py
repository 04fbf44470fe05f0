"""The payment tables keep the invariants themselves (issue 11): checked with raw writes that bypass the
services, on SQLite and on PostgreSQL."""

import json
from datetime import date

import pytest
from peewee import DatabaseError, IntegrityError

from tests.conftest import make_user
from tests.factories import bill, registered_employer
from webapp.db import database
from webapp.payment_models import (
    CartItem,
    FclbNotice,
    GatewayMessage,
    PaymentAttempt,
    PaymentItem,
    Receipt,
)

MONTH = date(2026, 3, 1)


@pytest.fixture
def store(app):
    with database.connection_context():
        user = make_user()
        employer, _ = registered_employer(user)
        yield user, employer


def attempt(user, employer, number: int, status: str = "created", amount: int = 10_000) -> PaymentAttempt:
    return PaymentAttempt.create(order_no=f"AS{number:012d}", employer=employer, user=user, msg_token="01",
                                 amount=amount, bank_id="TEST0021", email="a@example.com", status=status,
                                 ar_fields=json.dumps({}))


def refused(create, error=IntegrityError):
    with pytest.raises(error), database.atomic():
        create()


def test_an_acknowledgement_is_paid_by_one_payment_only_i1(store):
    user, employer = store
    ack = bill(employer, user, MONTH)
    first, second = attempt(user, employer, 1, "succeeded"), attempt(user, employer, 2, "succeeded")
    PaymentItem.create(attempt=first, acknowledgement=ack, amount=ack.amount, state="paid")
    refused(lambda: PaymentItem.create(attempt=second, acknowledgement=ack, amount=ack.amount, state="paid"))
    refused(lambda: PaymentItem.create(attempt=second, acknowledgement=ack, amount=ack.amount, state="open"))
    PaymentItem.create(attempt=second, acknowledgement=ack, amount=ack.amount, state="released")  # failed: fine


def test_an_item_in_a_payment_in_flight_is_in_no_second_payment(store):
    user, employer = store
    ack = bill(employer, user, MONTH)
    first, second = attempt(user, employer, 1), attempt(user, employer, 2)
    item = PaymentItem.create(attempt=first, acknowledgement=ack, amount=ack.amount)
    refused(lambda: PaymentItem.create(attempt=second, acknowledgement=ack, amount=ack.amount))
    PaymentItem.update(state="released").where(PaymentItem.id == item.id).execute()  # the first one failed
    PaymentItem.create(attempt=second, acknowledgement=ack, amount=ack.amount)


def test_a_notice_is_paid_once_too(store):
    user, employer = store
    ack = bill(employer, user, MONTH, status="paid")
    late = attempt(user, employer, 1, "succeeded")
    notice = FclbNotice.create(number="90000000010000001", employer=employer, acknowledgement=ack, attempt=late,
                               amount=500, late_amount=ack.amount, paid_on=date(2026, 5, 1), days_late=16)
    refused(lambda: FclbNotice.create(number="90000000010000002", employer=employer, acknowledgement=ack,
                                      attempt=late, amount=500, late_amount=ack.amount, paid_on=date(2026, 5, 1),
                                      days_late=16))  # never two notices for one late ACR/ECR
    first, second = attempt(user, employer, 2, "succeeded"), attempt(user, employer, 3)
    PaymentItem.create(attempt=first, notice=notice, amount=500, state="paid")
    refused(lambda: PaymentItem.create(attempt=second, notice=notice, amount=500))


def test_an_item_is_an_acknowledgement_or_a_notice_never_both_or_neither(store):
    user, employer = store
    ack = bill(employer, user, MONTH)
    paying = attempt(user, employer, 1)
    refused(lambda: PaymentItem.create(attempt=paying, amount=1))
    refused(lambda: CartItem.create(user=user, employer=employer))
    CartItem.create(user=user, employer=employer, acknowledgement=ack)
    refused(lambda: CartItem.create(user=user, employer=employer, acknowledgement=ack))  # once in a cart


def test_statuses_models_and_amounts_are_checked(store):
    user, employer = store
    refused(lambda: attempt(user, employer, 1, status="paid"))
    refused(lambda: attempt(user, employer, 2, amount=-1))
    refused(lambda: PaymentAttempt.create(order_no="AS1", employer=employer, user=user, msg_token="03", amount=1,
                                          bank_id="X", email="a@example.com", ar_fields="{}"))
    paying = attempt(user, employer, 3)
    refused(lambda: attempt(user, employer, 3))  # a sellerExOrderNo is used once
    ack = bill(employer, user, MONTH)
    refused(lambda: PaymentItem.create(attempt=paying, acknowledgement=ack, amount=1, state="lost"))
    refused(lambda: Receipt.create(number="20260000000001", attempt=paying, employer=employer, amount=-5))
    Receipt.create(number="20260000000001", attempt=paying, employer=employer, amount=5)
    refused(lambda: Receipt.create(number="20260000000002", attempt=paying, employer=employer, amount=5))
    assert PaymentAttempt.select(PaymentAttempt.amount).where(PaymentAttempt.id == paying.id).scalar() == 10_000
    big = attempt(user, employer, 4, amount=100_000_000_000)  # 64-bit money
    assert PaymentAttempt.get_by_id(big.id).amount == 100_000_000_000


def test_gateway_messages_are_append_only_i3(store):
    message = GatewayMessage.create(direction="in", kind="AC-direct", verdict="bad_signature", raw="fpx_msgType=AC")
    for statement in ("UPDATE gateway_message SET verdict = 'applied'", "DELETE FROM gateway_message",
                      f"UPDATE gateway_message SET raw = 'x' WHERE id = {database.param}"):  # noqa: S608
        with pytest.raises(DatabaseError), database.atomic():
            database.execute_sql(statement, [message.id] if database.param in statement else None)
    assert GatewayMessage.get_by_id(message.id).verdict == "bad_signature"
    refused(lambda: GatewayMessage.create(direction="in", kind="SMS", verdict="applied", raw=""))


def test_an_ac_changes_an_attempt_at_most_once_per_transaction_and_code(store):
    GatewayMessage.create(direction="in", kind="AC-direct", verdict="applied", fpx_txn_id="1", debit_auth_code="99",
                          raw="a")
    GatewayMessage.create(direction="in", kind="AC-direct", verdict="applied", fpx_txn_id="1", debit_auth_code="00",
                          raw="b")  # B2B1: 99 then 00 for one transaction
    GatewayMessage.create(direction="in", kind="AC-direct", verdict="duplicate", fpx_txn_id="1",
                          debit_auth_code="00", raw="c")
    refused(lambda: GatewayMessage.create(direction="in", kind="AC-indirect", verdict="applied", fpx_txn_id="1",
                                          debit_auth_code="00", raw="d"))
