"""EFT (QRG 6) on both databases: registration once per scheme, a payment held with its slip, and the
officers' decisions with maker-checker. Each refusal rule has its test; every test starts from a rule that
lets the payment through, so it fails if the rule is missing."""

import io
import threading
from datetime import UTC, date, datetime

import pytest
from peewee import IntegrityError

from core.errors import Conflict, NotAllowed, NotFound, ValidationError
from tests.conftest import make_user
from tests.documents import HTML_AS_PDF, image
from tests.factories import bill, registered_employer
from webapp.db import database
from webapp.eft_models import EftPayment
from webapp.models import Acknowledgement, AuditEvent, EmployerAccess, Outbox, StoredFile
from webapp.payment_models import FclbNotice, PaymentAttempt, PaymentItem, Receipt
from webapp.services import bills, cart, eft, eft_verification, payments

NOW = datetime(2026, 4, 10, 2, 0, tzinfo=UTC)  # 10 April 2026, 10.00 am in Malaysia
TODAY = date(2026, 4, 10)
MARCH, JANUARY = date(2026, 3, 1), date(2026, 1, 1)  # March on time; January late (due 15 February)
LIMIT = 1_000_000  # RM 10,000.00: above it two officers verify
_slips = {"n": 0}


def slip() -> bytes:
    """A real PNG, different every time (one slip proves one transfer: the same file twice is refused)."""
    _slips["n"] += 1
    return image("PNG", size=(40 + _slips["n"], 30))


@pytest.fixture
def world(app):
    with database.connection_context():
        user = make_user()
        employer, _ = registered_employer(user)
        officer = make_user("officer@example.com", role="officer", name="Officer One")
        second = make_user("officer2@example.com", role="officer", name="Officer Two")
        yield user, employer, officer, second


def register(user, employer, scheme="socso", email="finance@example.com"):
    return eft.register(user, employer, scheme, email=email, contact_no="012-345 6789", officer_name="Siti Aminah")


def draft(app, user, employer, amount, scheme="socso", reference="MBB 0001", data=None, name="slip.png",
          day=date(2026, 4, 9)):
    return eft.prepare(user, employer, scheme, payment_date=day, reference=reference, amount=amount,
                       slip=io.BytesIO(slip() if data is None else data), filename=name, settings=app.config,
                       today=TODAY)


def pay(app, user, employer, *acks, scheme="socso", reference="MBB 0001"):
    cart.add(user, employer, [a.number for a in acks])
    found = draft(app, user, employer, sum(a.amount for a in acks), scheme, reference)
    return eft.submit(user, employer, found, NOW)


def verify(attempt, officer, amount=None, reference=None, limit=LIMIT):
    return eft_verification.verify(attempt.order_no, officer, statement_amount=attempt.amount if amount is None
                                   else amount, statement_reference=reference or attempt.reference, limit=limit,
                                   now=NOW)


def test_registration_is_once_per_employer_and_scheme(world):
    user, employer, _, _ = world
    found = register(user, employer)
    assert (found.scheme, found.email, found.contact_no) == ("socso", "finance@example.com", "0123456789")
    with pytest.raises(Conflict):
        register(user, employer, email="other@example.com")
    assert register(user, employer, "eis").scheme == "eis"
    assert set(eft.registrations(employer)) == {"socso", "eis"}
    assert AuditEvent.select().where(AuditEvent.action == "eft.registered").count() == 2


def test_a_slip_holds_the_items_until_an_officer_verifies_it_then_receipt_notice_and_email(app, world):
    user, employer, officer, _ = world
    register(user, employer)
    acr = bill(employer, user, JANUARY, "ACR", 43_900)  # late: an FCLB notice when paid
    attempt = pay(app, user, employer, acr)
    assert (attempt.channel, attempt.status, attempt.amount, attempt.reference) == ("eft", "pending", 43_900,
                                                                                       "MBB 0001")
    assert attempt.email == "finance@example.com" and attempt.order_no.startswith("EF")
    payment = EftPayment.get(EftPayment.attempt == attempt.id)
    assert (payment.status, payment.submitted_by_id, payment.payment_date) == ("submitted", user.id, date(2026, 4, 9))
    assert [p.in_flight for p in cart.payable(employer, user)] == [True]
    with pytest.raises((Conflict, NotAllowed)):
        bills.cancel(employer, [acr.number])  # held: not cancelled meanwhile

    assert verify(attempt, officer) == "succeeded"
    assert Acknowledgement.get_by_id(acr.id).status == "paid"
    payment = EftPayment.get_by_id(payment.id)
    assert (payment.status, payment.decided_by_id, payment.statement_amount) == ("verified", officer.id, 43_900)
    receipt = Receipt.get(Receipt.attempt == attempt.id)
    [notice] = FclbNotice.select()
    mail = Outbox.get(Outbox.to_addr == "finance@example.com")
    assert receipt.number in mail.subject and notice.number in mail.body and "MBB 0001" in mail.body
    [event] = AuditEvent.select().where(AuditEvent.action == "eft.verified")
    assert (event.user_id, event.subject) == (officer.id, attempt.order_no)


def test_the_amount_must_be_the_cart_total_at_both_continues(app, world):
    user, employer, _, _ = world
    register(user, employer)
    acr, other = bill(employer, user, MARCH, "ACR", 43_900), bill(employer, user, JANUARY, "ACR", 500)
    cart.add(user, employer, [acr.number])
    with pytest.raises(ValidationError) as wrong:
        draft(app, user, employer, 43_800)
    assert wrong.value.field == "amount" and "RM 439.00" in str(wrong.value)
    ready = draft(app, user, employer, 43_900)
    cart.add(user, employer, [other.number])  # the cart grew in another tab before the second CONTINUE
    with pytest.raises(ValidationError) as changed:
        eft.submit(user, employer, ready, NOW)
    assert changed.value.field == "amount" and "RM 444.00" in str(changed.value)
    assert PaymentAttempt.select().count() == 0


def test_no_registration_no_eft_payment(app, world):
    user, employer, _, _ = world
    register(user, employer, "eis")  # EIS only
    acr = bill(employer, user, MARCH, "ACR", 43_900)
    cart.add(user, employer, [acr.number])
    with pytest.raises(ValidationError, match="Register for SOCSO EFT first"):
        draft(app, user, employer, 43_900)
    register(user, employer)
    assert draft(app, user, employer, 43_900).amount == 43_900


def test_one_scheme_per_eft_payment(app, world):
    user, employer, _, _ = world
    register(user, employer)
    register(user, employer, "eis")
    acr, ecr = bill(employer, user, MARCH, "ACR", 43_900), bill(employer, user, MARCH, "ECR", 7_800)
    cart.add(user, employer, [acr.number, ecr.number])
    for scheme in ("socso", "eis"):
        with pytest.raises(ValidationError, match="mixes SOCSO"):
            draft(app, user, employer, 51_700, scheme)
    assert [p.ref for p in eft.check_cart(user, employer, "socso").others] == [ecr.number]
    cart.remove(user, employer, ecr.number)
    assert eft.submit(user, employer, draft(app, user, employer, 43_900), NOW).amount == 43_900


@pytest.mark.parametrize(("data", "name"), [(b"MZ\x90\x00 a program", "slip.pdf"), (HTML_AS_PDF, "slip.pdf"),
                                            (b"%PDF-1.4 not really", "slip.exe"), (b"", "slip.png")])
def test_the_slip_must_be_a_pdf_or_an_image(app, world, data, name):
    user, employer, _, _ = world
    register(user, employer)
    acr = bill(employer, user, MARCH, "ACR", 43_900)
    cart.add(user, employer, [acr.number])
    with pytest.raises(ValidationError) as refused:
        draft(app, user, employer, 43_900, data=data, name=name)
    assert refused.value.field == "slip"
    assert StoredFile.select().count() == 0
    assert draft(app, user, employer, 43_900, name="slip.png").slip_name == "slip.png"


def test_items_held_by_a_payment_cannot_be_paid_again(app, world):
    user, employer, _, _ = world
    register(user, employer)
    acr = bill(employer, user, MARCH, "ACR", 43_900)
    pay(app, user, employer, acr)
    with pytest.raises(Conflict, match="waiting for the bank"):
        draft(app, user, employer, 43_900, reference="MBB 0002")
    colleague = make_user("colleague@example.com")
    EmployerAccess.create(user=colleague, employer=employer, role="approver")
    cart.add(colleague, employer, [acr.number])  # the same ACR in another member's cart
    with pytest.raises(Conflict):
        payments.hold_cart(colleague, employer, channel="counter", email="c@example.com",
                           now=NOW.replace(tzinfo=None), reference="CHQ 1")
    assert PaymentItem.select().count() == 1


def test_one_transfer_is_one_payment_and_a_second_press_answers_with_the_first(app, world):
    user, employer, _, _ = world
    register(user, employer)
    acr, other = bill(employer, user, MARCH, "ACR", 43_900), bill(employer, user, JANUARY, "ACR", 500)
    cart.add(user, employer, [acr.number])
    ready = draft(app, user, employer, 43_900)
    first = eft.submit(user, employer, ready, NOW)
    assert eft.submit(user, employer, ready, NOW).id == first.id  # CONTINUE pressed twice
    assert EftPayment.select().count() == 1
    cart.remove(user, employer, acr.number)
    cart.add(user, employer, [other.number])
    with pytest.raises(Conflict, match="submitted already"):
        draft(app, user, employer, 500, reference="mbb  0001")  # the same reference, typed otherwise
    data = slip()
    eft.submit(user, employer, draft(app, user, employer, 500, reference="MBB 0009", data=data), NOW)
    third = bill(employer, user, date(2025, 12, 1), "ACR", 700)
    cart.remove(user, employer, other.number)
    cart.add(user, employer, [third.number])
    with pytest.raises(Conflict, match="submitted already"):  # the same slip file for another transfer
        draft(app, user, employer, 700, reference="MBB 0010", data=data)


def test_the_payment_date_is_not_in_the_future(app, world):
    user, employer, _, _ = world
    register(user, employer)
    acr = bill(employer, user, MARCH, "ACR", 43_900)
    cart.add(user, employer, [acr.number])
    for day in (date(2026, 4, 11), date(2025, 4, 1)):
        with pytest.raises(ValidationError) as refused:
            draft(app, user, employer, 43_900, day=day)
        assert refused.value.field == "payment_date"
    assert draft(app, user, employer, 43_900, day=TODAY).payment_date == TODAY


def test_an_officer_never_verifies_a_payment_the_same_account_submitted(app, world):
    user, employer, officer, _ = world
    register(user, employer)
    EmployerAccess.create(user=officer, employer=employer, role="approver")  # an officer in the team
    acr = bill(employer, user, MARCH, "ACR", 43_900)
    cart.add(officer, employer, [acr.number])
    attempt = eft.submit(officer, employer, draft(app, officer, employer, 43_900), NOW)
    for decide in (lambda: verify(attempt, officer),
                   lambda: eft_verification.reject(attempt.order_no, officer, reason="Not on the statement", now=NOW)):
        with pytest.raises(NotAllowed):
            decide()
    EmployerAccess.delete().where(EmployerAccess.user == officer).execute()
    with pytest.raises(NotAllowed):
        verify(attempt, officer)  # still the submitter
    payment = EftPayment.get(EftPayment.attempt == attempt.id)
    with pytest.raises(IntegrityError), database.atomic():  # the database refuses it too
        EftPayment.update(decided_by=officer.id).where(EftPayment.id == payment.id).execute()
    assert EftPayment.get_by_id(payment.id).status == "submitted"


def test_above_the_threshold_a_second_different_officer_completes_it(app, world):
    user, employer, officer, second = world
    register(user, employer)
    acr = bill(employer, user, MARCH, "ACR", 1_000_001)  # RM 10,000.01
    attempt = pay(app, user, employer, acr)
    assert verify(attempt, officer) == "checked"
    assert PaymentAttempt.get_by_id(attempt.id).status == "pending" and Receipt.select().count() == 0
    payment = EftPayment.get(EftPayment.attempt == attempt.id)
    assert (payment.status, payment.first_officer_id) == ("checked", officer.id)
    with pytest.raises(NotAllowed, match="second, different officer"):
        verify(attempt, officer)
    with pytest.raises(NotAllowed, match="second, different officer"):
        verify(attempt, officer, limit=10**12)  # even if the threshold was raised meanwhile
    assert verify(attempt, second) == "succeeded"
    payment = EftPayment.get_by_id(payment.id)
    assert (payment.status, payment.first_officer_id, payment.decided_by_id) == ("verified", officer.id, second.id)
    assert [e.action for e in AuditEvent.select().where(AuditEvent.subject == attempt.order_no)
            .order_by(AuditEvent.id)] == ["payment.started", "eft.approved", "payment.succeeded", "eft.verified"]
    with pytest.raises(IntegrityError), database.atomic():
        EftPayment.update(decided_by=officer.id).where(EftPayment.id == payment.id).execute()


def test_at_the_threshold_one_officer_is_enough(app, world):
    user, employer, officer, _ = world
    register(user, employer)
    attempt = pay(app, user, employer, bill(employer, user, MARCH, "ACR", LIMIT))
    assert verify(attempt, officer) == "succeeded"


def test_the_statement_must_show_the_amount_and_the_reference(app, world):
    user, employer, officer, _ = world
    register(user, employer)
    attempt = pay(app, user, employer, bill(employer, user, MARCH, "ACR", 43_900))
    with pytest.raises(ValidationError) as amount:
        verify(attempt, officer, amount=43_800)
    assert amount.value.field == "statement_amount"
    with pytest.raises(ValidationError) as reference:
        verify(attempt, officer, reference="MBB 0002")
    assert reference.value.field == "statement_reference"
    assert verify(attempt, officer, reference="mbb-0001") == "succeeded"  # spaces and hyphens aside


def test_a_rejection_frees_the_items_emails_the_reason_and_deletes_nothing(app, world):
    user, employer, officer, _ = world
    register(user, employer)
    acr = bill(employer, user, MARCH, "ACR", 43_900)
    attempt = pay(app, user, employer, acr)
    with pytest.raises(ValidationError):
        eft_verification.reject(attempt.order_no, officer, reason=" ", now=NOW)
    eft_verification.reject(attempt.order_no, officer, reason="Statement shows RM 400.00 only",
                            statement_amount=40_000, statement_reference="MBB 0001", now=NOW)
    assert PaymentAttempt.get_by_id(attempt.id).status == "failed"
    assert [i.state for i in PaymentItem.select()] == ["released"]
    assert Acknowledgement.get_by_id(acr.id).status == "unpaid"
    payment = EftPayment.get(EftPayment.attempt == attempt.id)
    assert (payment.status, payment.reason, payment.statement_amount) == (
        "rejected", "Statement shows RM 400.00 only", 40_000)
    assert StoredFile.get_or_none(StoredFile.id == payment.slip_id) is not None
    mail = Outbox.get(Outbox.to_addr == "finance@example.com")
    assert "Statement shows RM 400.00 only" in mail.body and attempt.order_no in mail.subject
    assert [p.in_flight for p in cart.payable(employer, user)] == [False]
    again = eft.submit(user, employer, draft(app, user, employer, 43_900, reference="MBB 0001"), NOW)
    assert again.status == "pending"  # the same reference again, after the rejection


def test_a_decision_is_made_once(app, world):
    user, employer, officer, second = world
    register(user, employer)
    attempt = pay(app, user, employer, bill(employer, user, MARCH, "ACR", 43_900))
    assert verify(attempt, officer) == "succeeded"
    with pytest.raises(Conflict, match="verified already by Officer One"):
        verify(attempt, second)
    with pytest.raises(Conflict, match="verified already"):
        eft_verification.reject(attempt.order_no, second, reason="Changed my mind", now=NOW)
    assert Receipt.select().count() == 1 and PaymentAttempt.get_by_id(attempt.id).status == "succeeded"
    with pytest.raises(NotFound):
        verify(PaymentAttempt(order_no="EF999999999999", amount=1, reference="X"), officer)


def test_two_officers_pressing_at_once_one_wins(app, world):
    user, employer, officer, second = world
    register(user, employer)
    attempt = pay(app, user, employer, bill(employer, user, JANUARY, "ACR", 43_900))
    results, start = {}, threading.Barrier(2)

    def press(who):
        with database.connection_context():
            start.wait()
            try:
                results[who.email] = verify(attempt, who)
            except Conflict as exc:
                results[who.email] = str(exc)

    threads = [threading.Thread(target=press, args=(who,)) for who in (officer, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results.values(), key=len) == ["succeeded", results[max(results, key=lambda k: len(results[k]))]]
    assert any("verified already" in value for value in results.values())
    assert Receipt.select().count() == 1 and FclbNotice.select().count() == 1
    assert AuditEvent.select().where(AuditEvent.action == "eft.verified").count() == 1


def test_another_employers_payment_is_not_found(app, world):
    user, employer, _, _ = world
    register(user, employer)
    attempt = pay(app, user, employer, bill(employer, user, MARCH, "ACR", 43_900))
    stranger = make_user("stranger@example.com")
    registered_employer(stranger, "OTHER SDN BHD", "201901000006", code="E9000000002P")
    with pytest.raises(NotFound):
        eft.payment_for(stranger, attempt.order_no)
    assert eft.payment_for(user, attempt.order_no).attempt_id == attempt.id


def test_a_verified_eft_is_paid_on_its_payment_date_not_the_day_it_was_verified(app, world):
    user, employer, officer, _ = world
    register(user, employer)
    acr = bill(employer, user, MARCH, "ACR", 43_900)  # due 15 April; the transfer was made on 9 April
    attempt = pay(app, user, employer, acr)
    later = datetime(2026, 4, 20, 2, 0, tzinfo=UTC)  # the officer got to it on 20 April
    assert eft_verification.verify(attempt.order_no, officer, statement_amount=attempt.amount,
                                   statement_reference=attempt.reference, limit=LIMIT, now=later) == "succeeded"
    assert PaymentAttempt.get_by_id(attempt.id).paid_on == date(2026, 4, 9)
    assert FclbNotice.select().count() == 0  # on time: no late interest for the officer's delay


def test_the_same_slip_cannot_pay_another_employers_bills_and_whose_payment_is_not_said(app, world):
    user, employer, _, _ = world
    other_user = make_user("other@example.com")
    other, _ = registered_employer(other_user, name="LAIN SDN BHD", number="201901000006", code="E9000000002R")
    register(user, employer)
    register(other_user, other)
    picture = slip()
    first = bill(employer, user, MARCH, "ACR", 1_000)
    cart.add(user, employer, [first.number])
    attempt = eft.submit(user, employer, draft(app, user, employer, 1_000, data=picture), NOW)
    second = bill(other, other_user, MARCH, "ACR", 1_000)
    cart.add(other_user, other, [second.number])
    with pytest.raises(Conflict) as refused:
        eft.submit(other_user, other, draft(app, other_user, other, 1_000, data=picture, reference="CIMB 9"), NOW)
    assert attempt.order_no not in str(refused.value.params)
