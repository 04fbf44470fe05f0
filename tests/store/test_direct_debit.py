"""Direct debit (QRG 7) against the store, on SQLite and PostgreSQL, with a stand-in exchange that signs as FPX
does (tests/mandates_support.py): enrolment once per scheme, the authorisation's ACs and the bank's notices,
and every refusal before a debit is sent. The bank's answers, termination and PAYMENT HISTORY are in
test_direct_debit_answers.py; the two-process tests in tests/payments/test_direct_debit.py."""

import json
import threading
from datetime import date, timedelta

import pytest
from peewee import IntegrityError

from core import fpx, mandates
from core.errors import Conflict, NotFound, ValidationError
from tests.conftest import make_user
from tests.factories import bill, registered_employer
from tests.mandates_support import authorisation_ac, notice
from tests.store.mandate_world import MARCH, NOW, approved, authorise, enrol, pay, status_of, tell
from webapp.db import database
from webapp.mandate_models import Mandate, MandateDebit, MandateMessage
from webapp.models import AuditEvent, EmployerAccess
from webapp.payment_models import PaymentAttempt
from webapp.services import (
    cart,
    direct_debits,
    mandate_callbacks,
)
from webapp.services import (
    mandates as mandate_service,
)

# --- enrolment ----------------------------------------------------------------------------------------------

def test_enrol_commits_the_mandate_with_its_signed_enrolment(world, exchange):
    mandate = enrol(world)
    ad = json.loads(mandate.ad_fields)
    assert mandate.status == mandates.PENDING_AUTHORISATION and mandate.order_no.startswith("MD")
    assert (ad["fpx_msgType"], ad["fpx_maxAmount"], ad["fpx_maxFrequency"], ad["fpx_frequencyMode"]) == (
        "AD", "500.00", "2", "MT")
    assert (ad["fpx_effectiveDate"], ad["fpx_expiryDate"]) == ("20260410", "20310410")
    assert mandates.genuine(ad, exchange.merchant_certificate, NOW)  # signed with the merchant's key
    assert mandate_service.ad_to_send(mandate) == ad
    assert [m.kind for m in MandateMessage.select()] == ["AD"]
    assert AuditEvent.get(AuditEvent.action == "mandate.enrolled").subject == mandate.order_no


@pytest.mark.parametrize(("terms", "field"), [
    ({"limit": 99}, "limit"), ({"limit": 30_000_01}, "limit"), ({"token": fpx.B2B1, "limit": 199}, "limit"),
    ({"frequency": 0}, "frequency"), ({"frequency": 32}, "frequency"), ({"token": "03"}, "model")])
def test_enrol_refuses_terms_outside_the_limits(world, terms, field):
    with pytest.raises(ValidationError) as refused:
        enrol(world, **terms)
    assert refused.value.field == field and Mandate.select().count() == 0


def test_enrol_refuses_a_bank_that_is_offline_or_not_in_the_list(world):
    for bank in ("BSN0601", "NOPE0001"):
        with pytest.raises(ValidationError):
            enrol(world, bank=bank)
    assert Mandate.select().count() == 0


def test_one_live_mandate_per_employer_and_scheme(world):
    first = enrol(world)
    world[2].replies[first.order_no] = ["09"]  # still at the bank when asked (AE)
    with pytest.raises(Conflict, match="waiting for your bank"):
        enrol(world)
    authorise(world, first)
    with pytest.raises(Conflict, match="awaiting bank approval"):
        enrol(world)
    tell(world, first)
    with pytest.raises(Conflict, match="terminate it first"):
        enrol(world)
    assert enrol(world, scheme="eis").scheme == "eis"  # the other scheme is its own
    with pytest.raises(IntegrityError), database.atomic():  # the partial unique index is the last word
        Mandate.create(**{**Mandate.get_by_id(first.id).__data__, "id": None, "order_no": "MD999999999999",
                          "mandate_id": None})
    mandate_service.terminate(world[0], world[1], first.order_no, world[2], NOW)
    assert enrol(world).status == mandates.PENDING_AUTHORISATION  # once terminated, a new one may be enrolled


def test_an_expired_mandate_shows_expired_and_makes_way_for_a_new_one(world):
    old = approved(world)
    Mandate.update(expiry_on=date(2026, 4, 9)).where(Mandate.id == old.id).execute()
    assert mandate_service.listing(world[1], "socso")[0].shown == mandates.EXPIRED
    new = enrol(world)
    assert status_of(old) == mandates.EXPIRED and new.status == mandates.PENDING_AUTHORISATION


def test_an_enrolment_the_bank_never_saw_is_given_up_after_the_grace_period(world):
    first = enrol(world)
    world[2].replies[first.order_no] = ["76"]
    with pytest.raises(Conflict):  # 76 at once may only mean the buyer has not reached the bank yet
        enrol(world)
    assert enrol(world, now=NOW + timedelta(minutes=31)).status == mandates.PENDING_AUTHORISATION
    assert status_of(first) == mandates.REJECTED


# --- the authorisation and the bank's notices ---------------------------------------------------------------

def test_the_authorisation_then_the_banks_approval(world):
    mandate = enrol(world)
    answer = authorise(world, mandate, kind="AC-indirect")
    assert (answer.acknowledged, answer.verdict, answer.status) == (True, "applied", mandates.AWAITING_APPROVAL)
    mandate = Mandate.get_by_id(mandate.id)
    assert mandate.mandate_id and mandate.auth_code == "00" and mandate_service.ad_to_send(mandate) is None
    assert authorise(world, mandate).verdict == "duplicate"  # the direct AC after the indirect one
    assert mandate_service.of_employer(world[1], mandate.order_no).approval_due == date(2026, 4, 13)  # Monday
    answer = tell(world, mandate)
    assert (answer.acknowledged, answer.status) == (True, mandates.APPROVED)
    assert Mandate.get_by_id(mandate.id).approved_on == date(2026, 4, 13)
    assert tell(world, mandate).verdict == "duplicate"  # a duplicate callback changes nothing, answered OK
    assert [e.action for e in AuditEvent.select().order_by(AuditEvent.id)] == [
        "mandate.enrolled", "mandate.authorised", "mandate.approved"]


def test_what_cannot_be_verified_or_does_not_match_changes_nothing(world, exchange):
    mandate = enrol(world)
    forged = authorisation_ac(exchange, mandate, "00")
    forged["fpx_debitAuthCode"] = "00 "
    assert mandate_callbacks.apply_form(forged, "AC-direct", world[2], NOW).verdict == "bad_signature"
    assert authorise(world, mandate, fpx_txnAmount="2.00").verdict == "mismatch"  # validly signed, not RM 1.00
    assert status_of(mandate) == mandates.PENDING_AUTHORISATION
    authorise(world, mandate)
    unsigned = mandate_callbacks.apply_form(notice(exchange, Mandate.get_by_id(mandate.id), sign=False),
                                            "AC-direct", world[2], NOW)
    other = tell(world, mandate, mandate_id="9999999999999999")
    assert (unsigned.acknowledged, unsigned.verdict, other.verdict) == (False, "bad_signature", "mismatch")
    assert status_of(mandate) == mandates.AWAITING_APPROVAL
    verdicts = [m.verdict for m in MandateMessage.select().order_by(MandateMessage.id)]
    assert verdicts == ["sent", "bad_signature", "mismatch", "applied", "bad_signature", "mismatch"]


def test_a_declined_authorisation_rejects_the_mandate_and_an_approval_notice_cannot_revive_it(world):
    mandate = enrol(world)
    assert authorise(world, mandate, "51").status == mandates.REJECTED
    assert tell(world, mandate, mandate_id=world[2].exchange.txn_id(mandate.order_no)).verdict == "conflict"
    assert status_of(mandate) == mandates.REJECTED
    assert enrol(world).status == mandates.PENDING_AUTHORISATION


def test_the_approval_notice_alone_approves_when_the_authorisations_ac_was_lost(world):
    mandate = enrol(world)
    assert tell(world, mandate, mandate_id="2604100000000001").status == mandates.APPROVED
    assert Mandate.get_by_id(mandate.id).mandate_id == "2604100000000001"


def test_the_bank_terminates_a_mandate(world):
    mandate = approved(world)
    assert tell(world, mandate, "MT").status == mandates.TERMINATED
    mandate = Mandate.get_by_id(mandate.id)
    assert mandate.terminated_by == "bank" and tell(world, mandate, "MT").verdict == "duplicate"
    assert tell(world, mandate, "MA").verdict == "duplicate" and status_of(mandate) == mandates.TERMINATED
    waiting = enrol(world, scheme="eis")
    authorise(world, waiting)
    tell(world, waiting, "MT")  # terminated at the bank before its approval notice came
    assert tell(world, waiting, "MA").verdict == "conflict" and status_of(waiting) == mandates.TERMINATED


def test_the_mandate_log_is_append_only(world):
    enrol(world)
    with pytest.raises(IntegrityError), database.atomic():
        MandateMessage.update(verdict="applied").execute()
    with pytest.raises(IntegrityError), database.atomic():
        MandateMessage.delete().execute()


# --- refusals before a debit is sent ------------------------------------------------------------------------

def refused(world, mandate, *acks, match):
    sent, attempts = len(world[2].sent), PaymentAttempt.select().count()
    with pytest.raises(ValidationError, match=match) as error:
        pay(world, mandate, *acks)
    assert error.value.field == "mandate"
    assert (len(world[2].sent), PaymentAttempt.select().count(), MandateDebit.select().count()) == (
        sent, attempts, MandateDebit.select().count())  # nothing sent, nothing saved
    assert all(not item.in_flight for item in cart.items(world[0], world[1]))


def test_a_debit_above_the_limit_per_transaction_is_refused_before_sending(world):
    user, employer, _ = world
    mandate = approved(world, limit=100_00)
    refused(world, mandate, bill(employer, user, MARCH, "ACR", 100_01), match="above this mandate's limit")


def test_a_debit_beyond_the_months_frequency_is_refused_counting_those_in_flight(world):
    user, employer, gateway = world
    mandate = approved(world, frequency=2)
    first, second, third = (bill(employer, user, date(2026, month, 1), "ACR", 1000) for month in (1, 2, 3))
    gateway.codes[f"DD{1:012d}"] = ["00"]
    assert pay(world, mandate, first).status == "succeeded"
    gateway.codes[f"DD{2:012d}"] = [None]  # no answer: in flight, and it counts
    assert pay(world, mandate, second).status == "created"
    cart.remove(user, employer, second.number)  # it stays in the cart while in flight
    refused(world, mandate, third, match="2 debit")
    assert pay(world, mandate, third, now=NOW + timedelta(days=21)).status == "succeeded"  # May: a new month


def test_failed_debits_do_not_count_against_the_frequency(world):
    user, employer, gateway = world
    mandate = approved(world, frequency=1)
    acr = bill(employer, user, MARCH, "ACR", 1000)
    gateway.codes[f"DD{1:012d}"] = ["51"]
    assert pay(world, mandate, acr).status == "failed"
    assert pay(world, mandate, acr).status == "succeeded"


@pytest.mark.parametrize("state", ["pending", "awaiting", "rejected", "terminated", "expired"])
def test_a_mandate_not_approved_expired_or_terminated_is_not_debited(world, state):
    user, employer, _ = world
    mandate = enrol(world)
    if state in ("awaiting", "terminated", "expired"):
        authorise(world, mandate)
    if state == "rejected":
        authorise(world, mandate, "51")
    if state in ("terminated", "expired"):
        tell(world, mandate)
    if state == "terminated":
        mandate_service.terminate(user, employer, mandate.order_no, world[2], NOW)
    if state == "expired":
        Mandate.update(expiry_on=date(2026, 4, 9)).where(Mandate.id == mandate.id).execute()
    match = {"terminated": "terminated", "expired": "expired on 09/04/2026"}.get(state, "not approved")
    refused(world, mandate, bill(employer, user, MARCH, "ACR", 1000), match=match)


def test_a_mandate_pays_only_its_own_schemes_items(world):
    user, employer, _ = world
    socso = approved(world)
    acr, ecr = bill(employer, user, MARCH, "ACR", 1000), bill(employer, user, MARCH, "ECR", 500)
    refused(world, socso, acr, ecr, match="SOCSO mandate pays ACR only")
    assert [p.ref for p in direct_debits.payable(employer, user, "socso")] == [acr.number]
    assert [p.ref for p in direct_debits.payable(employer, user, "eis")] == [ecr.number]


def test_another_employers_mandate_is_not_found(world):
    user, employer, gateway = world
    mandate = approved(world)
    other_user = make_user("other@example.com")
    other, _ = registered_employer(other_user, "OTHER SDN BHD", "201901000006", code="E9000000002P")
    cart.add(other_user, other, [bill(other, other_user, MARCH, "ACR", 1000).number])
    with pytest.raises(NotFound):
        direct_debits.start(other_user, other, gateway, mandate_order_no=mandate.order_no, now=NOW)
    with pytest.raises(NotFound):
        mandate_service.terminate(other_user, other, mandate.order_no, gateway, NOW)


def test_two_debits_at_once_on_a_mandate_allowing_one_a_month(world):
    user, employer, gateway = world
    mandate = approved(world, frequency=1)
    second_user = make_user("approver@example.com")
    EmployerAccess.create(user=second_user, employer=employer)
    for payer, month in ((user, 1), (second_user, 2)):
        cart.add(payer, employer, [bill(employer, user, date(2026, month, 1), "ACR", 1000).number])
    results, barrier = [], threading.Barrier(2)

    def proceed(payer):
        with database.connection_context():
            barrier.wait(timeout=10)
            try:
                results.append(direct_debits.start(payer, employer, gateway, mandate_order_no=mandate.order_no,
                                                   now=NOW).status)
            except ValidationError as error:
                results.append(error.field)

    threads = [threading.Thread(target=proceed, args=(payer,)) for payer in (user, second_user)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["mandate", "succeeded"] and len(gateway.sent) == 1
