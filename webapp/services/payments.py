"""Starting an FPX payment (QRG 5 / QRG 7, payments.md B.2): the cart becomes one payment attempt (an AR).

The attempt, its items (each ACR/ECR or notice with its amount in sen) and the signed AR are committed
before the browser is sent to the exchange, so every answer FPX sends has something to land on. Before a
new attempt takes an item that an earlier attempt still holds, that attempt's status is asked first (AE, I6).
"""

import json
from datetime import datetime
from urllib.parse import urlencode

from peewee import IntegrityError

from core import fpx
from core.errors import N_, Conflict, NotFound, ValidationError
from core.payment_states import BACKOFF, LIVE
from webapp.db import database, for_update, locked
from webapp.fpx_gateway import Gateway
from webapp.models import Acknowledgement, Employer, EmployerAccess, User
from webapp.payment_models import FclbNotice, GatewayMessage, PaymentAttempt, PaymentItem
from webapp.services import audit, cart, counters, reconciliation

PRODUCT = "PERKESO ASSIST CONTRIBUTION"
IN_FLIGHT = N_("%(number)s is in a payment that is still waiting for the bank's answer (awaiting bank approval). "
               "It cannot be paid twice: wait for that payment's result.")


def order_number(sequence: int) -> str:
    """fpx_sellerExOrderNo: from a running number in the database, never from the clock (payments.md A.6)."""
    return f"AS{sequence:012d}"


def choose_bank(gateway: Gateway, token: str, bank_id: str, now: datetime) -> fpx.Bank:
    """The chosen bank, which must be online in the model's list (FPX's BC, verified)."""
    for bank in gateway.bank_list(token, now):
        if bank.code == bank_id:
            if not bank.online:
                raise ValidationError(N_("This bank is offline now. Choose another bank."), field="bank")
            return bank
    raise ValidationError(N_("Choose a bank from the list."), field="bank")


def start(user: User, employer: Employer, gateway: Gateway, *, token: str, bank_id: str, email: str,
          now: datetime) -> PaymentAttempt:
    """PROCEED: the cart's items as one committed attempt with its signed AR (to be POSTed by the browser).

    Refuses an empty cart, an amount outside the model's limits (before anything is sent) and items held by
    a payment in flight (after asking FPX about that payment).
    """
    if token not in (fpx.B2C, fpx.B2B1):
        raise ValidationError(N_("Choose the business model."), field="model")
    wanted = cart.items(user, employer)
    if not wanted:
        raise ValidationError(N_("The payment cart is empty: add the ACR/ECR to pay first."))
    fpx.check_amount(token, cart.total(wanted))
    choose_bank(gateway, token, bank_id, now)
    if any(item.in_flight for item in wanted):  # I6: ask FPX about the earlier attempt first
        for earlier in _holding(wanted):
            reconciliation.check(earlier, gateway, now)
    with locked():
        wanted = cart.items(user, employer)  # again, inside the lock: "may I?" with the write
        held = [item for item in wanted if item.in_flight]
        if held:
            raise Conflict(IN_FLIGHT, number=held[0].ref)
        if not wanted:
            raise ValidationError(N_("The payment cart is empty: add the ACR/ECR to pay first."))
        _lock_unpaid(wanted)
        amount = cart.total(wanted)
        fpx.check_amount(token, amount)
        order_no = order_number(counters.next_value("fpx-order"))
        ar = gateway.sign(fpx.build_ar(gateway.seller, token=token, seller_ex_order_no=order_no,
                                       seller_order_no=order_no, txn_time=now, amount_sen=amount,
                                       buyer_bank_id=bank_id, product_desc=PRODUCT, buyer_email=email))
        naive = now.replace(tzinfo=None)
        attempt = PaymentAttempt.create(order_no=order_no, employer=employer, user=user, msg_token=token,
                                        amount=amount, bank_id=bank_id, email=email, ar_fields=json.dumps(ar),
                                        created_at=naive, updated_at=naive, next_check_at=naive + BACKOFF[0])
        try:
            with database.atomic():
                for item in wanted:
                    PaymentItem.create(attempt=attempt, acknowledgement=item.acknowledgement_id,
                                       notice=item.notice_id, amount=item.amount)
        except IntegrityError:  # another payment took an item a moment ago (the partial unique index)
            raise Conflict(IN_FLIGHT, number=wanted[0].ref) from None
        GatewayMessage.create(direction="out", kind="AR", attempt=attempt, order_no=order_no, verdict="sent",
                              raw=urlencode(ar), received_at=naive)
        audit.record(user, "payment.started", employer=employer, subject=order_no,
                     details={"amount": amount, "model": fpx.MODEL_NAMES[token], "bank": bank_id,
                              "items": [item.ref for item in wanted]})
    return attempt


def _lock_unpaid(wanted) -> None:
    """Lock the items' rows (PostgreSQL) and check they are still unpaid: a CANCEL (QRG 9) in another request
    either waits for this payment or is refused by it (contributions.cancel locks the same rows)."""
    ack_ids = [item.acknowledgement_id for item in wanted if item.acknowledgement_id]
    notice_ids = [item.notice_id for item in wanted if item.notice_id]
    acks = list(for_update(Acknowledgement.select().where(Acknowledgement.id.in_(ack_ids or [0]))))
    notices = list(for_update(FclbNotice.select().where(FclbNotice.id.in_(notice_ids or [0]))))
    if any(a.status != "unpaid" for a in acks) or any(n.status != "unpaid" for n in notices):
        raise Conflict(N_("The cart changed meanwhile (an item was paid or cancelled). Check it and try again."))


def _holding(wanted) -> list[PaymentAttempt]:
    ack_ids = [item.acknowledgement_id for item in wanted if item.in_flight and item.acknowledgement_id]
    notice_ids = [item.notice_id for item in wanted if item.in_flight and item.notice_id]
    return list(PaymentAttempt.select().join(PaymentItem).where(
        (PaymentItem.state == "open") & (PaymentAttempt.status.in_(LIVE))
        & (PaymentItem.acknowledgement.in_(ack_ids or [0]) | PaymentItem.notice.in_(notice_ids or [0]))
    ).distinct())


def for_user(user: User, order_no: str) -> PaymentAttempt:
    """An attempt of an employer this user manages; NotFound for anyone else's (or an unknown number)."""
    attempt = (PaymentAttempt.select().join(EmployerAccess, on=(
        EmployerAccess.employer == PaymentAttempt.employer)).where(
        (PaymentAttempt.order_no == (order_no or "")[:20]) & (EmployerAccess.user == user)).first())
    if attempt is None:
        raise NotFound(N_("No such payment."))
    return attempt


def ar_to_send(attempt: PaymentAttempt) -> dict | None:
    """The signed AR fields for the browser to POST, while the attempt has no answer yet (else None)."""
    current = for_update(PaymentAttempt.select(PaymentAttempt.status, PaymentAttempt.ar_fields)
                         .where(PaymentAttempt.id == attempt.id)).get()
    return json.loads(current.ar_fields) if current.status == "created" else None


def items_of(attempt: PaymentAttempt) -> list[PaymentItem]:
    return list(PaymentItem.select().where(PaymentItem.attempt == attempt).order_by(PaymentItem.id))
