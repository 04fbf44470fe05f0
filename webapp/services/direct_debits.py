"""Paying by direct debit (QRG 7, Payment): the cart becomes one payment of channel direct_debit on a chosen
mandate, and its debit (DR) is sent to FPX host-to-host; the bank's answer (DS) settles or releases it.

PROCEED holds the cart (payments.hold_cart) and, inside the same lock, refuses BEFORE anything is sent
(core.mandates.check_debit): ACR/ECRs of the other scheme, a mandate not approved, expired or terminated, an
amount above its limit per transaction, and a month whose debits on it (successful and still in flight) have
reached its maximum frequency. The mandate's row is locked (PostgreSQL) or the store is (SQLite), so two
PROCEEDs on one mandate are counted one after the other. The DR is committed with the payment, then sent.

The answer is applied like an FPX AC (one function for the reply and for the DS the exchange sends later):
verified, compared with the DR, stored raw, applied once; 00 settles (receipt, FCLB notices, email), 09/99
leaves it pending, any other code releases its items. A debit without an answer is never failed by a timer:
the same DR is sent again on the reconciliation back-off (the exchange answers it with its first answer),
and after a day without a final answer it goes to the officers' needs-review list, still asked daily.
"""

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from core import fpx, mandates
from core import payment_states as states
from core.errors import N_, NotFound
from core.payment_channels import DIRECT_DEBIT
from webapp.db import for_update, is_postgres, locked
from webapp.mandate_gateway import MandateGateway
from webapp.mandate_models import Mandate, MandateDebit
from webapp.models import Acknowledgement, Employer, User
from webapp.payment_models import FclbNotice, PaymentAttempt
from webapp.services import cart, mandate_log, payments, settlement
from webapp.services import mandates as mandate_service
from webapp.services.fpx_answers import Answer, naive_utc
from webapp.services.mandate_answers import transaction, verified
from webapp.services.reconciliation import LEASE, Summary

log = logging.getLogger("assist.payments")
COUNTED = ("created", "pending", "needs_review", "succeeded")  # a month's debits: successful and in flight


def payable(employer: Employer, user: User, scheme: str) -> list[cart.Payable]:
    """PAYMENT for a scheme: its unpaid ACRs (SOCSO) or ECRs (EIS) and the FCLB notices of those."""
    found = cart.payable(employer, user)
    kinds = _notice_kinds(found)
    return [item for item in found if _scheme_of(item, kinds) == scheme]


def _notice_kinds(items) -> dict[int, str]:
    ids = [item.notice_id for item in items if item.notice_id]
    if not ids:
        return {}
    rows = FclbNotice.select(FclbNotice.id, Acknowledgement.kind).join(Acknowledgement).where(FclbNotice.id.in_(ids))
    return {notice_id: kind for notice_id, kind in rows.tuples()}


def _scheme_of(item: cart.Payable, notice_kinds: dict[int, str]) -> str:
    return mandates.scheme_of(notice_kinds.get(item.notice_id, "") if item.notice_id else item.kind)


def schemes_in(items: list[cart.Payable]) -> set[str]:
    kinds = _notice_kinds(items)
    return {_scheme_of(item, kinds) for item in items}


def terms(mandate: Mandate) -> mandates.Terms:
    return mandates.Terms(scheme=mandate.scheme, status=mandate.status, limit_sen=mandate.limit_sen,
                          max_frequency=mandate.max_frequency, effective=mandate.effective_on, expiry=mandate.expiry_on)


def debits_in(mandate: Mandate, month) -> int:
    """The mandate's debits of a calendar month that count against its frequency: successful and in flight."""
    return (MandateDebit.select().join(PaymentAttempt).where(
        (MandateDebit.mandate == mandate) & (MandateDebit.month == month) & PaymentAttempt.status.in_(COUNTED))
        .count())


def start(user: User, employer: Employer, gateway: MandateGateway, *, mandate_order_no: str,
          now: datetime) -> PaymentAttempt:
    """PROCEED: the cart as one payment on the chosen mandate, refused before sending when a rule says so;
    then the DR is sent and the bank's answer applied. Returns the payment as it is afterwards."""
    chosen = mandate_service.of_employer(employer, mandate_order_no)
    today = mandate_service.today_in_malaysia(now)
    month, naive, made = today.replace(day=1), naive_utc(now), {}

    def the_debit(order_no: str, amount: int) -> dict:  # inside hold_cart's lock
        mandate = for_update(Mandate.select().where(Mandate.id == chosen.id)).get()
        mandates.check_debit(terms(mandate), schemes=schemes_in(cart.items(user, employer)), amount_sen=amount,
                             debits_this_month=debits_in(mandate, month), today=today)
        made["dr"] = gateway.sign(mandates.debit_request(
            gateway.seller, order_no=order_no, seller_order_no=order_no, txn_time=now, mandate_id=mandate.mandate_id,
            amount_sen=amount))
        return {"next_check_at": naive + states.BACKOFF[0]}

    def record_the_debit(attempt: PaymentAttempt) -> None:
        MandateDebit.create(attempt=attempt, mandate=chosen.id, month=month, dr_fields=json.dumps(made["dr"]))
        mandate_log.record("out", "DR", made["dr"], "sent", now, mandate=chosen.id, attempt=attempt)

    attempt = payments.hold_cart(user, employer, channel=DIRECT_DEBIT, email=chosen.email, now=naive,
                                 status="created", reference=chosen.mandate_id, columns=the_debit,
                                 then=record_the_debit, details={"mandate": chosen.order_no, "scheme": chosen.scheme})
    check(attempt, gateway, now, first=True)
    return PaymentAttempt.get_by_id(attempt.id)


@dataclass
class Asked:
    attempt: PaymentAttempt
    dr: dict
    text: str | None = None
    error: str | None = None


def ask(attempt: PaymentAttempt, gateway: MandateGateway) -> Asked:
    """The network half: send the payment's DR (the same one again when asking for a lost answer)."""
    debit = MandateDebit.get(MandateDebit.attempt == attempt)
    dr = json.loads(debit.dr_fields)
    try:
        return Asked(attempt, dr, gateway.debit(dr))
    except fpx.FpxError as error:
        log.warning("debit %s got no answer: %s", attempt.order_no, error)
        return Asked(attempt, dr, error=str(error))


def record(asked: Asked, gateway: MandateGateway, now: datetime, first: bool = False) -> str | None:
    """The store half, inside the caller's lock: apply the answer (if any) and plan the next ask. Returns the
    status after the answer, or None without a usable one."""
    attempt, status, error = asked.attempt, None, asked.error
    if not first:
        mandate_log.record("out", "DR", asked.dr, "sent", now, attempt=attempt, note="asked again")
    after = (attempt.status, attempt.debit_auth_code)
    if asked.text is not None:
        answer = apply_reply(asked.text, gateway, now)
        if answer.order_no == attempt.order_no and answer.verdict in ("applied", "duplicate", "no_change", "conflict"):
            status, after = answer.status, (answer.status, answer.code)
        else:
            error = f"answer not usable ({answer.verdict}): {answer.note}"
    _plan_next(attempt, *after, naive_utc(now), error)
    return status


def check(attempt: PaymentAttempt, gateway: MandateGateway, now: datetime, first: bool = False) -> str:
    """Send (or send again) a live debit's DR and apply the answer; returns the payment's status."""
    current = PaymentAttempt.get_by_id(attempt.id)
    if current.channel != DIRECT_DEBIT or current.status not in states.LIVE:
        return current.status
    asked = ask(current, gateway)
    with locked():
        record(asked, gateway, now, first)
    return PaymentAttempt.get_by_id(attempt.id).status


def _plan_next(attempt: PaymentAttempt, status: str, code: str | None, stamp: datetime, error: str | None) -> None:
    updates = {"claimed_until": None, "checks": PaymentAttempt.checks + 1,
               "last_check_error": (error or "")[:200] or None}
    if status in states.LIVE:
        plan = states.schedule(status, code, attempt.created_at, attempt.checks + 1, stamp)
        updates["next_check_at"] = plan.at
        if plan.review and status != states.NEEDS_REVIEW:
            log.warning("debit %s has no final answer after %s asks: needs review", attempt.order_no,
                        attempt.checks + 1)
            updates.update(status=states.NEEDS_REVIEW, review_reason=f"No final answer from the bank to the direct "
                                                                     f"debit ({code or 'no answer'}).")
    PaymentAttempt.update(**updates).where((PaymentAttempt.id == attempt.id)
                                           & (PaymentAttempt.status == status)).execute()


# --- the bank's answer ---------------------------------------------------------------------------------------

def apply_reply(text: str, gateway: MandateGateway, now: datetime) -> Answer:
    """FPX's reply to a DR (URL-encoded DS fields, or ERROR)."""
    try:
        fields = fpx.parse_reply(text)
    except fpx.GatewayError as error:
        mandate_log.record("in", "DS", {}, "error", now, raw=text[:2000], note=str(error))
        return Answer(False, "error", note=str(error))
    return apply_answer(fields, text, "DS", gateway, now)


def apply_answer(fields: dict, raw: str, kind: str, gateway: MandateGateway, now: datetime) -> Answer:
    """A DS (the reply to a DR, or kind DS-notice when the exchange sends it later), verified and applied."""
    answer, refused = verified(lambda: mandates.read_debit_answer(fields, gateway.certificate(), now), fields, raw,
                              kind, now)
    if refused:
        return refused
    with transaction():
        attempt = for_update(PaymentAttempt.select().where(
            (PaymentAttempt.order_no == answer.order_no[:20]) & (PaymentAttempt.channel == DIRECT_DEBIT))).first()
        if attempt is None or attempt.order_no != answer.order_no:
            mandate_log.record("in", kind, fields, "unknown_order", now, raw=raw, note="no such debit")
            return Answer(False, "unknown_order", note="no such debit")
        dr = json.loads(MandateDebit.get(MandateDebit.attempt == attempt).dr_fields)
        wrong = [name for name, ok in (
            ("fpx_mandateId", answer.mandate_id == dr["fpx_mandateId"]),
            ("fpx_sellerOrderNo", answer.seller_order_no == dr["fpx_sellerOrderNo"]),
            ("fpx_sellerId", answer.seller_id == dr["fpx_sellerId"]),
            ("fpx_sellerExId", answer.seller_ex_id == dr["fpx_sellerExId"]),
            ("fpx_txnCurrency", answer.currency == "MYR"), ("fpx_txnAmount", answer.amount_sen == attempt.amount))
            if not ok]
        if wrong:
            log.warning("DS for %s differs from its DR in %s: refused", attempt.order_no, wrong)
            mandate_log.record("in", kind, fields, "mismatch", now, raw=raw, attempt=attempt,
                               note="differs from the DR: " + ", ".join(wrong))
            return Answer(False, "mismatch", attempt.order_no, attempt.status, ", ".join(wrong))
        return _take(attempt, answer, fields, raw, kind, now)


def _take(attempt: PaymentAttempt, answer: mandates.DebitAnswer, fields, raw, kind, now: datetime) -> Answer:
    txn_id, code = answer.fpx_txn_id or None, answer.code
    if mandate_log.applied_before(attempt.order_no, txn_id, code):
        mandate_log.record("in", kind, fields, "duplicate", now, raw=raw, attempt=attempt)
        return Answer(True, "duplicate", attempt.order_no, attempt.status, code=attempt.debit_auth_code)
    if txn_id and attempt.fpx_txn_id and txn_id != attempt.fpx_txn_id:
        step = states.Step(states.CONFLICT, attempt.status)  # one debit, one FPX transaction
    else:
        step = mandates.debit_step(attempt.status, code, current_code=attempt.debit_auth_code)
    if step.verdict == states.CONFLICT:
        log.error("DS for %s contradicts it (%s, code %s; now %s): kept, needs a look", attempt.order_no,
                  attempt.status, attempt.debit_auth_code, code)
    mandate_log.record("in", kind, fields, step.verdict, now, raw=raw, attempt=attempt,
                       note=f"{attempt.status} -> {step.status} on {code}")
    if step.verdict != states.APPLIED:
        return Answer(True, step.verdict, attempt.order_no, attempt.status, code=attempt.debit_auth_code)
    stamp = naive_utc(now)
    facts = {"debit_auth_code": code, "fpx_txn_id": txn_id, "fpx_txn_time": answer.fpx_txn_time or None,
             "debit_auth_no": (answer.auth_no or "")[:20] or None}
    details = {"fpx_txn_id": txn_id, "code": code}
    if step.status == states.SUCCEEDED:
        status = settlement.settle(attempt, stamp, facts, details=details)
    elif step.status == states.FAILED:
        settlement.release(attempt, stamp, facts, details=details)
        status = states.FAILED
    else:
        PaymentAttempt.update(status=step.status, updated_at=stamp, **facts).where(
            PaymentAttempt.id == attempt.id).execute()
        status = step.status
    return Answer(True, "applied", attempt.order_no, status, code=code)


# --- reconciliation ------------------------------------------------------------------------------------------

def reconcile(gateway: MandateGateway, now: datetime, everything: bool = False, limit: int = 200) -> Summary:
    """One pass: every live debit whose next ask is due (or every live one) is asked about again, claimed with
    a lease first so two servers never ask at once; terminations the bank has not confirmed are sent again;
    enrolments pending authorisation for over five minutes are asked about (AE)."""
    summary, stamp = Summary(), naive_utc(now)
    condition = (PaymentAttempt.channel == DIRECT_DEBIT) & PaymentAttempt.status.in_(states.LIVE)
    if not everything:
        condition &= PaymentAttempt.next_check_at <= stamp
    free = PaymentAttempt.claimed_until.is_null() | (PaymentAttempt.claimed_until < stamp)
    with locked():
        query = PaymentAttempt.select(PaymentAttempt.id).where(condition & free).order_by(
            PaymentAttempt.next_check_at, PaymentAttempt.id).limit(limit)
        if is_postgres():
            query = query.for_update(skip_locked=True)
        taken = [row.id for row in query]
        if taken:
            PaymentAttempt.update(claimed_until=stamp + LEASE).where(PaymentAttempt.id.in_(taken)).execute()
    for attempt in PaymentAttempt.select().where(PaymentAttempt.id.in_(taken or [0])):
        asked = ask(attempt, gateway)
        try:
            with locked():
                summary.add(record(asked, gateway, now))
        except Exception:  # this one is due again once its lease ends
            log.exception("recording the answer to debit %s failed", attempt.order_no)
            summary.add(None)
    for mandate in mandate_service.untold():
        mandate_service.tell_bank(mandate, gateway, now)
    for mandate in mandate_service.pending_authorisations(stamp - timedelta(minutes=5)):
        mandate_service.check(mandate, gateway, now)
    return summary


# --- what the pages show -------------------------------------------------------------------------------------

def of_user(user: User, order_no: str) -> tuple[PaymentAttempt, Mandate]:
    """A direct debit of an employer this user manages, with its mandate; NotFound otherwise."""
    attempt = payments.for_user(user, order_no)
    debit = MandateDebit.get_or_none(MandateDebit.attempt == attempt)
    if attempt.channel != DIRECT_DEBIT or debit is None:
        raise NotFound(N_("No such payment."))
    return attempt, mandate_service.of_employer(attempt.employer, debit.mandate.order_no)
