"""A succeeded payment (FPX's `00`, an EFT verified, a debit confirmed, a counter payment recorded), settled
inside the transaction that records it (payments.md B.2 step 6):
its ACR/ECRs and notices become paid, the receipt gets its number, every ACR/ECR paid after its deadline gets
an FCLB notice (interest from core.interest on the payment day, never twice for one ACR/ECR), the items leave
every cart, and the receipt is emailed with its PDF (the outbox, same transaction; the PDF itself is rendered
when the mail is delivered, so the lock is not held for it).

If the items cannot be taken (FPX approved a payment recorded as failed, and its items were paid or cancelled
since), nothing is marked paid twice (I1): the attempt goes to needs review for an officer to refund. A failed
payment (`release`) frees its items; nothing is deleted.
"""

import logging
from datetime import UTC, datetime, timedelta

from peewee import IntegrityError

from core import fpx
from core.identifiers import fclb_notice_number, receipt_number
from core.interest import late_interest
from core.money import format_rm, from_sen, sen
from core.periods import days_late
from webapp.clock import MALAYSIA
from webapp.db import database
from webapp.models import Acknowledgement
from webapp.payment_models import CartItem, FclbNotice, PaymentAttempt, PaymentItem, Receipt
from webapp.services import audit, counters, emails, outbox, receipts

log = logging.getLogger("assist.payments")


def succeed(attempt: PaymentAttempt, auth: fpx.Authorisation, now: datetime, facts: dict) -> str:
    """FPX said 00: settle the attempt; returns the status it ends in (succeeded or needs_review).
    The payment is dated by FPX's transaction time, not by when the portal heard of it: an approval at 23:58
    on the 15th that reaches the portal after midnight (a lost AC, a B2B1 checked daily) is paid on time."""
    done = {**facts, "debit_auth_no": (auth.debit_auth_no or "")[:20] or None}
    return settle(attempt, facts["updated_at"], done, details={"fpx_txn_id": auth.fpx_txn_id},
                  paid_at=fpx_time(auth, attempt, facts["updated_at"]))


FPX_CLOCK_SKEW = timedelta(minutes=15)  # FPX refuses an AR whose time is further off (XW)


def fpx_time(auth: fpx.Authorisation, attempt: PaymentAttempt, recorded: datetime) -> datetime:
    """FPX's transaction time as naive UTC when it is plausible (after the attempt, not after it was heard
    of), else the time it was recorded."""
    try:
        said = fpx.parse_txn_time(auth.fpx_txn_time).astimezone(UTC).replace(tzinfo=None)
    except fpx.FpxError:
        return recorded
    if attempt.created_at - FPX_CLOCK_SKEW <= said <= recorded + FPX_CLOCK_SKEW:
        return min(said, recorded)
    log.warning("FPX time %s of %s is implausible: dated when recorded", auth.fpx_txn_time, attempt.order_no)
    return recorded


def settle(attempt: PaymentAttempt, stamp: datetime, facts: dict | None = None, *, actor=None,
           details: dict | None = None, paid_at: datetime | None = None) -> str:
    """Mark a payment of any channel succeeded (recorded at `stamp`, naive UTC) and settle it, inside the
    caller's locked transaction: items paid, receipt, FCLB notices for late ACR/ECRs, carts emptied, the
    receipt emailed. `paid_at` is when the money was paid if the channel says (else `stamp`): it dates the
    receipt and the late interest. `facts` are more columns of the attempt to set; `actor` the officer or
    teller who recorded it (None for a bank's answer). Returns "succeeded", or "needs_review" when its items
    were paid or cancelled meanwhile.
    """
    details = details or {}
    paid_at = paid_at or stamp
    paid_on = (paid_at + MALAYSIA).date()
    items = list(PaymentItem.select().where(PaymentItem.attempt == attempt))
    ack_ids = [item.acknowledgement_id for item in items if item.acknowledgement_id]
    notice_ids = [item.notice_id for item in items if item.notice_id]
    acks = list(Acknowledgement.select().where(Acknowledgement.id.in_(ack_ids or [0])))
    notices = list(FclbNotice.select().where(FclbNotice.id.in_(notice_ids or [0])))
    done = {**(facts or {}), "updated_at": stamp, "completed_at": paid_at, "paid_on": paid_on, "next_check_at": None,
            "claimed_until": None}
    problem = _cannot_take(acks, notices, attempt)
    if problem is None:
        try:
            with database.atomic():  # a savepoint: the partial unique indexes are the last word (I1)
                PaymentItem.update(state="paid").where(PaymentItem.attempt == attempt).execute()
        except IntegrityError:
            problem = "its ACR/ECR or notices were paid by another payment"
    if problem:
        log.error("%s payment %s was made but %s: needs review (refund)", attempt.channel, attempt.order_no, problem)
        PaymentAttempt.update(status="needs_review", review_reason=f"Paid ({attempt.channel}) but {problem}."[:200],
                              **done).where(PaymentAttempt.id == attempt.id).execute()
        audit.record(actor, "payment.review", employer=attempt.employer_id, subject=attempt.order_no,
                     details={**details, "channel": attempt.channel, "reason": problem})
        return "needs_review"
    Acknowledgement.update(status="paid").where(Acknowledgement.id.in_(ack_ids or [0])).execute()
    FclbNotice.update(status="paid").where(FclbNotice.id.in_(notice_ids or [0])).execute()
    PaymentAttempt.update(status="succeeded", **done).where(PaymentAttempt.id == attempt.id).execute()
    attempt = PaymentAttempt.get_by_id(attempt.id)
    receipt = Receipt.create(number=receipt_number(paid_on.year, counters.next_value(f"receipt-{paid_on.year}")),
                             attempt=attempt, employer=attempt.employer_id, amount=attempt.amount, created_at=stamp)
    amounts = {item.acknowledgement_id: item.amount for item in items if item.acknowledgement_id}
    late = [_notice(attempt, ack, amounts[ack.id], paid_on, stamp) for ack in acks
            if days_late(ack.month, paid_on) > 0]
    audit.record(actor, "payment.succeeded", employer=attempt.employer_id, subject=attempt.order_no,
                 details={**details, "channel": attempt.channel, "amount": attempt.amount, "receipt": receipt.number,
                          "paid": [a.number for a in acks] + [n.number for n in notices]})
    CartItem.delete().where(CartItem.acknowledgement.in_(ack_ids or [0]) | CartItem.notice.in_(notice_ids or [0])
                            ).execute()
    _email(attempt, receipt, [n for n in late if n is not None])
    return "succeeded"


def release(attempt: PaymentAttempt, stamp: datetime, facts: dict | None = None, *, actor=None,
            details: dict | None = None) -> None:
    """Mark a payment of any channel failed (FPX's final refusal, an EFT slip rejected, a debit refused),
    inside the caller's locked transaction: its items are free to be paid again; nothing is deleted."""
    PaymentItem.update(state="released").where(
        (PaymentItem.attempt == attempt) & (PaymentItem.state == "open")).execute()
    PaymentAttempt.update(status="failed", updated_at=stamp, completed_at=stamp, next_check_at=None,
                          claimed_until=None, **(facts or {})).where(PaymentAttempt.id == attempt.id).execute()
    audit.record(actor, "payment.failed", employer=attempt.employer_id, subject=attempt.order_no,
                 details={**(details or {}), "channel": attempt.channel})


def _cannot_take(acks, notices, attempt) -> str | None:
    if any(ack.status == "cancelled" for ack in acks):
        return "an ACR/ECR in it was cancelled meanwhile"
    if any(ack.status != "unpaid" for ack in acks) or any(n.status != "unpaid" for n in notices):
        return "its ACR/ECR or notices were paid by another payment"
    if PaymentItem.select().where((PaymentItem.attempt == attempt) & (PaymentItem.state == "paid")).exists():
        return "it was settled already"
    return None


def _notice(attempt, ack: Acknowledgement, amount: int, paid_on, stamp) -> FclbNotice | None:
    """The FCLB notice of an ACR/ECR paid late (at most one per ACR/ECR: a unique index)."""
    interest = sen(late_interest(from_sen(amount), ack.month, paid_on))
    number = fclb_notice_number(attempt.employer.code, counters.next_value(f"fclb-{attempt.employer_id}"))
    try:
        with database.atomic():
            notice = FclbNotice.create(number=number, employer=attempt.employer_id, acknowledgement=ack,
                                       attempt=attempt, amount=interest, late_amount=amount, paid_on=paid_on,
                                       days_late=days_late(ack.month, paid_on), created_at=stamp)
            audit.record(None, "fclb.issued", employer=attempt.employer_id, subject=number,
                         submission=ack.submission_id, details={"acknowledgement": ack.number, "amount": interest})
            return notice
    except IntegrityError:
        log.warning("FCLB notice for %s exists already: not issued twice", ack.number)
        return None


def _email(attempt: PaymentAttempt, receipt: Receipt, notices: list[FclbNotice]) -> None:
    data = receipts.receipt_data(receipt)
    subject, body = emails.payment_receipt(
        receipt=receipt.number, employer=f"{data.employer_code} {data.employer_name}",
        amount=format_rm(data.amount), method=data.method,
        details=[f"{label}: {value}" for label, value in data.details],
        items=[f"{item.number} {item.period} {format_rm(item.amount)}" for item in data.items],
        notices=[f"{n.number} {format_rm(from_sen(n.amount))}" for n in notices])
    # The PDFs are built when the mail goes out (about 0.1 s of CPU each): the AC's transaction stays short.
    documents = [(f"resit-receipt-{receipt.number}.pdf", "application/pdf", f"receipt:{receipt.number}")]
    documents += [(f"notis-fclb-{n.number}.pdf", "application/pdf", f"notice:{n.number}") for n in notices]
    outbox.enqueue(attempt.email, subject, body, built_later=documents)
