"""The payment services against the store (SQLite and PostgreSQL), with a stand-in exchange that signs ACs
with its own key: the cart, starting a payment, the one function that applies every AC, settlement (paid,
receipt, FCLB notice, email), reconciliation and cancelling. The two-process tests are in tests/payments."""

import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from core import fpx
from core.errors import Conflict, NotAllowed, NotFound, ValidationError
from core.interest import late_interest
from core.money import from_sen, sen
from core.payment_states import NOT_FOUND_GRACE
from tests.conftest import make_user
from tests.factories import bill, registered_employer
from tests.payments_support import Exchange, stub_gateway
from webapp.db import database
from webapp.models import Acknowledgement, AuditEvent, Outbox, OutboxAttachment
from webapp.payment_models import CartItem, FclbNotice, GatewayMessage, PaymentAttempt, PaymentItem, Receipt
from webapp.services import bills, cart, fpx_answers, outbox, payments, reconciliation

NOW = datetime(2026, 4, 10, 2, 0, tzinfo=UTC)  # 10 April 2026, 10.00 am in Malaysia
MARCH = date(2026, 3, 1)  # due 15 April: on time on NOW
JANUARY = date(2026, 1, 1)  # due 15 February: late on NOW


@pytest.fixture(scope="module")
def exchange(tmp_path_factory):
    return Exchange(tmp_path_factory.mktemp("exchange"))


@pytest.fixture
def world(app, exchange):
    with database.connection_context():
        user = make_user()
        employer, _ = registered_employer(user)
        yield user, employer, stub_gateway(exchange)


def pay(user, employer, gateway, *acks, token=fpx.B2C, bank="TEST0021"):
    cart.add(user, employer, [a.number for a in acks])
    return payments.start(user, employer, gateway, token=token, bank_id=bank, email="pay@example.com", now=NOW)


def answer(exchange, attempt, code, kind="AC-direct", now=NOW, certificate=None, **options):
    fields = exchange.ac(PaymentAttempt.get_by_id(attempt.id), code, **options)
    return fpx_answers.apply_form(fields, kind, certificate or exchange.certificate, now)


def status_of(attempt):
    return PaymentAttempt.get_by_id(attempt.id).status


def test_the_cart_holds_only_this_employers_unpaid_items(world):
    user, employer, _ = world
    acr, ecr = bill(employer, user, MARCH, "ACR", 4390), bill(employer, user, MARCH, "ECR", 780)
    paid = bill(employer, user, JANUARY, "ACR", 100, status="paid")
    other_user = make_user("other@example.com")
    other, _ = registered_employer(other_user, "OTHER SDN BHD", "201901000006", code="E9000000002P")
    theirs = bill(other, other_user, MARCH, "ACR", 500)
    assert cart.add(user, employer, [acr.number, ecr.number, acr.number]) == 2
    for wrong in (paid.number, theirs.number, "ACR0000000000"):
        with pytest.raises(NotFound):
            cart.add(user, employer, [wrong])
    assert [p.ref for p in cart.items(user, employer)] == [acr.number, ecr.number]
    assert cart.total(cart.items(user, employer)) == 5170 and cart.count(user, employer) == 2
    assert cart.items(other_user, employer) == []  # per user and employer
    cart.remove(user, employer, ecr.number)
    assert [p.ref for p in cart.items(user, employer)] == [acr.number]


def test_start_commits_the_attempt_its_items_and_the_signed_ar(world, exchange):
    user, employer, gateway = world
    acr, ecr = bill(employer, user, MARCH, "ACR", 4390), bill(employer, user, MARCH, "ECR", 780)
    attempt = pay(user, employer, gateway, acr, ecr)
    ar = json.loads(attempt.ar_fields)
    assert ar["fpx_txnAmount"] == "51.70" and attempt.amount == 5170  # I8: sen inside, %.2f on the wire
    assert ar["fpx_sellerExOrderNo"] == attempt.order_no and attempt.status == "created"
    assert fpx.verify(ar, exchange.merchant_certificate, NOW)
    assert sorted((i.acknowledgement_id, i.amount, i.state) for i in PaymentItem.select()) == [
        (acr.id, 4390, "open"), (ecr.id, 780, "open")]
    assert GatewayMessage.get(GatewayMessage.kind == "AR").raw.startswith("fpx_buyerAccNo=")
    assert [p.in_flight for p in cart.items(user, employer)] == [True, True]
    with pytest.raises(Conflict):  # I6 asked FPX (still 09): the items cannot go in a second payment
        payments.start(user, employer, gateway, token=fpx.B2C, bank_id="TEST0021", email="a@b.test",
                       now=NOW + timedelta(minutes=2))
    assert gateway.enquiries == [attempt.order_no]
    assert PaymentAttempt.select().count() == 1


def test_amount_limits_per_model_are_refused_before_anything_is_sent(world):
    user, employer, gateway = world
    big = bill(employer, user, MARCH, "ACR", 3_000_001)
    cart.add(user, employer, [big.number])
    with pytest.raises(ValidationError):
        payments.start(user, employer, gateway, token=fpx.B2C, bank_id="TEST0021", email="a@b.test", now=NOW)
    assert PaymentAttempt.select().count() == 0
    cart.remove(user, employer, big.number)
    small = bill(employer, user, JANUARY, "ECR", 150)
    cart.add(user, employer, [small.number])
    with pytest.raises(ValidationError):
        payments.start(user, employer, gateway, token=fpx.B2B1, bank_id="TEST0021", email="a@b.test", now=NOW)
    with pytest.raises(ValidationError):  # an offline bank cannot be chosen
        payments.start(user, employer, gateway, token=fpx.B2C, bank_id="BSN0601", email="a@b.test", now=NOW)
    assert payments.start(user, employer, gateway, token=fpx.B2C, bank_id="TEST0021", email="a@b.test",
                          now=NOW).amount == 150


def test_approved_marks_paid_issues_the_receipt_and_emails_it_in_one_go(world, exchange):
    user, employer, gateway = world
    acr, ecr = bill(employer, user, MARCH, "ACR", 4390), bill(employer, user, MARCH, "ECR", 780)
    attempt = pay(user, employer, gateway, acr, ecr)
    result = answer(exchange, attempt, "00")
    assert result == fpx_answers.Answer(True, "applied", attempt.order_no, "succeeded", code="00")
    assert {a.status for a in Acknowledgement.select()} == {"paid"}
    receipt = Receipt.get()
    assert receipt.amount == 5170 and receipt.number.startswith("2026")
    assert CartItem.select().count() == 0 and FclbNotice.select().count() == 0  # on time: no notice
    mail = Outbox.get()
    assert mail.to_addr == "pay@example.com" and receipt.number in mail.body
    pdf = OutboxAttachment.get(OutboxAttachment.message == mail)
    assert pdf.source == f"receipt:{receipt.number}"  # built when the mail goes out
    text = PdfReader(io.BytesIO(outbox.attachment_data(pdf))).pages[0].extract_text()
    for expected in (receipt.number, acr.number, ecr.number, "03/2026", "51.70", exchange.txn_id(attempt.order_no),
                     "RESIT BAYARAN / PAYMENT RECEIPT"):
        assert expected in text, text
    assert answer(exchange, attempt, "00").verdict == "duplicate"  # the resend: OK, nothing twice
    assert Receipt.select().count() == 1 and Outbox.select().count() == 1
    trail = [(e.action, e.subject) for e in AuditEvent.select().order_by(AuditEvent.id)]
    assert trail == [("payment.started", attempt.order_no), ("payment.succeeded", attempt.order_no)]


def test_a_verified_00_is_never_downgraded_i2(world, exchange):
    user, employer, gateway = world
    attempt = pay(user, employer, gateway, bill(employer, user, MARCH))
    answer(exchange, attempt, "00")
    assert answer(exchange, attempt, "51").verdict == "conflict"
    assert answer(exchange, attempt, "09", kind="AE-reply").verdict == "no_change"
    assert answer(exchange, attempt, "00", txn_id="2603999999999999").verdict == "conflict"
    assert status_of(attempt) == "succeeded" and Acknowledgement.get().status == "paid"
    assert GatewayMessage.select().where(GatewayMessage.verdict == "conflict").count() == 2  # kept, raw


@pytest.mark.parametrize("spoil", ["bad_checksum", "tampered_amount", "wrong_seller", "unknown_order", "expired",
                                   "not_an_ac"])
def test_what_cannot_be_trusted_changes_nothing_and_is_kept_raw_i3(world, exchange, spoil):
    user, employer, gateway = world
    attempt = pay(user, employer, gateway, bill(employer, user, MARCH))
    fields = exchange.ac(attempt, "00")
    certificate = exchange.certificate
    if spoil == "bad_checksum":
        fields["fpx_checkSum"] = fields["fpx_checkSum"][:-1] + ("0" if fields["fpx_checkSum"][-1] != "0" else "1")
    elif spoil == "tampered_amount":
        fields = exchange.ac(attempt, "00", amount_sen=attempt.amount + 100)  # validly signed, wrong amount
    elif spoil == "wrong_seller":
        fields = exchange.ac(attempt, "00", fpx_sellerId="SE99999999")
    elif spoil == "unknown_order":
        fields = exchange.ac(attempt, "00", fpx_sellerExOrderNo="AS999999999999")
    elif spoil == "expired":
        certificate = exchange.expired
    else:
        fields = {"fpx_msgType": "AC", "x": "<script>"}
    result = fpx_answers.apply_form(fields, "AC-direct", certificate, NOW)
    assert not result.acknowledged
    assert status_of(attempt) == "created" and Acknowledgement.get().status == "unpaid"
    assert Receipt.select().count() == 0 and PaymentItem.get().state == "open"
    stored = GatewayMessage.get(GatewayMessage.kind == "AC-direct")
    assert stored.verdict == result.verdict != "applied" and stored.raw


def test_b2b1_waits_for_the_authoriser_and_out_of_order_answers_converge(world, exchange):
    user, employer, gateway = world
    acr = bill(employer, user, MARCH, "ACR", 100_000)
    attempt = pay(user, employer, gateway, acr, token=fpx.B2B1, bank="TEST0021")
    assert answer(exchange, attempt, "99").status == "pending"
    assert [p.in_flight for p in cart.items(user, employer)] == [True]  # awaiting bank approval
    with pytest.raises(NotAllowed):  # QRG 9 refuses to cancel it meanwhile
        bills.cancel(employer, [acr.number])
    assert answer(exchange, attempt, "00").status == "succeeded"
    assert answer(exchange, attempt, "99").verdict == "duplicate"  # the 99 resent
    assert status_of(attempt) == "succeeded" and Acknowledgement.get().status == "paid"
    other = bill(employer, user, JANUARY, "ECR", 20_000)
    second = pay(user, employer, gateway, other, token=fpx.B2B1, bank="TEST0021")
    assert answer(exchange, second, "00").status == "succeeded"  # out of order: the final answer first
    assert answer(exchange, second, "99").verdict == "no_change"  # the held 99 after it changes nothing
    assert status_of(second) == "succeeded"


def test_declined_releases_the_items_which_stay_in_the_cart_to_try_again(world, exchange):
    user, employer, gateway = world
    acr = bill(employer, user, MARCH)
    first = pay(user, employer, gateway, acr, bank="TEST0022")
    assert answer(exchange, first, "51").status == "failed"
    assert [(p.ref, p.in_flight) for p in cart.items(user, employer)] == [(acr.number, False)]
    second = payments.start(user, employer, gateway, token=fpx.B2C, bank_id="TEST0021", email="a@b.test", now=NOW)
    assert answer(exchange, second, "00").status == "succeeded"
    assert [i.state for i in PaymentItem.select().order_by(PaymentItem.id)] == ["released", "paid"]


def test_not_found_is_no_failure_within_the_grace_period(world, exchange):
    user, employer, gateway = world
    attempt = pay(user, employer, gateway, bill(employer, user, MARCH))
    assert answer(exchange, attempt, "76", kind="AE-reply").verdict == "no_change"
    assert status_of(attempt) == "created"
    late = NOW + NOT_FOUND_GRACE
    assert answer(exchange, attempt, "76", kind="AE-reply", now=late).status == "failed"  # abandoned: never at FPX
    assert PaymentItem.get().state == "released"


def test_a_late_payment_gets_an_fclb_notice_that_is_then_paid_like_an_acr(world, exchange):
    user, employer, gateway = world
    acr = bill(employer, user, JANUARY, "ACR", 250_000)
    attempt = pay(user, employer, gateway, acr)
    answer(exchange, attempt, "00")
    notice = FclbNotice.get()
    paid_on = date(2026, 4, 10)
    assert notice.amount == sen(late_interest(from_sen(250_000), JANUARY, paid_on)) >= 500
    assert notice.days_late == (paid_on - date(2026, 2, 15)).days and notice.number.startswith("9000000001")
    assert len(OutboxAttachment.select()) == 2  # the receipt and the notice
    payable = cart.payable(employer, user)
    assert [(p.kind, p.ref, p.amount) for p in payable] == [("FCLB", notice.number, notice.amount)]
    cart.add(user, employer, [notice.number])
    second = payments.start(user, employer, gateway, token=fpx.B2C, bank_id="TEST0021", email="a@b.test", now=NOW)
    assert answer(exchange, second, "00").status == "succeeded"
    assert FclbNotice.get().status == "paid" and FclbNotice.select().count() == 1  # no notice of a notice
    assert cart.payable(employer, user) == []


def test_a_success_after_a_recorded_failure_never_pays_an_item_twice(world, exchange):
    user, employer, gateway = world
    acr = bill(employer, user, MARCH)
    first = pay(user, employer, gateway, acr)
    answer(exchange, first, "76", kind="AE-reply", now=NOW + NOT_FOUND_GRACE)  # taken as abandoned
    second = payments.start(user, employer, gateway, token=fpx.B2C, bank_id="TEST0021", email="a@b.test", now=NOW)
    answer(exchange, second, "00")
    assert answer(exchange, first, "00").status == "needs_review"  # FPX took the money for it after all
    assert PaymentItem.select().where(PaymentItem.state == "paid").count() == 1  # I1
    assert "another payment" in PaymentAttempt.get_by_id(first.id).review_reason
    assert Receipt.select().count() == 1


def test_cancelling_refuses_an_item_in_flight_and_paying_refuses_a_cancelled_one(world, exchange):
    user, employer, gateway = world
    acr = bill(employer, user, MARCH)
    attempt = pay(user, employer, gateway, acr)
    with pytest.raises(NotAllowed):
        bills.cancel(employer, [acr.number])
    answer(exchange, attempt, "1C")  # cancelled at the bank: free again
    bills.cancel(employer, [acr.number])
    assert cart.items(user, employer) == []
    assert answer(exchange, attempt, "00").status == "needs_review"  # approved for a cancelled ACR: refund


def test_reconciliation_claims_with_a_lease_and_goes_to_review_not_to_failed(world, exchange):
    user, employer, gateway = world
    attempt = pay(user, employer, gateway, bill(employer, user, MARCH))
    assert reconciliation.due(NOW) == []  # the first AE is 5 minutes after the AR
    soon = NOW + timedelta(minutes=5)
    assert reconciliation.due(soon) == [attempt.id]
    assert reconciliation.claim([attempt.id], soon) == [attempt.id]
    assert reconciliation.claim([attempt.id], soon) == []  # another server gets nothing while the lease runs
    gateway.replies[attempt.order_no] = ["09"]
    assert reconciliation.check(PaymentAttempt.get_by_id(attempt.id), gateway, soon) == "pending"
    later = NOW + timedelta(days=2)
    summary = reconciliation.reconcile(gateway, later, everything=True)
    assert summary.checked == 1
    current = PaymentAttempt.get_by_id(attempt.id)
    assert current.status == "needs_review" and "No final answer" in current.review_reason
    assert reconciliation.needs_review() == [current]
    gateway.replies[attempt.order_no] = ["00"]  # the bank answers at last
    reconciliation.reconcile(gateway, later + timedelta(days=1))
    assert status_of(attempt) == "succeeded" and reconciliation.needs_review() == []


def test_a_failing_enquiry_is_retried_later_and_fails_nothing(world, exchange):
    user, employer, gateway = world
    attempt = pay(user, employer, gateway, bill(employer, user, MARCH))
    gateway.replies[attempt.order_no] = ["ERROR"]
    assert reconciliation.check(attempt, gateway, NOW + timedelta(minutes=5)) is None
    current = PaymentAttempt.get_by_id(attempt.id)
    assert current.status == "created" and current.next_check_at > NOW.replace(tzinfo=None) + timedelta(minutes=5)
    assert GatewayMessage.get(GatewayMessage.kind == "AE-reply").verdict == "error"


def test_an_approval_heard_late_is_dated_by_fpx_not_by_when_the_portal_heard_of_it(world, exchange):
    user, employer, gateway = world
    acr = bill(employer, user, MARCH, "ACR", 4390)  # due 15 April; paid at FPX on 10 April
    attempt = pay(user, employer, gateway, acr)
    heard = NOW + timedelta(days=10)  # the AC was lost; reconciliation heard of the 00 on 20 April
    assert answer(exchange, attempt, "00", now=heard).verdict == "applied"
    paid = PaymentAttempt.get_by_id(attempt.id)
    assert paid.paid_on == date(2026, 4, 10)
    assert paid.completed_at == NOW.replace(tzinfo=None)
    assert FclbNotice.select().count() == 0  # on time: no late interest


def test_a_second_press_of_proceed_gets_the_same_payment_but_not_minutes_later(world):
    user, employer, gateway = world
    acr = bill(employer, user, MARCH, "ACR", 4390)
    first = pay(user, employer, gateway, acr)
    again = payments.start(user, employer, gateway, token=fpx.B2C, bank_id="TEST0021", email="pay@example.com",
                           now=NOW + timedelta(seconds=5))
    assert again.id == first.id and PaymentAttempt.select().count() == 1
    with pytest.raises(Conflict):  # abandoned at the bank and tried again: held until FPX answers
        payments.start(user, employer, gateway, token=fpx.B2C, bank_id="TEST0021", email="pay@example.com",
                       now=NOW + timedelta(minutes=5))


@pytest.mark.parametrize("email", ["a|b@c.com", "pengguna@contoh.みんな", "x" * 95 + "@a.com", "no-at-sign"])
def test_an_email_fpx_cannot_carry_is_refused_before_anything_is_sent(world, email):
    user, employer, gateway = world
    cart.add(user, employer, [bill(employer, user, MARCH, "ACR", 4390).number])
    with pytest.raises(ValidationError):
        payments.start(user, employer, gateway, token=fpx.B2C, bank_id="TEST0021", email=email, now=NOW)
    assert PaymentAttempt.select().count() == 0


def test_an_item_held_by_a_payment_says_which_payment(world):
    user, employer, gateway = world
    acr = bill(employer, user, MARCH, "ACR", 4390)
    attempt = pay(user, employer, gateway, acr)
    [row] = cart.payable(employer, user)
    assert row.in_flight and row.held_by == (attempt.order_no, "fpx")
    assert cart.items(user, employer)[0].held_by == (attempt.order_no, "fpx")


def test_proceed_refuses_a_cart_changed_in_another_window_since_the_page_showed_it(world):
    user, employer, gateway = world
    acr, ecr = bill(employer, user, MARCH, "ACR", 4390), bill(employer, user, MARCH, "ECR", 780)
    cart.add(user, employer, [acr.number])
    shown = cart.total(cart.items(user, employer))
    cart.add(user, employer, [ecr.number])  # the other tab
    with pytest.raises(Conflict) as changed:
        payments.start(user, employer, gateway, token=fpx.B2C, bank_id="TEST0021", email="pay@example.com", now=NOW,
                       shown_total=shown)
    assert changed.value.params["amount"] == "RM 51.70"
    assert PaymentAttempt.select().count() == 0
    attempt = payments.start(user, employer, gateway, token=fpx.B2C, bank_id="TEST0021", email="pay@example.com",
                             now=NOW, shown_total=5170)
    assert attempt.amount == 5170
