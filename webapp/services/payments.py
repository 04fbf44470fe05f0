"""Starting a payment (QRG 5 / QRG 7, payments.md B.2): the cart becomes one payment (`hold_cart`, for every
channel); for FPX an attempt with its signed AR (`start`).

The attempt, its items (each ACR/ECR or notice with its amount in sen) and the signed AR are committed
before the browser is sent to the exchange, so every answer FPX sends has something to land on. Before a
new attempt takes an item that an earlier attempt still holds, that attempt's status is asked first (AE, I6).
"""

import json
from datetime import datetime, timedelta
from urllib.parse import urlencode

from peewee import IntegrityError

from core import fpx, payment_channels
from core.errors import N_, Conflict, NotFound, ValidationError
from core.money import format_rm, from_sen
from core.payment_states import BACKOFF, LIVE
from webapp.db import database, for_update, locked
from webapp.fpx_gateway import Gateway
from webapp.models import Acknowledgement, Employer, EmployerAccess, User
from webapp.payment_models import FclbNotice, GatewayMessage, PaymentAttempt, PaymentItem
from webapp.services import audit, cart, counters, reconciliation

PRODUCT = "PERKESO ASSIST CONTRIBUTION"
CART_CHANGED = N_("The payment cart changed in another window: its total is now %(amount)s. Check it and press "
                  "PROCEED again.")
IN_FLIGHT = N_("%(number)s is in a payment that is still waiting for the bank's answer (awaiting bank approval). "
               "It cannot be paid twice: wait for that payment's result.")


def order_number(sequence: int) -> str:
    """fpx_sellerExOrderNo: from a running number in the database, never from the clock (payments.md A.6)."""
    return payment_channels.order_number(payment_channels.FPX, sequence)


def choose_bank(gateway: Gateway, token: str, bank_id: str, now: datetime) -> fpx.Bank:
    """The chosen bank, which must be online in the model's list (FPX's BC, verified)."""
    for bank in gateway.bank_list(token, now):
        if bank.code == bank_id:
            if not bank.online:
                raise ValidationError(N_("This bank is offline now. Choose another bank."), field="bank")
            return bank
    raise ValidationError(N_("Choose a bank from the list."), field="bank")


def start(user: User, employer: Employer, gateway: Gateway, *, token: str, bank_id: str, email: str,
          now: datetime, shown_total: int | None = None) -> PaymentAttempt:
    """PROCEED: the cart's items as one committed attempt with its signed AR (to be POSTed by the browser).

    Refuses an empty cart, an amount outside the model's limits (before anything is sent) and items held by
    a payment in flight (after asking FPX about that payment). With `shown_total` (sen, what the page
    showed), a cart changed since in another window is refused rather than paid as it is now.
    """
    if token not in (fpx.B2C, fpx.B2B1):
        raise ValidationError(N_("Choose the business model."), field="model")
    fpx.check_buyer_email(email)
    wanted = cart.items(user, employer)
    if not wanted:
        raise ValidationError(N_("The payment cart is empty: add the ACR/ECR to pay first."))
    if (repeat := _just_started(user, employer, wanted, now)) is not None:
        return repeat  # a second press of PROCEED (no JavaScript, a slow link): the same payment, not an error
    fpx.check_amount(token, cart.total(wanted))
    choose_bank(gateway, token, bank_id, now)
    if any(item.in_flight for item in wanted):  # I6: ask FPX about the earlier attempt first
        for earlier in _holding(wanted):
            if earlier.channel == payment_channels.FPX:
                reconciliation.check(earlier, gateway, now)
    naive = now.replace(tzinfo=None)

    def the_ar(order_no: str, amount: int) -> dict:
        if shown_total is not None and amount != shown_total:
            raise Conflict(CART_CHANGED, amount=format_rm(from_sen(amount)))
        fpx.check_amount(token, amount)
        ar = gateway.sign(fpx.build_ar(gateway.seller, token=token, seller_ex_order_no=order_no,
                                       seller_order_no=order_no, txn_time=now, amount_sen=amount,
                                       buyer_bank_id=bank_id, product_desc=PRODUCT, buyer_email=email))
        return {"msg_token": token, "bank_id": bank_id, "ar_fields": json.dumps(ar),
                "next_check_at": naive + BACKOFF[0]}

    def record_the_ar(attempt: PaymentAttempt) -> None:
        GatewayMessage.create(direction="out", kind="AR", attempt=attempt, order_no=attempt.order_no,
                              verdict="sent", raw=urlencode(json.loads(attempt.ar_fields)), received_at=naive)

    try:
        return hold_cart(user, employer, channel=payment_channels.FPX, email=email, now=naive, status="created",
                         columns=the_ar, then=record_the_ar,
                         details={"model": fpx.MODEL_NAMES[token], "bank": bank_id})
    except Conflict:  # the first press may have committed while this one waited for the lock
        if (repeat := _just_started(user, employer, wanted, now)) is not None:
            return repeat
        raise


REPEAT_WITHIN = timedelta(seconds=60)  # a double press, not a payment abandoned at the bank


def _just_started(user: User, employer: Employer, wanted, now: datetime) -> PaymentAttempt | None:
    """This user's FPX attempt of the last minutes for exactly these items that has not gone to FPX yet."""
    ack_ids = {item.acknowledgement_id for item in wanted if item.acknowledgement_id}
    notice_ids = {item.notice_id for item in wanted if item.notice_id}
    since = now.replace(tzinfo=None) - REPEAT_WITHIN
    for attempt in (PaymentAttempt.select().where(
            (PaymentAttempt.user == user) & (PaymentAttempt.employer == employer) & (PaymentAttempt.status == "created")
            & (PaymentAttempt.channel == payment_channels.FPX) & (PaymentAttempt.created_at >= since))
            .order_by(PaymentAttempt.id.desc()).limit(3)):
        items = items_of(attempt)
        if ({i.acknowledgement_id for i in items if i.acknowledgement_id} == ack_ids
                and {i.notice_id for i in items if i.notice_id} == notice_ids):
            return attempt
    return None


def hold_cart(user: User, employer: Employer, *, channel: str, email: str, now: datetime, status: str = "pending",
              reference: str | None = None, columns=None, then=None, details: dict | None = None
              ) -> PaymentAttempt:
    """The user's cart as one committed payment of `channel`, its items held (no other payment may take
    them, and they cannot be cancelled) until the payment succeeds or fails. Inside one locked transaction:
    the cart is read again, items held by a live payment are refused (Conflict), items paid or cancelled
    meanwhile are refused, and the partial unique indexes are the last word. `columns(order_no, amount)` may
    refuse (raise) or give the channel's own columns; `then(attempt)` writes more in the same transaction.
    `now` is naive UTC.
    """
    with locked():
        wanted = cart.items(user, employer)  # inside the lock: "may I?" with the write
        held = [item for item in wanted if item.in_flight]
        if held:
            raise Conflict(IN_FLIGHT, number=held[0].ref)
        if not wanted:
            raise ValidationError(N_("The payment cart is empty: add the ACR/ECR to pay first."))
        _lock_unpaid(wanted)
        amount = cart.total(wanted)
        order_no = payment_channels.order_number(channel, counters.next_value(f"{channel}-order"))
        extra = columns(order_no, amount) if columns else {}
        attempt = PaymentAttempt.create(order_no=order_no, employer=employer, user=user, channel=channel,
                                        amount=amount, email=email, status=status, reference=reference,
                                        created_at=now, updated_at=now, **extra)
        try:
            with database.atomic():
                for item in wanted:
                    PaymentItem.create(attempt=attempt, acknowledgement=item.acknowledgement_id,
                                       notice=item.notice_id, amount=item.amount)
        except IntegrityError:  # another payment took an item a moment ago (the partial unique index)
            raise Conflict(IN_FLIGHT, number=wanted[0].ref) from None
        if then:
            then(attempt)
        audit.record(user, "payment.started", employer=employer, subject=order_no,
                     details={"channel": channel, "amount": amount, **(details or {}),
                              "items": [item.ref for item in wanted]})
    return attempt


def hold_one(user: User, ack: Acknowledgement, *, channel: str, email: str, now: datetime, reference: str | None,
             details: dict | None = None) -> PaymentAttempt:
    """One ACR/ECR as a payment of `channel` (pending, its item held), without a cart: what a bank teller or a
    bank's collection file pays. Call it inside the caller's `locked()` transaction, with `ack` locked
    (for_update) and checked unpaid and not held there; settle it in the same transaction
    (settlement.settle). The partial unique index on live items is the last word (Conflict). `now` is naive
    UTC."""
    order_no = payment_channels.order_number(channel, counters.next_value(f"{channel}-order"))
    attempt = PaymentAttempt.create(order_no=order_no, employer=ack.employer_id, user=user, channel=channel,
                                    amount=ack.amount, email=email, status="pending", reference=reference,
                                    created_at=now, updated_at=now)
    try:
        with database.atomic():
            PaymentItem.create(attempt=attempt, acknowledgement=ack, amount=ack.amount)
    except IntegrityError:  # another payment holds it (the partial unique index)
        raise Conflict(IN_FLIGHT, number=ack.number) from None
    audit.record(user, "payment.started", employer=ack.employer_id, subject=order_no,
                 details={"channel": channel, "amount": ack.amount, **(details or {}), "items": [ack.number]})
    return attempt


def _lock_unpaid(wanted) -> None:
    """Lock the items' rows (PostgreSQL) and check they are still unpaid: a CANCEL (QRG 9) in another request
    either waits for this payment or is refused by it (bills.cancel locks the same rows)."""
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
