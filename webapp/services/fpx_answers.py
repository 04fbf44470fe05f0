"""FPX's answers (payments.md B.2 "AC handling"): ONE function for the direct AC, the indirect AC and the reply
to an AE. In order: verify the checksum with FPX's certificate; load the attempt by sellerExOrderNo; compare
model, exchange, seller, order numbers, currency and amount with the AR that was sent; store the message raw;
apply a monotonic transition (core.payment_states); on `00` settle the payment (items paid, receipt, FCLB
notices, email) in the same transaction; then the caller acknowledges.

An answer that cannot be verified, or that does not match its AR, or that names no attempt, changes nothing:
it is stored raw with the reason (I3) and answered with a non-OK response. The dedupe key is (fpxTxnId,
debitAuthCode): a message already applied is a duplicate and is acknowledged again without doing anything.
"""

import json
import logging
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from core import fpx
from core import payment_states as states
from webapp.db import database, for_update, locked
from webapp.payment_models import GatewayMessage, PaymentAttempt
from webapp.services import settlement

log = logging.getLogger("assist.payments")
KINDS = ("AC-direct", "AC-indirect", "AE-reply")


@dataclass(frozen=True)
class Answer:
    acknowledged: bool  # True: answer `OK` (the message was taken into account, now or before)
    verdict: str  # what was recorded for the message (payment_models.VERDICTS)
    order_no: str | None = None  # the attempt's sellerExOrderNo when the message named a known one
    status: str | None = None  # the attempt's status afterwards
    note: str = ""  # why, when the message was not used
    code: str | None = None  # the attempt's debitAuthCode afterwards


def naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def apply_form(fields: dict, kind: str, certificate: bytes, now: datetime) -> Answer:
    """A direct or indirect AC as the form fields FPX POSTed."""
    return _apply(dict(fields), urlencode(fields), kind, certificate, now)


def apply_reply(text: str, certificate: bytes, now: datetime) -> Answer:
    """The reply to an AE as the text FPX answered (URL-encoded AC fields, or `ERROR`)."""
    try:
        fields = fpx.parse_reply(text)
    except fpx.GatewayError as error:
        _record("AE-reply", {}, text, "error", str(error), now)
        return Answer(False, "error", note=str(error))
    return _apply(fields, text, "AE-reply", certificate, now)


def _apply(fields: dict, raw: str, kind: str, certificate: bytes, now: datetime) -> Answer:
    if kind not in KINDS:
        raise ValueError(kind)
    try:
        auth = fpx.read_ac(fields, certificate, now)
    except fpx.CertificateError as error:
        log.error("FPX %s refused: FPX's certificate cannot be used: %s", kind, error)
        return _refused(kind, fields, raw, "certificate", str(error), now)
    except fpx.SignatureError:
        log.warning("FPX %s with a bad checksum for order %r", kind, fields.get("fpx_sellerExOrderNo", "")[:40])
        return _refused(kind, fields, raw, "bad_signature", "checksum does not verify", now)
    except fpx.FpxError as error:
        return _refused(kind, fields, raw, "malformed", str(error), now)
    with _transaction():
        attempt = for_update(PaymentAttempt.select().where(
            PaymentAttempt.order_no == auth.seller_ex_order_no[:20])).first()
        if attempt is None or attempt.order_no != auth.seller_ex_order_no:
            _record(kind, fields, raw, "unknown_order", "no attempt with this sellerExOrderNo", now)
            return Answer(False, "unknown_order", note="no attempt with this sellerExOrderNo")
        wrong = fpx.mismatches(auth, json.loads(attempt.ar_fields))
        if wrong:
            log.warning("FPX %s for %s differs from the AR in %s: refused", kind, attempt.order_no, wrong)
            _record(kind, fields, raw, "mismatch", "differs from the AR: " + ", ".join(wrong), now, attempt)
            return Answer(False, "mismatch", attempt.order_no, attempt.status, note=", ".join(wrong))
        return _take(attempt, auth, fields, raw, kind, now)


def _transaction():
    """The locked transaction of an answer, or the caller's (reconciliation applies a reply inside its own)."""
    return nullcontext() if database.in_transaction() else locked()


def _take(attempt: PaymentAttempt, auth: fpx.Authorisation, fields: dict, raw: str, kind: str,
          now: datetime) -> Answer:
    """Inside the lock: dedupe, decide, record, change."""
    txn_id, code = auth.fpx_txn_id or None, auth.debit_auth_code
    if _applied_before(attempt, txn_id, code):
        _record(kind, fields, raw, "duplicate", "", now, attempt)
        return Answer(True, "duplicate", attempt.order_no, attempt.status, code=attempt.debit_auth_code)
    if txn_id and attempt.fpx_txn_id and txn_id != attempt.fpx_txn_id:
        step = states.Step(states.CONFLICT, attempt.status)  # one attempt, one FPX transaction
    else:
        step = states.step(attempt.status, code, current_code=attempt.debit_auth_code,
                           age=naive_utc(now) - attempt.created_at)
    note = f"{attempt.status} -> {step.status} on {code}"
    if step.verdict == states.CONFLICT:
        log.error("FPX %s for %s contradicts its state (%s, code %s; now %s from %s): kept, needs a look",
                  kind, attempt.order_no, attempt.status, attempt.debit_auth_code, code, txn_id)
    _record(kind, fields, raw, step.verdict, note, now, attempt)
    if step.verdict != states.APPLIED:
        return Answer(True, step.verdict, attempt.order_no, attempt.status, code=attempt.debit_auth_code)
    status = _change(attempt, auth, step.status, now)
    return Answer(True, "applied", attempt.order_no, status, code=auth.debit_auth_code)


def _applied_before(attempt: PaymentAttempt, txn_id: str | None, code: str) -> bool:
    """Was (fpxTxnId, debitAuthCode) applied already? An applied answer with a transaction id always sets the
    attempt's fpx_txn_id and code, so the attempt's row answers the common cases without a query."""
    if not txn_id or attempt.fpx_txn_id is None:
        return False
    if (attempt.fpx_txn_id, attempt.debit_auth_code) == (txn_id, code):
        return True
    return GatewayMessage.select().where(
        (GatewayMessage.fpx_txn_id == txn_id) & (GatewayMessage.debit_auth_code == code)
        & (GatewayMessage.verdict == "applied")).exists()


def _change(attempt: PaymentAttempt, auth: fpx.Authorisation, status: str, now: datetime) -> str:
    stamp = naive_utc(now)
    facts = {"debit_auth_code": auth.debit_auth_code, "updated_at": stamp}
    if auth.fpx_txn_id:
        facts.update(fpx_txn_id=auth.fpx_txn_id, fpx_txn_time=auth.fpx_txn_time or None)
    if status == states.SUCCEEDED:
        return settlement.succeed(attempt, auth, now, facts)
    if status == states.FAILED:
        settlement.release(attempt, stamp, {k: v for k, v in facts.items() if k != "updated_at"},
                           details={"code": auth.debit_auth_code, "fpx_txn_id": auth.fpx_txn_id})
        return status
    facts["status"] = status
    PaymentAttempt.update(**facts).where(PaymentAttempt.id == attempt.id).execute()
    return status


def _refused(kind, fields, raw, verdict, note, now) -> Answer:
    order_no = (fields.get("fpx_sellerExOrderNo") or "")[:20]
    with _transaction():  # reads, then writes: a deferred SQLite transaction fails at once beside another writer
        attempt = PaymentAttempt.get_or_none(PaymentAttempt.order_no == order_no) if order_no else None
        _record(kind, fields, raw, verdict, note, now, attempt)
    return Answer(False, verdict, attempt.order_no if attempt else None, attempt.status if attempt else None,
                  note=note)


def _record(kind, fields, raw, verdict, note, now, attempt=None) -> GatewayMessage:
    """Append the message as it came, with what was made of it (the table refuses updates and deletes)."""
    def cut(name, size):
        value = fields.get(name) or None
        return value[:size] if isinstance(value, str) and value else None

    return GatewayMessage.create(direction="in", kind=kind, attempt=attempt, order_no=cut("fpx_sellerExOrderNo", 60),
                                 fpx_txn_id=cut("fpx_fpxTxnId", 30), debit_auth_code=cut("fpx_debitAuthCode", 10),
                                 verdict=verdict, note=(note or "")[:300], raw=raw, received_at=naive_utc(now))
