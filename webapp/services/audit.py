"""The audit trail (issue 13): every change to money or people, confirmations, cancellations, payments and
the team, with who and when. Written inside the transaction of the change it records (so a change that
rolls back leaves no trace, and one that commits always has its line); never updated or deleted (the
database refuses, see migration 0012)."""

import json

from peewee import JOIN

from core.errors import N_
from webapp.models import AuditEvent, Employer, User

ACTIONS = {
    "line.changed": N_("Salary or status changed"), "month.same_as_last_month": N_("SAME AS LAST MONTH"),
    "month.undo_same_as_last_month": N_("UNDO of SAME AS LAST MONTH"), "month.spreadsheet": N_("SALARY SPREADSHEET"),
    "month.text_file": N_("TEXT FILE uploaded"), "month.left_out_decided": N_("Employees not in the file decided"),
    "month.completed": N_("COMPLETE"), "month.confirmed": N_("CONFIRM: ACR/ECR issued"),
    "acknowledgement.cancelled": N_("ACR/ECR cancelled"), "employee.registered": N_("Employee registered"),
    "employee.terminated": N_("Employee terminated"), "team.invited": N_("Colleague invited"),
    "team.invitation_withdrawn": N_("Invitation withdrawn"), "team.joined": N_("Joined the team"),
    "team.role_changed": N_("Role changed"), "team.removed": N_("Removed from the team"),
    "payment.started": N_("Payment started"), "payment.succeeded": N_("Payment successful"),
    "payment.failed": N_("Payment unsuccessful"), "payment.review": N_("Payment sent to review"),
    "fclb.issued": N_("FCLB notice issued"),
    "eft.registered": N_("EFT registration"), "eft.approved": N_("EFT payment: first approval (a second officer "
                                                                  "verifies)"),
    "eft.verified": N_("EFT payment verified"), "eft.rejected": N_("EFT payment rejected"),
    "payment.checked": N_("Officer asked FPX for the payment's status"),
    "payments.exported": N_("Day's collections downloaded (CSV)"),
    "mandate.enrolled": N_("Direct debit mandate enrolled"), "mandate.authorised": N_("Mandate authorised (RM 1.00)"),
    "mandate.rejected": N_("Mandate rejected"), "mandate.approved": N_("Mandate approved by the bank"),
    "mandate.terminated": N_("Mandate terminated"), "mandate.cancelled": N_("Mandate enrolment cancelled"),
}
ACTIONS.update({  # issue 12: the bank counter (QRG 8) and the banks' collection files
    "counter.lookup": N_("ACR/ECR looked up at the bank counter"),
    "counter.recorded": N_("Payment recorded at the bank counter"),
    "collection.imported": N_("Bank collection file imported"),
    "collection.resolved": N_("Collection exception resolved"),
})


def record(user: User | None, action: str, *, employer: Employer | int | None = None, subject: str = "",
           submission=None, employment=None, details: dict | None = None) -> AuditEvent:
    """Write one line of the trail (call it inside the change's own transaction)."""
    return AuditEvent.create(user=user, employer=employer, action=action, subject=str(subject)[:254],
                             submission=submission, employment=employment,
                             details=json.dumps(details or {}, default=str, sort_keys=True))


def trail(employer: Employer | int, *, submission=None, employment=None, limit: int = 500) -> list[AuditEvent]:
    """An employer's trail, newest first; for one submission or one employee when asked."""
    query = (AuditEvent.select(AuditEvent, User).join(User, JOIN.LEFT_OUTER)
             .where(AuditEvent.employer == employer))
    if submission is not None:
        query = query.where(AuditEvent.submission == submission)
    if employment is not None:
        query = query.where(AuditEvent.employment == employment)
    events = list(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit))
    for event in events:
        event.facts = json.loads(event.details or "{}")
    return events
