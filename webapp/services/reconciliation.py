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
from webapp.db import database, for_update, is_postgres, locked
from webapp.fpx_gateway import Gateway
from webapp.payment_models import GatewayMessage, PaymentAttempt
from webapp.services import fpx_answers
from webapp.services.fpx_answers import naive_utc

log = logging.getLogger("assist.payments")
LEASE = timedelta(minutes=2)
CHUNK = 50


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
    query = PaymentAttempt.select(PaymentAttempt.id).where(PaymentAttempt.status.in_(states.LIVE))
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
    condition = PaymentAttempt.id.in_(ids) & PaymentAttempt.status.in_(states.LIVE) & free
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


def check(attempt: PaymentAttempt, gateway: Gateway, now: datetime) -> str | None:
    """Send one AE for `attempt`, apply FPX's reply, and plan the next AE. Returns the attempt's status after
    the reply, or None when FPX could not be asked or its reply could not be used."""
    stamp = naive_utc(now)
    error, status = None, None
    try:
        ae, text = gateway.enquire(json.loads(attempt.ar_fields))
        _sent(attempt, ae, stamp)
        answer = fpx_answers.apply_reply(text, gateway.certificate(), now)
        if answer.order_no == attempt.order_no and answer.verdict in ("applied", "duplicate", "no_change",
                                                                       "conflict"):
            status = answer.status
        else:
            error = f"reply not usable ({answer.verdict}): {answer.note}"
    except fpx.FpxError as exc:
        error = str(exc)
        log.warning("AE for %s failed: %s", attempt.order_no, error)
    _plan_next(attempt.id, stamp, error)
    return status


def _sent(attempt, ae: dict, stamp) -> None:
    with database.atomic():
        GatewayMessage.create(direction="out", kind="AE", attempt=attempt, order_no=attempt.order_no,
                              verdict="sent", raw=urlencode(ae), received_at=stamp)


def _plan_next(attempt_id: int, stamp, error: str | None) -> None:
    with locked():
        current = for_update(PaymentAttempt.select().where(PaymentAttempt.id == attempt_id)).get()
        updates = {"claimed_until": None, "checks": current.checks + 1,
                   "last_check_error": (error or "")[:200] or None}
        if current.status in states.LIVE:
            plan = states.schedule(current.status, current.debit_auth_code, current.created_at, current.checks + 1,
                                   stamp)
            updates["next_check_at"] = plan.at
            if plan.review:
                log.warning("payment %s has no final answer from FPX after %s checks: needs review",
                            current.order_no, current.checks + 1)
                updates.update(status=states.NEEDS_REVIEW,
                               review_reason=f"No final answer from FPX ({current.debit_auth_code or 'no AC'}) "
                                             f"after {current.checks + 1} enquiries.")
        PaymentAttempt.update(**updates).where((PaymentAttempt.id == attempt_id)
                                               & (PaymentAttempt.status == current.status)).execute()


def reconcile(gateway: Gateway, now: datetime, everything: bool = False, workers: int = 8,
              limit: int | None = None) -> Summary:
    """One pass: every due attempt (or every live one) claimed, asked about and rescheduled, `workers` at once."""
    summary = Summary()
    ids = due(now, everything, limit)

    def one(attempt_id):
        with database.connection_context():
            attempt = PaymentAttempt.get_by_id(attempt_id)
            try:
                return check(attempt, gateway, now)
            except Exception:  # one attempt must not stop the pass; it is due again after the lease
                log.exception("reconciling %s failed", attempt.order_no)
                return None

    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="assist-ae") as pool:
        for start in range(0, len(ids), CHUNK):
            taken = claim(ids[start:start + CHUNK], now, everything)
            for status in pool.map(one, taken):
                summary.add(status)
    return summary


def needs_review() -> list[PaymentAttempt]:
    """The officers' list: attempts FPX has not given a final answer for, oldest first."""
    return list(PaymentAttempt.select().where(PaymentAttempt.status == states.NEEDS_REVIEW)
                .order_by(PaymentAttempt.created_at))
