"""Reconciliation (payments.md I5, I5b): attempts without a final answer are asked about with an AE on a
back-off (core.payment_states.schedule), and the reply goes through the same function as every AC.

A worker claims attempts with a lease before it asks (`claimed_until`; on PostgreSQL `FOR UPDATE SKIP LOCKED`),
so two servers never query the same attempt at once; applying an answer is idempotent anyway (I2). Nothing is
failed by a timer: an attempt still without a final answer after a day (a week for B2B1 `99`) goes to the
officers' needs-review list, and is still asked about daily.
"""

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from core import fpx
from core import payment_states as states
from core.payment_channels import FPX
from webapp.db import is_postgres, locked
from webapp.fpx_gateway import Gateway
from webapp.payment_models import GatewayMessage, PaymentAttempt
from webapp.services import fpx_answers
from webapp.services.fpx_answers import naive_utc

log = logging.getLogger("assist.payments")
LEASE = timedelta(minutes=2)
CHUNK = 100


@dataclass
class Summary:
    checked: int = 0
    answers: dict = field(default_factory=dict)  # status afterwards -> count
    errors: int = 0

    def add(self, status: str | None) -> None:
        self.checked += 1
        if status is None:
            self.errors += 1
        else:
            self.answers[status] = self.answers.get(status, 0) + 1


def due(now: datetime, everything: bool = False, limit: int | None = None) -> list[int]:
    """Ids of the live attempts whose next AE is due (or all live ones with `everything`)."""
    stamp = naive_utc(now)
    query = PaymentAttempt.select(PaymentAttempt.id).where(PaymentAttempt.status.in_(states.LIVE)
                                                           & (PaymentAttempt.channel == FPX))
    if not everything:
        query = query.where(PaymentAttempt.next_check_at <= stamp)
    query = query.order_by(PaymentAttempt.next_check_at, PaymentAttempt.id)
    if limit:
        query = query.limit(limit)
    return [row.id for row in query]


def claim(ids: list[int], now: datetime, everything: bool = False) -> list[int]:
    """Take a lease on those of `ids` still live, due and not claimed by another worker; returns them."""
    stamp = naive_utc(now)
    free = (PaymentAttempt.claimed_until.is_null() | (PaymentAttempt.claimed_until < stamp))
    condition = (PaymentAttempt.id.in_(ids) & PaymentAttempt.status.in_(states.LIVE) & free
                 & (PaymentAttempt.channel == FPX))
    if not everything:
        condition &= PaymentAttempt.next_check_at <= stamp
    with locked():
        query = PaymentAttempt.select(PaymentAttempt.id).where(condition)
        if is_postgres():
            query = query.for_update(skip_locked=True)
        taken = [row.id for row in query]
        if taken:
            PaymentAttempt.update(claimed_until=stamp + LEASE).where(PaymentAttempt.id.in_(taken)).execute()
    return taken


@dataclass
class Asked:
    """What one AE brought back: the AE sent, FPX's reply (text), or why there is none."""

    attempt: PaymentAttempt
    ae: dict | None = None
    text: str | None = None
    certificate: bytes = b""
    error: str | None = None


def ask(attempt: PaymentAttempt, gateway: Gateway) -> Asked:
    """The network half of a check: send the AE (no transaction is open meanwhile)."""
    try:
        ae, text = gateway.enquire(json.loads(attempt.ar_fields))
        return Asked(attempt, ae, text, gateway.certificate())
    except fpx.FpxError as exc:
        log.warning("AE for %s failed: %s", attempt.order_no, exc)
        return Asked(attempt, error=str(exc))


def _sent(asked: list[Asked], now: datetime) -> None:
    """Keep the AEs sent, raw (one INSERT for a chunk)."""
    rows = [{"direction": "out", "kind": "AE", "attempt": a.attempt.id, "order_no": a.attempt.order_no,
             "verdict": "sent", "raw": urlencode(a.ae), "received_at": naive_utc(now)} for a in asked if a.ae]
    if rows:
        GatewayMessage.insert_many(rows).execute()


def record(asked: Asked, now: datetime) -> str | None:
    """The store half, inside the caller's transaction, once its AE is kept (`_sent`): apply the reply (the
    same function as every AC) and plan the next AE. Returns the status after the reply, or None when there
    is no usable one."""
    attempt, stamp, error, status = asked.attempt, naive_utc(now), asked.error, None
    after = (attempt.status, attempt.debit_auth_code)
    if asked.text is not None and error is None:
        answer = fpx_answers.apply_reply(asked.text, asked.certificate, now)
        if answer.order_no == attempt.order_no and answer.verdict in ("applied", "duplicate", "no_change",
                                                                       "conflict"):
            status, after = answer.status, (answer.status, answer.code)
        else:
            error = f"reply not usable ({answer.verdict}): {answer.note}"
    _plan_next(attempt, *after, stamp, error)
    return status


def check(attempt: PaymentAttempt, gateway: Gateway, now: datetime) -> str | None:
    """One AE for one attempt now (I6, CHECK STATUS, CHECK AGAIN): ask, then record in one transaction.
    Only FPX is asked; another channel's payment answers with its status as it is."""
    if attempt.channel != FPX:
        return attempt.status
    asked = ask(attempt, gateway)
    with locked():
        _sent([asked], now)
        return record(asked, now)


def _plan_next(attempt: PaymentAttempt, status: str, code: str | None, stamp, error: str | None) -> None:
    """Inside the check's transaction: count the check, release the lease, set the next AE (or review). The
    update is conditional on the status, so a concurrent answer is never overwritten (the attempt is then
    simply due again)."""
    updates = {"claimed_until": None, "checks": PaymentAttempt.checks + 1,
               "last_check_error": (error or "")[:200] or None}
    if status in states.LIVE:
        plan = states.schedule(status, code, attempt.created_at, attempt.checks + 1, stamp)
        updates["next_check_at"] = plan.at
        if plan.review:
            log.warning("payment %s has no final answer from FPX after %s checks: needs review",
                        attempt.order_no, attempt.checks + 1)
            updates.update(status=states.NEEDS_REVIEW,
                           review_reason=f"No final answer from FPX ({code or 'no AC'}) "
                                         f"after {attempt.checks + 1} enquiries.")
    PaymentAttempt.update(**updates).where((PaymentAttempt.id == attempt.id)
                                           & (PaymentAttempt.status == status)).execute()


def reconcile(gateway: Gateway, now: datetime, everything: bool = False, workers: int = 8,
              limit: int | None = None) -> Summary:
    """One pass over the due attempts (or every live one), CHUNK at a time: claimed with a lease, asked about
    `workers` at once (the network), then recorded together in one transaction (one writer, one commit per
    chunk; if one of them fails, the others are recorded one by one and the failing one is due again). The
    next chunk is asked about while the previous one is recorded, so FPX and the store work side by side."""
    summary = Summary()
    ids = due(now, everything, limit)
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="assist-ae") as pool:
        asking = []
        for start in range(0, len(ids), CHUNK):
            taken = claim(ids[start:start + CHUNK], now, everything)
            attempts = PaymentAttempt.select().where(PaymentAttempt.id.in_(taken or [0]))
            previous, asking = asking, [pool.submit(ask, attempt, gateway) for attempt in attempts]
            _record_chunk([future.result() for future in previous], now, summary)
        _record_chunk([future.result() for future in asking], now, summary)
    return summary


def _record_chunk(answers: list[Asked], now: datetime, summary: Summary) -> None:
    if not answers:
        return
    try:
        with locked():
            _sent(answers, now)
            statuses = [record(asked, now) for asked in answers]
    except Exception:
        log.exception("recording %s answers together failed: one by one", len(answers))
        statuses = [_record_alone(asked, now) for asked in answers]
    for status in statuses:
        summary.add(status)


def _record_alone(asked: Asked, now: datetime) -> str | None:
    try:
        with locked():
            _sent([asked], now)
            return record(asked, now)
    except Exception:  # this one is due again once its lease ends
        log.exception("reconciling %s failed", asked.attempt.order_no)
        return None


def needs_review() -> list[PaymentAttempt]:
    """The officers' list: attempts FPX has not given a final answer for, oldest first."""
    return list(PaymentAttempt.select().where(PaymentAttempt.status == states.NEEDS_REVIEW)
                .order_by(PaymentAttempt.created_at))  # every channel: a payment settled twice is refunded


ALERTS = ("conflict", "mismatch", "bad_signature", "certificate", "unknown_order")


def alerts(limit: int = 20) -> list[GatewayMessage]:
    """The latest FPX messages that were refused or contradicted an attempt's state (for officers)."""
    return list(GatewayMessage.select().where(GatewayMessage.verdict.in_(ALERTS))
                .order_by(GatewayMessage.id.desc()).limit(limit))


def attempt(order_no: str) -> PaymentAttempt | None:
    """Any attempt by its sellerExOrderNo (officers)."""
    return PaymentAttempt.get_or_none(PaymentAttempt.order_no == (order_no or "")[:20])
