"""The bank counter (QRG 8) against the store, on SQLite and PostgreSQL: a teller finds one ACR/ECR and records
cash or a cheque for it (a counter payment, settled with its receipt in one locked transaction), and every
refusal: one cheque per scheme, the exact amount, not before the next business day, paid, cancelled, held by
another payment; a double press (also two presses at once) records once; a teller sees only its own."""

import io
import threading
from datetime import date, datetime, timedelta

import pytest
from peewee import IntegrityError
from pypdf import PdfReader

from core.errors import Conflict, NotAllowed, NotFound, ValidationError
from tests.conftest import make_user
from tests.factories import bill, registered_employer
from webapp.counter_models import CounterPayment
from webapp.db import database, locked
from webapp.models import Acknowledgement, AuditEvent, Outbox
from webapp.payment_models import FclbNotice, PaymentAttempt, PaymentItem, Receipt
from webapp.services import cart, counter, payments, receipts, settlement

NOW = datetime(2026, 4, 10, 2, 0)  # naive UTC: Friday 10 April 2026, 10.00 am in Malaysia
THURSDAY_5_59_PM = datetime(2026, 4, 9, 9, 59)  # naive UTC of 5.59 pm in Malaysia, the day before
THURSDAY_6_PM = datetime(2026, 4, 9, 10, 0)  # 6.00 pm: at the counter only on Monday 13 April
MARCH, JANUARY = date(2026, 3, 1), date(2026, 1, 1)  # March due 15 April (on time); January late


@pytest.fixture
def world(app):
    with database.connection_context():
        owner = make_user()
        employer, _ = registered_employer(owner, name="KEDAI RUNCIT MAJU SDN. BHD.")
        employer.email = "accounts@kedaimaju.example"
        employer.save()
        teller = make_user("teller@bank.example", role="teller", name="Aminah Teller")
        yield owner, employer, teller


def document(employer, owner, month=MARCH, kind="ACR", amount=44400, submitted=THURSDAY_5_59_PM, **facts):
    ack = bill(employer, owner, month, kind, amount, **facts)
    Acknowledgement.update(created_at=submitted).where(Acknowledgement.id == ack.id).execute()
    return Acknowledgement.get_by_id(ack.id)


def pay(teller, ack, *, method="cheque", amount=None, bank="MBB", cheque_no="123456", token=None, now=NOW):
    return counter.record(teller, number=ack.number, token=token or counter.find(teller, ack.number, now).token,
                          method=method, amount=ack.amount if amount is None else amount, bank=bank,
                          cheque_no=cheque_no, now=now)


def test_a_cheque_recorded_at_the_counter_is_paid_with_a_receipt_naming_cheque_and_teller(world):
    owner, employer, teller = world
    acr = document(employer, owner)
    found = counter.find(teller, f" {acr.number[:3]} {acr.number[3:]} ".lower(), NOW)  # as a teller types it
    assert (found.number, found.scheme, found.employer_code, found.amount, found.status) == (
        acr.number, "SOCSO", "E9000000001R", 44400, "unpaid")
    paid = pay(teller, acr, token=found.token)
    attempt = PaymentAttempt.get(PaymentAttempt.order_no == paid.order_no)
    assert (attempt.channel, attempt.status, attempt.amount, attempt.user_id) == ("counter", "succeeded", 44400,
                                                                                  teller.id)
    assert paid.order_no.startswith("KT") and not paid.again
    assert Acknowledgement.get_by_id(acr.id).status == "paid"
    assert [i.state for i in PaymentItem.select().where(PaymentItem.attempt == attempt)] == ["paid"]
    receipt = Receipt.get(Receipt.attempt == attempt)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(receipts.pdf_of_receipt(receipt))).pages)
    assert "Kaunter Bank / Bank Counter" in text and "Cek / Cheque: Maybank 123456" in text
    assert "Aminah Teller" in text and acr.number in text and "444.00" in text
    mail = Outbox.get(Outbox.to_addr == "accounts@kedaimaju.example")  # the employer gets the receipt
    assert paid.receipt in mail.body and "Maybank 123456" in mail.body
    actions = [e.action for e in AuditEvent.select().order_by(AuditEvent.id)]
    assert actions[0] == "counter.lookup" and {"counter.recorded", "payment.succeeded"} <= set(actions)
    assert FclbNotice.select().count() == 0  # March paid on time


def test_cash_for_a_late_document_gives_the_fclb_notice_to_the_payment_day(world):
    owner, employer, teller = world
    ecr = document(employer, owner, JANUARY, "ECR", 1580)
    pay(teller, ecr, method="cash", bank="", cheque_no="")
    [notice] = FclbNotice.select()
    assert notice.acknowledgement_id == ecr.id and notice.paid_on == date(2026, 4, 10)
    paid = CounterPayment.get()
    assert (paid.method, paid.bank, paid.cheque_no) == ("cash", None, None)


def test_one_cheque_per_scheme_a_cheque_for_the_acr_cannot_pay_the_ecr(world):
    owner, employer, teller = world
    acr, ecr = document(employer, owner), document(employer, owner, kind="ECR", amount=1580)
    with pytest.raises(ValidationError, match="one scheme") as combined:  # both numbers at once, as printed
        counter.find(teller, f"{acr.number}+{ecr.number}", NOW)
    assert combined.value.field == "number"
    pay(teller, acr)
    with pytest.raises(ValidationError, match="two separate cheques") as again:
        pay(teller, ecr)  # the same cheque for EIS
    assert again.value.field == "cheque_no" and again.value.params["other"] == acr.number
    assert Acknowledgement.get_by_id(ecr.id).status == "unpaid"
    pay(teller, ecr, cheque_no="123457")  # its own cheque
    assert Acknowledgement.get_by_id(ecr.id).status == "paid"


def test_a_cheque_pays_one_document_even_of_the_same_scheme_and_the_database_says_so_too(world):
    owner, employer, teller = world
    first, second = document(employer, owner), document(employer, owner, month=date(2026, 2, 1))
    pay(teller, first)
    with pytest.raises(ValidationError, match="recorded already"):
        pay(teller, second)
    pay(teller, second, bank="CIMB")  # the same serial number of another bank is another cheque
    with pytest.raises(IntegrityError), database.atomic():
        CounterPayment.create(attempt=PaymentAttempt.select().first(), acknowledgement=first, teller=teller,
                              method="cheque", bank="MBB", cheque_no="123456", amount=1, token="x" * 43)


def test_the_amount_must_be_the_documents_to_the_sen(world):
    owner, employer, teller = world
    acr = document(employer, owner)
    for wrong in (44399, 44401, 0, 44400 + 1580):
        with pytest.raises(ValidationError, match="exact amount") as refused:
            pay(teller, acr, amount=wrong)
        assert refused.value.field == "amount"
    assert PaymentAttempt.select().count() == 0 and Acknowledgement.get_by_id(acr.id).status == "unpaid"


def test_a_document_is_at_the_counter_from_the_next_business_day_when_submitted_before_6_pm(world):
    owner, employer, teller = world
    early, late = document(employer, owner), document(employer, owner, kind="ECR", submitted=THURSDAY_6_PM)
    assert counter.find(teller, early.number, NOW).status == "unpaid"
    with pytest.raises(NotAllowed, match="paid here from 13/04/2026") as not_yet:
        counter.find(teller, late.number, NOW)
    assert not_yet.value.params["date"] == "13/04/2026"  # Thursday 6.00 pm: not Friday but Monday
    with pytest.raises(NotAllowed):
        pay(teller, late, token="t" * 43)
    monday = datetime(2026, 4, 13, 1, 0)  # 9.00 am in Malaysia
    assert counter.find(teller, late.number, monday).status == "unpaid"
    today = document(employer, owner, month=date(2026, 2, 1), submitted=NOW)  # submitted this morning
    with pytest.raises(NotAllowed) as tomorrow:
        counter.find(teller, today.number, NOW)
    assert tomorrow.value.params["date"] == "13/04/2026"  # Friday morning: next business day is Monday
    Acknowledgement.update(status="paid").where(Acknowledgement.id == today.id).execute()
    assert counter.find(teller, today.number, NOW).status == "paid"  # paid already: said so, not "from Monday"


def test_paid_cancelled_unknown_and_held_documents_are_refused(world):
    owner, employer, teller = world
    paid = document(employer, owner, status="paid")
    cancelled = document(employer, owner, month=date(2026, 2, 1), status="cancelled")
    held = document(employer, owner, kind="ECR", amount=1580)
    assert counter.find(teller, paid.number, NOW).status == "paid"
    assert counter.find(teller, cancelled.number, NOW).status == "cancelled"
    with pytest.raises(NotAllowed, match="paid already"):
        pay(teller, paid)
    with pytest.raises(NotAllowed, match="cancelled"):
        pay(teller, cancelled)
    cart.add(owner, employer, [held.number])
    payments.hold_cart(owner, employer, channel="eft", email="pay@example.com", now=NOW, reference="EFT1")
    assert counter.find(teller, held.number, NOW).status == "held"
    with pytest.raises(Conflict, match="another payment"):
        pay(teller, held)
    with pytest.raises(NotFound):
        counter.find(teller, "ACR012269999999", NOW)
    assert PaymentAttempt.select().where(PaymentAttempt.channel == "counter").count() == 0
    assert AuditEvent.select().where(AuditEvent.action == "counter.lookup").count() >= 4


def test_a_double_press_records_once_and_answers_with_the_first_payment(world):
    owner, employer, teller = world
    acr = document(employer, owner)
    token = counter.find(teller, acr.number, NOW).token
    first = pay(teller, acr, token=token)
    second = pay(teller, acr, token=token)
    assert second.again and (second.order_no, second.receipt) == (first.order_no, first.receipt)
    assert CounterPayment.select().count() == 1 and Receipt.select().count() == 1
    other_teller = make_user("other.teller@bank.example", role="teller")
    with pytest.raises(Conflict):  # someone else's form token is nobody's receipt
        pay(other_teller, acr, token=token)


def test_two_presses_at_once_record_one_payment(world):
    owner, employer, teller = world
    acr = document(employer, owner)
    token = counter.find(teller, acr.number, NOW).token
    results, errors = [], []

    def press():
        try:
            with database.connection_context():
                results.append(pay(teller, acr, token=token))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=press) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(results) == 4
    assert len({r.order_no for r in results}) == 1 and sum(not r.again for r in results) == 1
    assert CounterPayment.select().count() == 1 and PaymentAttempt.select().count() == 1


def test_a_teller_sees_only_its_own_payments(world):
    owner, employer, teller = world
    paid = pay(teller, document(employer, owner))
    assert counter.payment_of(teller, paid.order_no)[1].number == paid.receipt
    other_teller = make_user("other.teller@bank.example", role="teller")
    with pytest.raises(NotFound):
        counter.payment_of(other_teller, paid.order_no)
    assert counter.recorded_today(other_teller, NOW) == []
    assert [a.order_no for a, _ in counter.recorded_today(teller, NOW)] == [paid.order_no]
    assert counter.recorded_today(teller, NOW + timedelta(days=1)) == []


def test_counter_records_are_append_only(world):
    owner, employer, teller = world
    pay(teller, document(employer, owner))
    for change in (CounterPayment.update(amount=1), CounterPayment.delete()):
        with pytest.raises(IntegrityError), database.atomic():
            change.execute()
    assert CounterPayment.get().amount == 44400


def test_settling_inside_the_same_lock_rolls_back_when_the_item_was_taken(world):
    """hold_one refuses an item another live payment holds (the partial unique index is the last word)."""
    owner, employer, teller = world
    acr = document(employer, owner)
    cart.add(owner, employer, [acr.number])
    payments.hold_cart(owner, employer, channel="eft", email="pay@example.com", now=NOW, reference="EFT1")
    with pytest.raises(Conflict), locked():
        payments.hold_one(teller, acr, channel="counter", email="x@example.com", now=NOW, reference="CASH")
    assert PaymentAttempt.select().where(PaymentAttempt.channel == "counter").count() == 0
    assert settlement  # the module under test settles counter payments (see the first test)
