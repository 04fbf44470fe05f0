"""Property tests (hypothesis, payments.md B.2): random sequences and repetitions of ACs (direct, indirect) and AE
replies, with every code class, against one ACR paid by up to three attempts one after another, keep I1 (the
ACR is paid by at most one payment, and is "paid" exactly when one is) and I2 (a success is never undone).
Also: two threads delivering the same AC at once settle it once."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import Conflict
from core.payment_states import NOT_FOUND_GRACE
from core.periods import add_months
from tests.conftest import make_user
from tests.factories import bill, registered_employer
from tests.payments_support import Exchange, stub_gateway
from webapp.db import database
from webapp.models import Acknowledgement
from webapp.payment_models import CartItem, FclbNotice, PaymentAttempt, PaymentItem, Receipt
from webapp.services import cart, fpx_answers, payments

NOW = datetime(2026, 4, 10, 2, 0, tzinfo=UTC)
CODES = ["00", "09", "99", "51", "1C", "76", "OF"]
KINDS = ["AC-direct", "AC-indirect", "AE-reply"]
message = st.tuples(st.just("message"), st.integers(0, 2), st.sampled_from(CODES), st.sampled_from(KINDS),
                    st.booleans(), st.booleans())
operations = st.lists(st.one_of(message, st.just(("new attempt",))), min_size=1, max_size=14)


@pytest.fixture(scope="module")
def exchange(tmp_path_factory):
    return Exchange(tmp_path_factory.mktemp("exchange"))


@pytest.fixture
def world(app, exchange):
    with database.connection_context():
        user = make_user()
        employer, _ = registered_employer(user)
        yield user, employer, stub_gateway(exchange)


def check_invariants(ack, succeeded_before: set[int]) -> set[int]:
    paid_items = PaymentItem.select().where((PaymentItem.acknowledgement == ack) & (PaymentItem.state == "paid"))
    assert paid_items.count() <= 1  # I1
    status = Acknowledgement.get_by_id(ack.id).status
    assert (status == "paid") == (paid_items.count() == 1)
    succeeded = {a.id for a in PaymentAttempt.select().join(PaymentItem).where(
        (PaymentItem.acknowledgement == ack) & (PaymentAttempt.status == "succeeded"))}
    assert succeeded_before <= succeeded  # I2: never downgraded
    assert Receipt.select().join(PaymentAttempt).join(PaymentItem).where(
        PaymentItem.acknowledgement == ack).count() == len(succeeded)
    assert FclbNotice.select().where(FclbNotice.acknowledgement == ack).count() <= 1
    return succeeded


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(ops=operations)
def test_any_sequence_of_answers_keeps_i1_and_i2(world, exchange, ops):
    user, employer, gateway = world
    months = Acknowledgement.select().where(Acknowledgement.employer == employer).count()
    ack = bill(employer, user, add_months(date(2000, 1, 1), months), "ACR", 12_345)
    CartItem.delete().execute()  # each example pays its own ACR
    cart.add(user, employer, [ack.number])
    attempts = [payments.start(user, employer, gateway, token="01", bank_id="TEST0021", email="a@b.test", now=NOW)]
    succeeded: set[int] = set()
    for op in ops:
        if op[0] == "new attempt":
            try:
                attempts.append(payments.start(user, employer, gateway, token="01", bank_id="TEST0021",
                                               email="a@b.test", now=NOW))
            except Conflict:
                pass  # still held by a live attempt: refused, as it must be
            except Exception as error:  # paid already: the cart is empty
                assert "empty" in str(error) or "changed" in str(error), error
        else:
            _, index, code, kind, twice, late = op
            attempt = PaymentAttempt.get_by_id(attempts[min(index, len(attempts) - 1)].id)
            when = NOW + NOT_FOUND_GRACE + timedelta(minutes=1) if late else NOW
            fields = exchange.ac(attempt, code)
            for _ in range(2 if twice else 1):
                result = fpx_answers.apply_form(fields, kind, exchange.certificate, when)
                assert result.acknowledged
        succeeded = check_invariants(ack, succeeded)


def test_two_workers_delivering_the_same_ac_at_once_settle_it_once(world, exchange):
    user, employer, gateway = world
    ack = bill(employer, user, date(2026, 3, 1))
    cart.add(user, employer, [ack.number])
    attempt = payments.start(user, employer, gateway, token="01", bank_id="TEST0021", email="a@b.test", now=NOW)
    fields = exchange.ac(attempt, "00")
    barrier = threading.Barrier(4)
    results, errors = [], []

    def deliver(kind):
        try:
            with database.connection_context():
                barrier.wait(timeout=5)
                results.append(fpx_answers.apply_form(fields, kind, exchange.certificate, NOW).verdict)
        except Exception as error:  # collected, asserted below
            errors.append(error)

    threads = [threading.Thread(target=deliver, args=(kind,)) for kind in
               ("AC-direct", "AC-direct", "AC-indirect", "AE-reply")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == ["applied", "duplicate", "duplicate", "duplicate"]
    assert Receipt.select().count() == 1 and Acknowledgement.get_by_id(ack.id).status == "paid"
