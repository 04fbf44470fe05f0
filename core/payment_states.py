"""The life of an FPX payment attempt (payments.md A.5, B.2, I2, I5): pure rules, values in, values out.

Statuses: created (the AR is committed, no answer yet) -> pending (09 at the bank, 99 awaiting the B2B1
authoriser) -> succeeded (00, terminal) or failed (any other final code). needs_review: reconciliation could
not get a final answer in time; a person looks at it, and a final answer still settles it.

`step` decides what one verified answer (an AC, direct or indirect, or the reply to an AE) does. It never
downgrades a success (I2), never fails a pending attempt without a final code from FPX (I5), and takes `76`
("transaction not found") as "abandoned" only for an attempt that never got an answer and is older than
NOT_FOUND_GRACE (the buyer never reached FPX): FPX refuses an AR whose time is 15 minutes off (`XW`), so after
the grace period the AR can no longer arrive. A success after a recorded failure is applied (the money has
moved); the service sends it to review if its items were paid meanwhile.

`schedule` is the reconciliation back-off: AE at +5 min, +15 min, +1 h after each check, then hourly; a
B2B1 `99` daily after the first hour. Without a final answer after a day (a week for `99`) the attempt goes
to needs review, where it is still checked daily. Nothing is failed by a timer.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.fpx_codes import FAILED as FAILED_CODE
from core.fpx_codes import NOT_FOUND as NOT_FOUND_CODE
from core.fpx_codes import PENDING as PENDING_CODE
from core.fpx_codes import SUCCESS as SUCCESS_CODE
from core.fpx_codes import outcome

CREATED, PENDING, SUCCEEDED, FAILED, NEEDS_REVIEW = "created", "pending", "succeeded", "failed", "needs_review"
LIVE = (CREATED, PENDING, NEEDS_REVIEW)
APPLIED, NO_CHANGE, CONFLICT = "applied", "no_change", "conflict"

NOT_FOUND_GRACE = timedelta(minutes=30)
BACKOFF = (timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1))
HOURLY = timedelta(hours=1)
DAILY = timedelta(days=1)
REVIEW_AFTER = timedelta(days=1)
REVIEW_AFTER_AUTHORISER = timedelta(days=7)  # B2B1: the authoriser may take days


@dataclass(frozen=True)
class Step:
    verdict: str  # APPLIED (the attempt changes), NO_CHANGE (nothing to do), CONFLICT (contradicts; kept, alerted)
    status: str  # the status after the answer


def step(status: str, code: str, *, current_code: str | None, age: timedelta) -> Step:
    """What a verified answer with `code` does to an attempt in `status` (an answer already applied with the
    same fpxTxnId and code is a duplicate and never reaches here). `age` is the time since the AR."""
    kind = outcome(code)
    if status == SUCCEEDED:  # terminal (I2): a failure or another success contradicts it; a late 09/99 is stale
        return Step(CONFLICT if kind in (SUCCESS_CODE, FAILED_CODE) else NO_CHANGE, SUCCEEDED)
    if status == FAILED:
        if kind == SUCCESS_CODE:
            return Step(APPLIED, SUCCEEDED)  # the money moved after all
        return Step(CONFLICT if kind == FAILED_CODE and code != current_code else NO_CHANGE, FAILED)
    if kind == SUCCESS_CODE:
        return Step(APPLIED, SUCCEEDED)
    if kind == FAILED_CODE:
        return Step(APPLIED, FAILED)
    if kind == PENDING_CODE:
        return Step(APPLIED, NEEDS_REVIEW if status == NEEDS_REVIEW else PENDING)
    if kind == NOT_FOUND_CODE and status == CREATED:
        return Step(APPLIED, FAILED) if age >= NOT_FOUND_GRACE else Step(NO_CHANGE, CREATED)
    return Step(CONFLICT, status)  # 76 for an attempt FPX had said was pending: a person should look


@dataclass(frozen=True)
class Check:
    at: datetime  # when the next AE is due
    review: bool  # the attempt should go to needs review now


def schedule(status: str, code: str | None, created_at: datetime, checks: int, now: datetime) -> Check:
    """When to send the next AE for a live attempt after `checks` AEs so far (the last one at `now`)."""
    age = now - created_at
    if status == NEEDS_REVIEW:
        return Check(now + DAILY, False)
    authoriser = code == "99"
    later = DAILY if authoriser else HOURLY
    delay = BACKOFF[checks] if checks < len(BACKOFF) else later
    return Check(now + delay, age >= (REVIEW_AFTER_AUTHORISER if authoriser else REVIEW_AFTER))
