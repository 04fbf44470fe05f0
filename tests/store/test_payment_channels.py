"""Every channel's payment is a payment_attempt (issue 12 foundation): the cart held by an EFT (or a debit, a
counter payment) as by FPX, settled with a receipt naming the channel, or released; never AE'd to FPX."""

import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from core.errors import Conflict, NotAllowed, NotFound
from tests.conftest import make_user
from tests.factories import bill, registered_employer
from webapp.db import database, locked
from webapp.models import Acknowledgement, Outbox
from webapp.payment_models import FclbNotice, PaymentAttempt, PaymentItem, Receipt
from webapp.services import bills, cart, payments, receipts, reconciliation, settlement

NOW = datetime(2026, 4, 10, 2, 0)  # naive UTC: 10 April 2026, 10.00 am in Malaysia
MARCH, JANUARY = date(2026, 3, 1), date(2026, 1, 1)  # March due 15 April (on time); January late


@pytest.fixture
def world(app):
    with database.connection_context():
        user = make_user()
        employer, _ = registered_employer(user)
        yield user, employer


def hold(user, employer, channel="eft", reference="MBB0001"):
    return payments.hold_cart(user, employer, channel=channel, email="pay@example.com", now=NOW,
                              reference=reference)


def test_an_eft_holds_its_items_until_it_is_settled_with_a_receipt_naming_the_channel(world):
    user, employer = world
    acr, ecr = bill(employer, user, MARCH, "ACR", 4390), bill(employer, user, JANUARY, "ECR", 780)
    cart.add(user, employer, [acr.number, ecr.number])
    attempt = hold(user, employer)
    assert (attempt.order_no, attempt.status, attempt.amount) == ("EF000000000001", "pending", 5170)
    assert attempt.msg_token is None and attempt.ar_fields is None
    cart.add(user, employer, [acr.number])  # still payable as an item, but held: not twice, not cancelled
    with pytest.raises(Conflict):
        hold(user, employer, channel="counter")
    with pytest.raises((Conflict, NotAllowed)):
        bills.cancel(employer, [acr.number])
    assert reconciliation.due(datetime.now(UTC), everything=True) == []  # never asked of FPX

    with locked():
        assert settlement.settle(PaymentAttempt.get_by_id(attempt.id), NOW, actor=user) == "succeeded"
    assert {a.status for a in Acknowledgement.select()} == {"paid"}
    receipt = Receipt.get(Receipt.attempt == attempt.id)
    assert receipt.amount == 5170
    [notice] = FclbNotice.select()  # January was paid late
    assert notice.acknowledgement_id == ecr.id
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(receipts.pdf_of_receipt(receipt))).pages)
    assert "Pindahan Dana Elektronik (EFT) / Electronic Fund Transfer (EFT)" in text
    assert "MBB0001" in text and "FPX Transaction" not in text
    mail = Outbox.select().order_by(Outbox.id.desc()).first()
    assert "Kaedah / Method: Pindahan Dana Elektronik (EFT)" in mail.body and "MBB0001" in mail.body


def test_a_released_payment_frees_its_items_for_another_channel(world):
    user, employer = world
    acr = bill(employer, user, MARCH, "ACR", 4390)
    cart.add(user, employer, [acr.number])
    first = hold(user, employer)
    with locked():
        settlement.release(PaymentAttempt.get_by_id(first.id), NOW, actor=user, details={"reason": "no money"})
    assert PaymentAttempt.get_by_id(first.id).status == "failed"
    assert [i.state for i in PaymentItem.select().where(PaymentItem.attempt == first.id)] == ["released"]
    cart.add(user, employer, [acr.number])
    second = hold(user, employer, channel="direct_debit", reference=None)
    assert second.order_no == "DD000000000001" and second.amount == 4390


def test_settling_items_paid_meanwhile_goes_to_review_not_paid_twice(world):
    user, employer = world
    acr = bill(employer, user, MARCH, "ACR", 4390)
    cart.add(user, employer, [acr.number])
    attempt = hold(user, employer)
    Acknowledgement.update(status="paid").where(Acknowledgement.id == acr.id).execute()  # e.g. at the counter
    with locked():
        assert settlement.settle(PaymentAttempt.get_by_id(attempt.id), NOW) == "needs_review"
    assert Receipt.select().count() == 0
    assert [a.order_no for a in reconciliation.needs_review()] == [attempt.order_no]


def test_a_receipt_is_found_by_its_number_exactly_and_names_the_contribution_in_both_languages(world):
    user, employer = world
    acr = bill(employer, user, MARCH, "ACR", 4390, type_="arrears")
    cart.add(user, employer, [acr.number])
    attempt = hold(user, employer)
    with locked():
        settlement.settle(PaymentAttempt.get_by_id(attempt.id), NOW)
    receipt = Receipt.get()
    assert receipts.receipt_for(employer, receipt.number).id == receipt.id
    for wrong in (receipt.number + "999", receipt.number[:-1], "", None):
        with pytest.raises(NotFound):
            receipts.receipt_for(employer, wrong)
    pdf = receipts.pdf_of_receipt(receipt)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Tunggakan / Arrears" in text
