"""Officers verify or reject EFT payments (QRG 6, payments.md B.2; ASVS 4.3.3 / 5.0 2.3.5 maker-checker).

The officer checks the bank statement and keys in the amount and the reference it shows. VERIFY settles the
payment (webapp.services.settlement: items paid, receipt, FCLB notices for late ACR/ECRs, the receipt and the
notices emailed); REJECT, with the reason the employer is emailed, fails it and frees its items. Nothing is
deleted, and every decision is in the audit trail with who and when.

Segregation of duties: whoever submitted a payment (or belongs to the employer's team) never decides on it.
Above the threshold (config EFT_SECOND_OFFICER_ABOVE, ringgit) two officers are needed: the first VERIFY is
recorded as the first approval, a second, different officer's VERIFY completes it. Each decision is one locked
transaction that reads the payment's state again: of two officers pressing at once, one wins and the other is
told what happened (Conflict).
"""

from datetime import datetime, time

from core.errors import N_, Conflict, NotAllowed, NotFound, ValidationError
from core.money import format_rm, from_sen, parse_ringgit, sen
from webapp.clock import MALAYSIA
from webapp.db import for_update, locked
from webapp.eft_models import OPEN_STATUSES, EftPayment, EftRegistration
from webapp.models import Employer, EmployerAccess, StoredFile, User
from webapp.payment_models import PaymentAttempt
from webapp.services import audit, emails, outbox, settlement
from webapp.services.eft import normalize_reference, scheme_name

ALREADY = {"verified": N_("This EFT payment was verified already by %(officer)s. Nothing was changed."),
           "rejected": N_("This EFT payment was rejected already by %(officer)s. Nothing was changed.")}


def threshold(settings) -> int:
    """EFT_SECOND_OFFICER_ABOVE in sen; a setting that is not an amount stops the portal at start."""
    try:
        return sen(parse_ringgit(str(settings.get("EFT_SECOND_OFFICER_ABOVE", "10000.00"))))
    except ValidationError:
        raise RuntimeError("EFT_SECOND_OFFICER_ABOVE must be an amount in ringgit, for example 10000.00") from None


def needs_two(payment: EftPayment, limit: int) -> bool:
    """Whether this payment needs a second officer (its amount is above the threshold)."""
    return payment.attempt.amount > limit


def queue() -> list[EftPayment]:
    """EFT to verify: payments waiting for an officer (or for the second one), oldest first."""
    return list(EftPayment.select(EftPayment, PaymentAttempt, Employer).join(PaymentAttempt).join(Employer)
                .where(EftPayment.status.in_(OPEN_STATUSES)).order_by(EftPayment.submitted_at, EftPayment.id))


def waiting() -> int:
    return EftPayment.select().where(EftPayment.status.in_(OPEN_STATUSES)).count()


def of_attempt(attempt: PaymentAttempt) -> EftPayment | None:
    return (EftPayment.select(EftPayment, EftRegistration).join(EftRegistration)
            .where(EftPayment.attempt == attempt).first())


def slip_of(order_no: str, file_id: int) -> StoredFile:
    """The slip of an EFT payment (officers); NotFound unless `file_id` is that payment's slip."""
    found = (StoredFile.select().join(EftPayment, on=(EftPayment.slip == StoredFile.id)).join(PaymentAttempt)
             .where((PaymentAttempt.order_no == (order_no or "")[:20]) & (StoredFile.id == file_id)).first())
    if found is None:
        raise NotFound(N_("No such payment."))
    return found


def verify(order_no: str, officer: User, *, statement_amount: int, statement_reference: str, limit: int,
           now: datetime) -> str:
    """VERIFY: "checked" (the first of two approvals recorded), "verified" (settled, receipt emailed) or
    "needs_review" (verified, but its items were paid or cancelled meanwhile: a refund for the officers)."""
    stamp = now.replace(tzinfo=None)
    with locked():
        payment, attempt = _open_for_decision(order_no, officer)
        if payment.status == "checked" and payment.first_officer_id == officer.id:
            raise NotAllowed(N_("You gave this payment its first approval: a second, different officer verifies "
                                "it."))
        if statement_amount != attempt.amount:
            raise ValidationError(N_("The bank statement shows %(statement)s but the payment is %(amount)s. Verify "
                                     "only an exact match; otherwise REJECT it with the reason."),
                                  field="statement_amount", statement=format_rm(from_sen(statement_amount)),
                                  amount=format_rm(from_sen(attempt.amount)))
        reference = _statement_reference(statement_reference, attempt.reference)
        facts = {"statement_amount": statement_amount, "statement_reference": reference}
        if attempt.amount > limit and payment.status == "submitted":
            _move(payment, "checked", first_officer=officer.id, first_approved_at=stamp, **facts)
            audit.record(officer, "eft.approved", employer=attempt.employer_id, subject=attempt.order_no,
                         details={**_audit_facts(attempt, facts), "next": "a second officer verifies"})
            return "checked"
        _move(payment, "verified", decided_by=officer.id, decided_at=stamp, **facts)
        # Paid on the transfer's Payment Date (noon in Malaysia; the slip gives the day only): late interest
        # runs to the day the money moved, not to the day an officer got to it.
        paid_at = min(stamp, datetime.combine(payment.payment_date, time(12)) - MALAYSIA)
        result = settlement.settle(attempt, stamp, actor=officer, details={"verified_by": officer.email},
                                   paid_at=paid_at)
        audit.record(officer, "eft.verified", employer=attempt.employer_id, subject=attempt.order_no,
                     details={**_audit_facts(attempt, facts), "result": result,
                              "first_approval": payment.first_officer.email if payment.first_officer_id else ""})
        return result


def reject(order_no: str, officer: User, *, reason: str, statement_amount: int | None = None,
           statement_reference: str = "", now: datetime) -> None:
    """REJECT with the reason: the payment fails, its items are free to be paid again, the employer is
    emailed the reason. The row, its slip and the reason stay."""
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise ValidationError(N_("Give the reason the employer will read (what the bank statement shows)."),
                              field="reason")
    stamp = now.replace(tzinfo=None)
    with locked():
        payment, attempt = _open_for_decision(order_no, officer)
        reference = " ".join((statement_reference or "").upper().split())[:60] or None
        facts = {"statement_amount": statement_amount, "statement_reference": reference}
        _move(payment, "rejected", decided_by=officer.id, decided_at=stamp, reason=reason[:500], **facts)
        settlement.release(attempt, stamp, actor=officer, details={"reason": reason[:500]})
        audit.record(officer, "eft.rejected", employer=attempt.employer_id, subject=attempt.order_no,
                     details={**_audit_facts(attempt, facts), "reason": reason[:500]})
        subject, body = rejection_email(attempt, payment, reason[:500])
        outbox.enqueue(attempt.email, subject, body)


def rejection_email(attempt: PaymentAttempt, payment: EftPayment, reason: str) -> tuple[str, str]:
    """The employer's email when an EFT payment is rejected (Malay, then English)."""
    scheme = scheme_name(payment.registration.scheme)
    amount = format_rm(from_sen(attempt.amount))
    subject = f"Bayaran EFT ditolak / EFT payment rejected ({attempt.order_no})"
    body = (
        "Salam Sejahtera,\n\n"
        f"Bayaran EFT {scheme} anda {attempt.order_no} (No. Rujukan {attempt.reference}, {amount}) tidak dapat "
        f"disahkan.\nSebab: {reason}\nACR/ECR dalam bayaran ini belum dibayar dan boleh dibayar semula di ASSIST, "
        "PAYMENT.\n\n"
        f"Your {scheme} EFT payment {attempt.order_no} (Reference No. {attempt.reference}, {amount}) could not be "
        f"verified.\nReason: {reason}\nThe ACR/ECRs in it are unpaid and can be paid again in ASSIST, PAYMENT."
    )
    return subject, body + emails.SIGNATURE


def _open_for_decision(order_no: str, officer: User) -> tuple[EftPayment, PaymentAttempt]:
    """The payment and its attempt, locked and read again, if this officer may decide on it now."""
    attempt = for_update(PaymentAttempt.select().where(PaymentAttempt.order_no == (order_no or "")[:20])).first()
    payment = for_update(EftPayment.select().where(EftPayment.attempt == attempt)).first() if attempt else None
    if payment is None:
        raise NotFound(N_("No such payment."))
    if payment.status in ALREADY:
        raise Conflict(ALREADY[payment.status], officer=payment.decided_by.name if payment.decided_by_id else "-")
    if attempt.status != "pending":
        raise Conflict(N_("This payment is no longer waiting for verification. Nothing was changed."))
    if officer.role != "officer":
        raise NotAllowed(N_("Only a PERKESO officer decides on EFT payments."))
    if payment.submitted_by_id == officer.id or EmployerAccess.select().where(
            (EmployerAccess.user == officer) & (EmployerAccess.employer == attempt.employer_id)).exists():
        raise NotAllowed(N_("You submitted this payment (or are in this employer's team): another officer decides "
                            "on it."))
    return payment, attempt


def _statement_reference(text: str, expected: str | None) -> str:
    try:
        reference = normalize_reference(text)
    except ValidationError as exc:
        exc.field = "statement_reference"
        raise
    if _compact(reference) != _compact(expected or ""):
        raise ValidationError(N_("The reference on the bank statement is not the Payment Reference No. %(reference)s. "
                                 "Verify only an exact match; otherwise REJECT it with the reason."),
                              field="statement_reference", reference=expected or "-")
    return reference


def _compact(reference: str) -> str:
    return "".join(ch for ch in reference.upper() if ch.isascii() and ch.isalnum())


def _move(payment: EftPayment, status: str, **values) -> None:
    """The conditional update: from the status read under the lock, or nothing (someone else moved it)."""
    changed = (EftPayment.update(status=status, **values)
               .where((EftPayment.id == payment.id) & (EftPayment.status == payment.status)).execute())
    if changed != 1:
        raise Conflict(N_("This payment was decided by another officer meanwhile. Nothing was changed."))


def _audit_facts(attempt: PaymentAttempt, facts: dict) -> dict:
    statement = facts.get("statement_amount")
    return {"channel": attempt.channel, "amount": format_rm(from_sen(attempt.amount)),
            "reference": attempt.reference, "statement_reference": facts.get("statement_reference") or "",
            "statement_amount": format_rm(from_sen(statement)) if statement is not None else ""}
