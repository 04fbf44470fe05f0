"""The ACR/ECRs an employer has been issued: cancelling unpaid ones (QRG 9) and finding them (transaction
history, PAYMENT, the printed documents). Writes in one locked transaction, as everywhere."""

from datetime import date

from core.errors import N_, NotAllowed, NotFound, ValidationError
from core.money import format_rm, from_sen
from webapp.clock import utcnow
from webapp.db import for_update, locked
from webapp.models import Acknowledgement, Employer, Submission, User
from webapp.payment_models import PaymentItem
from webapp.services import audit


def cancel(employer: Employer, numbers: list[str], by: User | None = None) -> list[Acknowledgement]:
    """QRG 9: cancel unpaid ACR/ECRs; a month with nothing left live goes back to the pending list."""
    if not numbers:
        raise ValidationError(N_("Choose the ACR, the ECR or both."), field="which")
    with locked():
        chosen = list(for_update(Acknowledgement.select().where(
            (Acknowledgement.employer == employer) & Acknowledgement.number.in_(numbers))))
        if len(chosen) != len(set(numbers)):
            raise NotFound(N_("No such ACR or ECR."))
        if any(a.status == "paid" for a in chosen):
            raise NotAllowed(N_("A paid ACR or ECR cannot be cancelled."))
        if any(a.status != "unpaid" for a in chosen):
            raise NotFound(N_("No such ACR or ECR."))
        if PaymentItem.select().where(PaymentItem.acknowledgement.in_([a.id for a in chosen])
                                      & (PaymentItem.state == "open")).exists():
            raise NotAllowed(N_("An ACR or ECR in a payment still waiting for the bank's answer cannot be "
                                "cancelled."))
        for ack in chosen:
            if ack.type != "short" and ack.number and Acknowledgement.select().where(
                    (Acknowledgement.employer == employer) & (Acknowledgement.month == ack.month)
                    & (Acknowledgement.kind == ack.kind) & (Acknowledgement.type == "short")
                    & (Acknowledgement.status != "cancelled")).exists():
                raise NotAllowed(N_("%(number)s has a SHORT CONTRIBUTION on top of it: cancel that one first."),
                                 number=ack.number)
        now = utcnow()
        for ack in chosen:
            Acknowledgement.update(status="cancelled", cancelled_at=now).where(
                (Acknowledgement.id == ack.id) & (Acknowledgement.status == "unpaid")).execute()
            audit.record(by, "acknowledgement.cancelled", employer=employer, submission=ack.submission_id,
                         subject=ack.number, details={"amount": format_rm(from_sen(ack.amount))})
        for submission_id in {a.submission_id for a in chosen}:
            if not Acknowledgement.select().where((Acknowledgement.submission == submission_id)
                                                  & (Acknowledgement.status != "cancelled")).exists():
                Submission.update(status="cancelled").where(Submission.id == submission_id).execute()
    return chosen


def issued(submission: Submission) -> list[Acknowledgement]:
    """The ACR and/or ECR (or nil returns) of a submission, ACR first."""
    return list(Acknowledgement.select().where(Acknowledgement.submission == submission)
                .order_by(Acknowledgement.kind))


def bills_by_number(employer: Employer, numbers: list[str]) -> list[Acknowledgement]:
    """This employer's ACR/ECRs with these numbers, ACR first (another employer's are simply not found)."""
    return list(Acknowledgement.select().where((Acknowledgement.employer == employer)
                                               & Acknowledgement.number.in_(numbers)).order_by(Acknowledgement.kind))


def cancellable(employer: Employer, submission_id: int) -> list[Acknowledgement]:
    """QRG 9's choice: the submission's ACR/ECRs that are not cancelled (a paid one is shown, and refused)."""
    return list(Acknowledgement.select().where((Acknowledgement.employer == employer)
                                               & (Acknowledgement.submission == submission_id)
                                               & Acknowledgement.status.in_(("unpaid", "paid"))))


def unpaid_by_submission(employer: Employer) -> tuple[list[list[Acknowledgement]], int]:
    """PAYMENT: the unpaid ACR/ECRs grouped by submission (ACR before ECR), and their total in sen."""
    unpaid = list(acknowledgements(employer, status="unpaid"))
    groups: dict[int, list] = {}
    for ack in unpaid:
        groups.setdefault(ack.submission_id, []).append(ack)
    return [sorted(group, key=lambda a: a.kind) for group in groups.values()], sum(a.amount for a in unpaid)


def acknowledgements(employer: Employer, month: date | None = None, kind: str | None = None,
                     status: str | None = None):
    """Transaction history, newest first, filtered by month, kind (ACR/ECR) and status."""
    query = Acknowledgement.select().where(Acknowledgement.employer == employer)
    if month:
        query = query.where(Acknowledgement.month == month)
    if kind in ("ACR", "ECR"):
        query = query.where(Acknowledgement.kind == kind)
    if status in ("unpaid", "paid", "cancelled", "nil"):
        query = query.where(Acknowledgement.status == status)
    return query.order_by(Acknowledgement.created_at.desc(), Acknowledgement.id.desc())
