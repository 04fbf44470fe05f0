"""FPX's answers about mandates (payments.md A.7, B.2 "AC handling"): the ACs of an enrolment's RM 1.00
authorisation (direct, indirect, or the reply to an AE or AX) and the bank's notices (MA approved, MT
terminated by the buyer or the bank).

In order: verify the checksum with FPX's certificate; load the mandate by the enrolment's order number;
compare with what was sent (the AC with the authorisation's AR: model, ids, order numbers, RM 1.00; a notice
with the seller and the mandate id); store the message raw (mandate_log); apply a forward-only transition;
then the caller acknowledges. Anything that cannot be verified or does not match changes nothing and is
answered non-OK (I3); an answer applied before is a duplicate, acknowledged again without doing anything.

An authorisation: 00 -> awaiting bank approval (the mandate id is the authorisation's fpxTxnId); 09/99 -> still
pending authorisation; 76 -> rejected only after NOT_FOUND_GRACE (the buyer never reached the bank); any other
code -> rejected. A notice: MA -> approved (from pending authorisation too: the AC may have been lost); MT ->
terminated by the bank. A mandate that is approved, terminated or expired is never moved back (a contrary
message is kept and logged as a conflict).
"""

import json
import logging
from contextlib import nullcontext
from datetime import date, datetime

from core import fpx, mandates
from core.payment_channels import DIRECT_DEBIT
from core.payment_states import NOT_FOUND_GRACE
from webapp.clock import MALAYSIA
from webapp.db import database, for_update, locked
from webapp.mandate_gateway import MandateGateway
from webapp.mandate_models import Mandate
from webapp.payment_models import PaymentAttempt
from webapp.services import audit, mandate_log
from webapp.services.fpx_answers import Answer, naive_utc

log = logging.getLogger("assist.payments")
NOTICE_STATUS = {"MA": "APPROVED", "MT": "TERMINATED"}


def transaction():
    """The locked transaction of an answer, or the caller's when one is open (a reply applied inside it)."""
    return nullcontext() if database.in_transaction() else locked()


def refuse(kind: str, fields: dict, raw: str, verdict: str, note: str, now: datetime) -> Answer:
    """Keep a message that cannot be used, beside the mandate or debit it names (if any); change nothing."""
    order_no = (fields.get("fpx_sellerExOrderNo") or "")[:20]
    with transaction():  # it reads, then writes: IMMEDIATE on SQLite, or a concurrent writer makes it fail
        mandate = Mandate.get_or_none(Mandate.order_no == order_no)
        attempt = None if mandate else PaymentAttempt.get_or_none(
            (PaymentAttempt.order_no == order_no) & (PaymentAttempt.channel == DIRECT_DEBIT))
        mandate_log.record("in", kind, fields, verdict, now, raw=raw, note=note, mandate=mandate, attempt=attempt,
                           code=fields.get("fpx_msgType") if kind in ("MA", "MT") else None)
    found = mandate or attempt
    return Answer(False, verdict, found.order_no if found else None, found.status if found else None, note)


def verified(read, fields: dict, raw: str, kind: str, now: datetime):
    """(the message read, None) or (None, the refusal's Answer)."""
    try:
        return read(), None
    except fpx.CertificateError as error:
        log.error("e-Mandate %s refused: FPX's certificate cannot be used: %s", kind, error)
        return None, refuse(kind, fields, raw, "certificate", str(error), now)
    except fpx.SignatureError:
        log.warning("e-Mandate %s with a bad checksum for %r", kind, (fields.get("fpx_sellerExOrderNo") or "")[:40])
        return None, refuse(kind, fields, raw, "bad_signature", "checksum does not verify", now)
    except fpx.FpxError as error:
        return None, refuse(kind, fields, raw, "malformed", str(error), now)


# --- the RM 1.00 authorisation -------------------------------------------------------------------------------

def apply_authorisation(fields: dict, raw: str, kind: str, gateway: MandateGateway, now: datetime) -> Answer:
    """An AC about an enrolment (kind AC-direct, AC-indirect or AE-reply), verified and applied."""
    auth, refused = verified(lambda: fpx.read_ac(fields, gateway.certificate(), now), fields, raw, kind, now)
    if refused:
        return refused
    with transaction():
        mandate = for_update(Mandate.select().where(Mandate.order_no == auth.seller_ex_order_no[:20])).first()
        if mandate is None or mandate.order_no != auth.seller_ex_order_no:
            mandate_log.record("in", kind, fields, "unknown_order", now, raw=raw, note="no such enrolment")
            return Answer(False, "unknown_order", note="no such enrolment")
        wrong = fpx.mismatches(auth, mandates.authorisation_ar(json.loads(mandate.ad_fields)))
        if wrong:
            log.warning("e-Mandate %s for %s differs from the enrolment in %s: refused", kind, mandate.order_no, wrong)
            mandate_log.record("in", kind, fields, "mismatch", now, raw=raw, mandate=mandate,
                               note="differs from the enrolment: " + ", ".join(wrong))
            return Answer(False, "mismatch", mandate.order_no, mandate.status, ", ".join(wrong))
        return _authorised(mandate, auth, fields, raw, kind, now)


def _authorised(mandate: Mandate, auth: fpx.Authorisation, fields, raw, kind, now: datetime) -> Answer:
    txn_id, code, status = auth.fpx_txn_id or None, auth.debit_auth_code, mandate.status
    if txn_id and mandate_log.applied_before(mandate.order_no, txn_id, code):
        mandate_log.record("in", kind, fields, "duplicate", now, raw=raw, mandate=mandate)
        return Answer(True, "duplicate", mandate.order_no, status, code=mandate.auth_code)
    outcome = fpx.outcome(code)
    after, verdict = status, "applied"
    if txn_id and mandate.mandate_id and txn_id != mandate.mandate_id:
        verdict = "conflict"  # one enrolment, one authorisation
    elif status == mandates.PENDING_AUTHORISATION:
        old_enough = naive_utc(now) - mandate.created_at >= NOT_FOUND_GRACE
        if outcome == fpx.SUCCESS:
            after = mandates.AWAITING_APPROVAL
        elif outcome == fpx.FAILED or (outcome == fpx.NOT_FOUND and old_enough):
            after = mandates.REJECTED
        elif outcome == fpx.NOT_FOUND:
            verdict = "no_change"
    elif outcome == fpx.SUCCESS and status == mandates.REJECTED:
        verdict = "conflict"  # authorised after it was given up: a person looks (another may be live now)
    else:  # the authorisation is history: a pending or the same answer again changes nothing
        verdict = "no_change" if outcome in (fpx.PENDING, fpx.NOT_FOUND) or code == mandate.auth_code else "conflict"
    if verdict == "conflict":
        log.error("e-Mandate %s for %s contradicts it (%s, code %s; now %s from %s): kept", kind, mandate.order_no,
                  status, mandate.auth_code, code, txn_id)
    mandate_log.record("in", kind, fields, verdict, now, raw=raw, mandate=mandate,
                       note=f"{status} -> {after} on {code}")
    if verdict != "applied":
        return Answer(True, verdict, mandate.order_no, status, code=mandate.auth_code)
    changes = {"auth_code": code, "updated_at": naive_utc(now)}
    if txn_id and outcome != fpx.NOT_FOUND:
        changes["mandate_id"] = txn_id
    Mandate.update(status=after, **changes).where(Mandate.id == mandate.id).execute()
    if after != status:
        action = "mandate.authorised" if after == mandates.AWAITING_APPROVAL else "mandate.rejected"
        audit.record(None, action, employer=mandate.employer_id, subject=mandate.order_no,
                     details={"scheme": mandate.scheme, "code": code, "mandate_id": txn_id})
    return Answer(True, "applied", mandate.order_no, after, code=code)


def apply_reply(text: str, kind: str, gateway: MandateGateway, now: datetime) -> Answer:
    """FPX's reply to an AE or AX about an enrolment (URL-encoded AC fields, or ERROR)."""
    try:
        fields = fpx.parse_reply(text)
    except fpx.GatewayError as error:
        mandate_log.record("in", kind, {}, "error", now, raw=text[:2000], note=str(error))
        return Answer(False, "error", note=str(error))
    return apply_authorisation(fields, text, kind, gateway, now)


# --- the bank's notices --------------------------------------------------------------------------------------

def apply_notice(fields: dict, raw: str, gateway: MandateGateway, now: datetime) -> Answer:
    """An MA (approved) or MT (terminated) notice POSTed to the direct URL, verified and applied."""
    kind = fields.get("fpx_msgType") if fields.get("fpx_msgType") in NOTICE_STATUS else "MA"
    notice, refused = verified(lambda: mandates.read_notice(fields, gateway.certificate(), now), fields, raw, kind,
                              now)
    if refused:
        return refused
    with transaction():
        mandate = for_update(Mandate.select().where(Mandate.order_no == notice.order_no[:20])).first()
        if mandate is None or mandate.order_no != notice.order_no:
            mandate_log.record("in", kind, fields, "unknown_order", now, raw=raw, code=kind, note="no such mandate")
            return Answer(False, "unknown_order", note="no such mandate")
        wrong = [name for name, ok in (
            ("fpx_sellerId", notice.seller_id == gateway.seller.seller_id),
            ("fpx_sellerExId", notice.seller_ex_id == gateway.seller.exchange_id),
            ("fpx_mandateId", mandate.mandate_id in (None, notice.mandate_id)),
            ("fpx_mandateStatus", notice.status == NOTICE_STATUS[kind])) if not ok]
        if wrong:
            mandate_log.record("in", kind, fields, "mismatch", now, raw=raw, mandate=mandate, code=kind,
                               note="differs from the mandate: " + ", ".join(wrong))
            return Answer(False, "mismatch", mandate.order_no, mandate.status, ", ".join(wrong))
        return _noticed(mandate, notice, fields, raw, kind, now)


def _noticed(mandate: Mandate, notice: mandates.Notice, fields, raw, kind, now: datetime) -> Answer:
    status = mandate.status
    if mandate_log.applied_before(mandate.order_no, notice.mandate_id, kind):
        mandate_log.record("in", kind, fields, "duplicate", now, raw=raw, mandate=mandate, code=kind)
        return Answer(True, "duplicate", mandate.order_no, status)
    stamp = naive_utc(now)
    if kind == "MA":
        waiting = status in (mandates.PENDING_AUTHORISATION, mandates.AWAITING_APPROVAL)
        verdict = "applied" if waiting else ("no_change" if status == mandates.APPROVED else "conflict")
        after = mandates.APPROVED if waiting else status
        changes = {"approved_on": _day(notice.status_date) or (stamp + MALAYSIA).date()}
    else:
        verdict = "no_change" if status == mandates.TERMINATED else "applied"
        after = mandates.TERMINATED
        changes = {"terminated_at": stamp, "terminated_by": "bank"}
    if verdict == "conflict":
        log.error("e-Mandate %s notice for %s, which is %s: kept, needs a look", kind, mandate.order_no, status)
    mandate_log.record("in", kind, fields, verdict, now, raw=raw, mandate=mandate, code=kind,
                       note=f"{status} -> {after}")
    if verdict != "applied":
        return Answer(True, verdict, mandate.order_no, status)
    Mandate.update(status=after, mandate_id=notice.mandate_id, updated_at=stamp, **changes).where(
        Mandate.id == mandate.id).execute()
    audit.record(None, "mandate.approved" if kind == "MA" else "mandate.terminated", employer=mandate.employer_id,
                 subject=mandate.order_no, details={"scheme": mandate.scheme, "by": "bank" if kind == "MT" else "",
                                                    "mandate_id": notice.mandate_id})
    return Answer(True, "applied", mandate.order_no, after)


def _day(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%Y%m%d").date() if len(text or "") == 8 and text.isdigit() else None
    except ValueError:
        return None

