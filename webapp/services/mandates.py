"""Direct debit mandates (QRG 7): ENROLL NEW, the Mandate List, CHECK STATUS and CANCEL of an enrolment still
at the bank, and TERMINATE.

ENROLL NEW commits the mandate (pending authorisation) with its signed AD before the browser is sent to the
exchange, so every answer has something to land on (mandate_answers). A scheme has at most one live mandate
(pending authorisation, awaiting bank approval or approved) per employer: checked inside the lock, and a
partial unique index is the last word. An approved mandate past its expiry date is marked expired when a new
one is enrolled. An enrolment still pending is asked about first (AE, as payments.md I6 does for payments).

TERMINATE (the employer) ends the mandate in the portal at once, so no debit is sent on it again; the bank is
then told (TR), and told again by the reconciliation pass until it confirms.
"""

import json
import logging
from datetime import datetime

from core import fpx, mandates
from core.errors import N_, Conflict, NotAllowed, NotFound
from core.periods import next_business_day
from webapp.clock import MALAYSIA
from webapp.db import for_update, locked
from webapp.mandate_gateway import GatewayUnavailable, MandateGateway
from webapp.mandate_models import Mandate
from webapp.models import Employer, User
from webapp.services import audit, counters, mandate_answers, mandate_log, payments
from webapp.services.fpx_answers import naive_utc

log = logging.getLogger("assist.payments")
LIVE_ONE = {
    mandates.PENDING_AUTHORISATION: N_("A %(scheme)s mandate enrolled on %(date)s is waiting for your bank's "
                                       "authorisation. Complete it at your bank, or CANCEL it in the Mandate List."),
    mandates.AWAITING_APPROVAL: N_("A %(scheme)s mandate is already enrolled and awaiting bank approval. A mandate "
                                   "is enrolled once only."),
    mandates.APPROVED: N_("A %(scheme)s mandate is already enrolled and approved. A mandate is enrolled once only: "
                          "terminate it first to enrol a new one."),
}


def today_in_malaysia(now: datetime):
    return (naive_utc(now) + MALAYSIA).date()


def listing(employer: Employer, scheme: str, limit: int = 20) -> list[Mandate]:
    """The Mandate List of a scheme, newest first; each with `shown` (its state today, expired included) and
    `approval_due` (the business day the bank's approval is expected, while it is awaited)."""
    found = list(Mandate.select().where((Mandate.employer == employer) & (Mandate.scheme == scheme))
                 .order_by(Mandate.created_at.desc(), Mandate.id.desc()).limit(limit))
    return [_describe(mandate) for mandate in found]


def _describe(mandate: Mandate, now: datetime | None = None) -> Mandate:
    today = today_in_malaysia(now or datetime.now().astimezone())
    mandate.shown = mandates.shown_status(mandate.status, mandate.expiry_on, today)
    mandate.approval_due = (next_business_day((mandate.updated_at + MALAYSIA).date())
                            if mandate.status == mandates.AWAITING_APPROVAL else None)
    mandate.bank_name = fpx.bank_name(mandate.msg_token, mandate.bank_id)
    return mandate


def of_employer(employer: Employer, order_no: str) -> Mandate:
    """One of this employer's mandates by its order number; NotFound for anyone else's."""
    mandate = Mandate.get_or_none((Mandate.employer == employer) & (Mandate.order_no == (order_no or "")[:20]))
    if mandate is None:
        raise NotFound(N_("No such mandate."))
    return _describe(mandate)


def enrol(user: User, employer: Employer, gateway: MandateGateway, *, scheme: str, token: str, bank_id: str,
          limit_sen: int, max_frequency: int, phone: str, email: str, now: datetime) -> Mandate:
    """PROCEED on ENROLL NEW: the mandate committed with its signed AD (for the browser to POST to FPX).
    Refuses terms outside the limits, a bank not online in the model's list, and a second live mandate."""
    if scheme not in mandates.SCHEMES:
        raise NotFound(N_("No such scheme."))
    mandates.check_terms(token, limit_sen, max_frequency)
    payments.choose_bank(gateway.fpx, token, bank_id, now)
    for waiting in Mandate.select().where((Mandate.employer == employer) & (Mandate.scheme == scheme)
                                          & (Mandate.status == mandates.PENDING_AUTHORISATION)):
        check(waiting, gateway, now)  # ask FPX about an enrolment still at the bank first
    today = today_in_malaysia(now)
    with locked():
        live = list(for_update(Mandate.select().where((Mandate.employer == employer) & (Mandate.scheme == scheme)
                                                      & Mandate.status.in_(mandates.LIVE))))
        for old in live:
            if mandates.shown_status(old.status, old.expiry_on, today) == mandates.EXPIRED:
                Mandate.update(status=mandates.EXPIRED, updated_at=naive_utc(now)).where(Mandate.id == old.id).execute()
            else:
                raise Conflict(LIVE_ONE[old.status], scheme=mandates.SCHEME_NAMES[scheme],
                               date=(old.created_at + MALAYSIA).strftime("%d/%m/%Y"))
        order_no = mandates.enrolment_number(counters.next_value("mandate-order"))
        expiry = mandates.expiry_of(today)
        ad = gateway.sign(mandates.enrolment(
            gateway.seller, order_no=order_no, txn_time=now, token=token, bank_id=bank_id, email=email,
            buyer_id=employer.registration_number, buyer_name=employer.name[:100], limit_sen=limit_sen,
            max_frequency=max_frequency, effective=today, expiry=expiry))
        stamp = naive_utc(now)
        mandate = Mandate.create(order_no=order_no, employer=employer, user=user, scheme=scheme, msg_token=token,
                                 bank_id=bank_id, limit_sen=limit_sen, max_frequency=max_frequency, phone=phone,
                                 email=email, effective_on=today, expiry_on=expiry, ad_fields=json.dumps(ad),
                                 created_at=stamp, updated_at=stamp)
        mandate_log.record("out", "AD", ad, "sent", now, mandate=mandate)
        audit.record(user, "mandate.enrolled", employer=employer, subject=order_no,
                     details={"scheme": scheme, "model": fpx.MODEL_NAMES[token], "bank": bank_id,
                              "limit": limit_sen, "max_frequency": max_frequency})
    return mandate


def ad_to_send(mandate: Mandate) -> dict | None:
    """The signed AD for the browser to POST, while the enrolment has no answer yet (else None)."""
    current = Mandate.get_by_id(mandate.id)
    waiting = current.status == mandates.PENDING_AUTHORISATION and current.auth_code is None
    return json.loads(current.ad_fields) if waiting else None


def _authorisation(mandate: Mandate) -> dict:
    return mandates.authorisation_ar(json.loads(mandate.ad_fields))


def check(mandate: Mandate, gateway: MandateGateway, now: datetime) -> str:
    """CHECK STATUS: an AE about an enrolment still pending authorisation; returns its status afterwards."""
    if mandate.status != mandates.PENDING_AUTHORISATION:
        return mandate.status
    try:
        ae, text = gateway.enquire(_authorisation(mandate))
    except fpx.FpxError as error:
        log.warning("AE for enrolment %s failed: %s", mandate.order_no, error)
        return mandate.status
    with locked():
        mandate_log.record("out", "AE", ae, "sent", now, mandate=mandate)
        answer = mandate_answers.apply_reply(text, "AE-reply", gateway, now)
    return answer.status if answer.order_no == mandate.order_no else mandate.status


def cancel(user: User, employer: Employer, order_no: str, gateway: MandateGateway, now: datetime) -> str:
    """CANCEL an enrolment still at the bank: FPX is asked to cancel its RM 1.00 authorisation (AX); its
    answer (2X, or what the bank had answered meanwhile) is applied like any AC. Returns the status after."""
    mandate = of_employer(employer, order_no)
    if mandate.status != mandates.PENDING_AUTHORISATION:
        raise NotAllowed(N_("Only an enrolment waiting for the bank's authorisation can be cancelled."))
    try:
        ax, text = gateway.cancel(_authorisation(mandate))
    except fpx.FpxError as error:
        log.warning("AX for enrolment %s failed: %s", mandate.order_no, error)
        raise Conflict(N_("FPX could not be reached. Try again in a few minutes.")) from None
    with locked():
        mandate_log.record("out", "AE", ax, "sent", now, mandate=mandate, note="AX (cancellation)")
        answer = mandate_answers.apply_reply(text, "AE-reply", gateway, now)
        if answer.status == mandates.REJECTED:
            audit.record(user, "mandate.cancelled", employer=employer, subject=mandate.order_no,
                         details={"scheme": mandate.scheme, "code": answer.code})
    return answer.status or mandate.status


def terminate(user: User, employer: Employer, order_no: str, gateway: MandateGateway | None, now: datetime) -> Mandate:
    """TERMINATE (confirmed): the mandate ends now in the portal (no debit is sent on it again), then the bank
    is told. Only an approved mandate (or one awaiting approval) can be terminated."""
    stamp = naive_utc(now)
    with locked():
        mandate = for_update(Mandate.select().where((Mandate.employer == employer)
                                                    & (Mandate.order_no == (order_no or "")[:20]))).first()
        if mandate is None:
            raise NotFound(N_("No such mandate."))
        if mandate.status not in (mandates.APPROVED, mandates.AWAITING_APPROVAL):
            raise NotAllowed(N_("Only an approved mandate, or one awaiting bank approval, can be terminated."))
        Mandate.update(status=mandates.TERMINATED, terminated_at=stamp, terminated_by="employer",
                       updated_at=stamp).where(Mandate.id == mandate.id).execute()
        audit.record(user, "mandate.terminated", employer=employer, subject=mandate.order_no,
                     details={"scheme": mandate.scheme, "by": "employer", "mandate_id": mandate.mandate_id})
    if gateway is not None:
        tell_bank(Mandate.get_by_id(mandate.id), gateway, now)
    return _describe(Mandate.get_by_id(mandate.id), now)


def tell_bank(mandate: Mandate, gateway: MandateGateway, now: datetime) -> bool:
    """Send the TR of a mandate the employer terminated; True once FPX confirms it (TS 00, or 76: the bank
    has no such mandate). Failures are logged and left for the next reconciliation pass."""
    if mandate.mandate_id is None or mandate.bank_told_at is not None:
        return mandate.bank_told_at is not None
    tr = gateway.sign(mandates.termination(gateway.seller, enrolment_order_no=mandate.order_no, txn_time=now,
                                           mandate_id=mandate.mandate_id))
    text = ""
    try:
        text = gateway.terminate(tr)
        code = mandates.read_termination_answer(text, gateway.certificate(), now)
    except GatewayUnavailable as error:
        code, verdict, note = None, "error", str(error)
    except fpx.FpxError as error:
        code, verdict, note = None, "bad_signature" if isinstance(error, fpx.SignatureError) else "error", str(error)
    else:
        verdict, note = ("applied", "") if code in ("00", "76") else ("conflict", f"TS {code}")
    with locked():
        mandate_log.record("out", "TR", tr, "sent", now, mandate=mandate)
        mandate_log.record("in", "TS", {}, verdict, now, raw=text or "", note=note, mandate=mandate, code=code)
        if verdict == "applied":
            Mandate.update(bank_told_at=naive_utc(now)).where(Mandate.id == mandate.id).execute()
    if verdict != "applied":
        log.warning("the bank was not told that mandate %s ended: %s", mandate.order_no, note)
    return verdict == "applied"


def untold() -> list[Mandate]:
    """Mandates the employer terminated that the bank has not confirmed yet (the reconciliation pass)."""
    return list(Mandate.select().where((Mandate.terminated_by == "employer") & Mandate.bank_told_at.is_null()
                                       & Mandate.mandate_id.is_null(False)).limit(100))


def pending_authorisations(older_than: datetime, limit: int = 100) -> list[Mandate]:
    """Enrolments still pending authorisation since before `older_than` (naive UTC): asked about by the pass."""
    return list(Mandate.select().where((Mandate.status == mandates.PENDING_AUTHORISATION)
                                       & (Mandate.updated_at < older_than)).limit(limit))


def choices(employer: Employer, scheme: str) -> list[Mandate]:
    """The Mandate List on the payment page: the scheme's mandates that are or were in force (newest first)."""
    return [m for m in listing(employer, scheme) if m.status not in (mandates.REJECTED,)]
