"""The officers' payments desk (issue 12): find any payment of any channel, see everything about one (its
items, receipt and notices, audit events, EFT slip and decisions, FPX's raw messages), the queues, and the
day's collections per channel as CSV. What officers do here is in the audit trail (append-only)."""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from peewee import JOIN, fn

from core import payment_channels
from core.csvexport import csv_text
from core.errors import N_, Conflict, NotFound
from core.money import from_sen
from webapp.clock import MALAYSIA
from webapp.db import database, for_update, locked
from webapp.eft_models import EftPayment
from webapp.fpx_gateway import Gateway
from webapp.models import Acknowledgement, AuditEvent, Employer, User
from webapp.payment_models import FclbNotice, GatewayMessage, PaymentAttempt, PaymentItem, Receipt
from webapp.services import audit, eft_verification, reconciliation, settlement
from webapp.services import collections as collections_service

FOUND_AT_MOST = 100
CSV_HEADER = ("channel", "order_no", "receipt", "employer_code", "amount", "reference", "paid_at")


@dataclass(frozen=True)
class Item:
    ref: str
    kind: str  # ACR | ECR | FCLB
    amount: int  # sen
    state: str  # open | paid | released


@dataclass(frozen=True)
class Record:
    """Everything the desk shows about one payment."""

    attempt: PaymentAttempt
    items: list[Item]
    receipts: list[Receipt]
    notices: list[FclbNotice]
    events: list[AuditEvent]
    messages: list[GatewayMessage]
    eft: EftPayment | None


@dataclass(frozen=True)
class Total:
    channel: str
    count: int
    amount: int  # sen


def find(query: str = "", day: date | None = None, limit: int = FOUND_AT_MOST) -> list[PaymentAttempt]:
    """Payments by employer code, ACR/ECR or notice number, FPX transaction id, receipt number, order number or
    the channel's reference (each an exact match), and/or by a Malaysian day (started or paid that day);
    newest first, at most `limit`."""
    words = " ".join((query or "").split()).upper()[:60]
    found = PaymentAttempt.select(PaymentAttempt, Employer).join(Employer).switch(PaymentAttempt)
    if words:
        found = found.where(PaymentAttempt.id.in_(_matching(words) or [0]))
    if day is not None:
        start = datetime(day.year, day.month, day.day) - MALAYSIA
        found = found.where(((PaymentAttempt.created_at >= start) & (PaymentAttempt.created_at < start + timedelta(1)))
                            | (PaymentAttempt.paid_on == day))
    if not words and day is None:
        return []
    return list(found.order_by(PaymentAttempt.created_at.desc(), PaymentAttempt.id.desc()).limit(limit))


def _matching(words: str) -> set[int]:
    same = (PaymentAttempt.order_no == words) | (PaymentAttempt.fpx_txn_id == words)
    ids = {row.id for row in PaymentAttempt.select(PaymentAttempt.id).where(same | (PaymentAttempt.reference == words))}
    ids |= {row.attempt_id for row in Receipt.select(Receipt.attempt).where(Receipt.number == words)}
    ids |= {row.attempt_id for row in PaymentItem.select(PaymentItem.attempt).join(
        Acknowledgement, on=(PaymentItem.acknowledgement == Acknowledgement.id)).where(Acknowledgement.number == words)}
    ids |= {row.attempt_id for row in PaymentItem.select(PaymentItem.attempt).join(
        FclbNotice, on=(PaymentItem.notice == FclbNotice.id)).where(FclbNotice.number == words)}
    ids |= {row.id for row in PaymentAttempt.select(PaymentAttempt.id).join(Employer).where(Employer.code == words)
            .order_by(PaymentAttempt.id.desc()).limit(FOUND_AT_MOST)}
    return ids


def record(order_no: str) -> Record:
    """One payment of any channel with everything about it; NotFound for an unknown order number."""
    attempt = (PaymentAttempt.select(PaymentAttempt, Employer, User).join(Employer).switch(PaymentAttempt)
               .join(User).where(PaymentAttempt.order_no == (order_no or "")[:20]).first())
    if attempt is None:
        raise NotFound(N_("No such payment."))
    receipts = list(Receipt.select().where(Receipt.attempt == attempt))
    subjects = [attempt.order_no] + [r.number for r in receipts]
    events = list(AuditEvent.select(AuditEvent, User).join(User, JOIN.LEFT_OUTER)
                  .where(AuditEvent.subject.in_(subjects)).order_by(AuditEvent.at, AuditEvent.id))
    for event in events:
        event.facts = json.loads(event.details or "{}")
    messages = list(GatewayMessage.select().where(GatewayMessage.attempt == attempt)
                    .order_by(GatewayMessage.received_at, GatewayMessage.id))
    return Record(attempt=attempt, items=_items(attempt), receipts=receipts,
                  notices=list(FclbNotice.select().where(FclbNotice.attempt == attempt).order_by(FclbNotice.id)),
                  events=events, messages=messages, eft=eft_verification.of_attempt(attempt))


def _items(attempt: PaymentAttempt) -> list[Item]:
    rows = (PaymentItem.select(PaymentItem, Acknowledgement.id, Acknowledgement.number, Acknowledgement.kind,
                               FclbNotice.id, FclbNotice.number)
            .join(Acknowledgement, JOIN.LEFT_OUTER, on=PaymentItem.acknowledgement)
            .switch(PaymentItem).join(FclbNotice, JOIN.LEFT_OUTER, on=PaymentItem.notice)
            .where(PaymentItem.attempt == attempt).order_by(PaymentItem.id))
    return [Item(item.acknowledgement.number, item.acknowledgement.kind, item.amount, item.state)
            if item.acknowledgement_id else Item(item.notice.number, "FCLB", item.amount, item.state) for item in rows]


def queues() -> dict[str, int]:
    """How much waits in each queue: EFT to verify, FPX needing review, bank collection lines not matched."""
    return {"eft": eft_verification.waiting(),
            "review": PaymentAttempt.select().where(PaymentAttempt.status == "needs_review").count(),
            "exceptions": collections_service.open_exceptions()}


def collections(day: date, channel: str = "") -> list[tuple]:
    """The payments that succeeded on a Malaysian day (of one channel, or all), as the CSV's rows."""
    rows = (PaymentAttempt.select(PaymentAttempt, Employer.code.alias("employer_code"),
                                  Receipt.number.alias("receipt_no"))
            .join(Employer).switch(PaymentAttempt)
            .join(Receipt, JOIN.LEFT_OUTER, on=(Receipt.attempt == PaymentAttempt.id))
            .where((PaymentAttempt.status == "succeeded") & (PaymentAttempt.paid_on == day)))
    if channel:
        rows = rows.where(PaymentAttempt.channel == channel)
    found = []
    for attempt in rows.order_by(PaymentAttempt.channel, PaymentAttempt.completed_at, PaymentAttempt.id).objects():
        paid_at = attempt.completed_at + MALAYSIA if attempt.completed_at else None
        found.append((attempt.channel, attempt.order_no, attempt.receipt_no or "", attempt.employer_code or "",
                      f"{from_sen(attempt.amount):.2f}", attempt.reference or attempt.fpx_txn_id or "",
                      paid_at.strftime("%Y-%m-%d %H:%M:%S") if paid_at else ""))
    return found


def totals(day: date) -> list[Total]:
    """The day's collections per channel (count and sum), every channel listed."""
    sums = {row.channel: (row.count, int(row.total or 0)) for row in PaymentAttempt.select(
        PaymentAttempt.channel, fn.COUNT(PaymentAttempt.id).alias("count"),
        fn.SUM(PaymentAttempt.amount).alias("total")).where(
        (PaymentAttempt.status == "succeeded") & (PaymentAttempt.paid_on == day)).group_by(PaymentAttempt.channel)}
    return [Total(channel, *sums.get(channel, (0, 0))) for channel in payment_channels.CHANNELS]


def collections_csv(officer: User, day: date, channel: str = "") -> str:
    """The day's collections as CSV (formula-leading cells neutralised); the download is in the audit trail."""
    if channel and channel not in payment_channels.CHANNELS:
        raise NotFound(N_("No such channel."))
    rows = collections(day, channel)
    with database.atomic():
        audit.record(officer, "payments.exported", subject=f"{day.isoformat()} {channel or 'all'}",
                     details={"day": day.isoformat(), "channel": channel or "all", "rows": len(rows)})
    return csv_text(CSV_HEADER, rows)


def check_again(order_no: str, officer: User, gateway: Gateway | None, now: datetime) -> PaymentAttempt:
    """CHECK AGAIN: ask FPX now about a payment (FPX only; others stay as they are), recorded in the trail."""
    attempt = reconciliation.attempt(order_no)
    if attempt is None:
        raise NotFound(N_("No such payment."))
    before = attempt.status
    after = before
    if gateway is not None and before in ("created", "pending", "needs_review"):
        after = reconciliation.check(attempt, gateway, now) or before
    with database.atomic():
        audit.record(officer, "payment.checked", employer=attempt.employer_id, subject=attempt.order_no,
                     details={"channel": attempt.channel, "before": before, "after": after})
    return attempt


def mark_unsuccessful(order_no: str, officer: User, reason: str, now: datetime) -> PaymentAttempt:
    """MARK UNSUCCESSFUL: an officer ends a payment that needs review (the bank never gave a final answer, e.g.
    a buyer who left the bank page) so its ACR/ECRs can be paid again. One locked transaction that reads the
    state again; nothing is deleted. Should the bank approve it after all, that answer is still applied (the
    money moved) and goes to review again if its items were paid meanwhile (settlement)."""
    with locked():
        attempt = for_update(PaymentAttempt.select().where(PaymentAttempt.order_no == (order_no or "")[:20])).first()
        if attempt is None:
            raise NotFound(N_("No such payment."))
        if attempt.status != "needs_review":
            raise Conflict(N_("Only a payment that needs review can be marked unsuccessful (this one is %(status)s)."),
                           status=attempt.status)
        stamp = now.astimezone(UTC).replace(tzinfo=None)
        settlement.release(attempt, stamp, {"review_reason": f"Marked unsuccessful by an officer: {reason}"[:200]},
                           actor=officer, details={"reason": reason, "by_officer": True})
    return PaymentAttempt.get_by_id(attempt.id)
