"""Portal ID: the online enrolment form, and the officer's APPROVE or REJECT."""

from dataclasses import dataclass

from core.errors import N_, Conflict, NotAllowed, NotFound, ValidationError
from core.identifiers import normalize_brn, normalize_mykad, normalize_phone, portal_application_reference
from core.names import normalize_person_name
from webapp.clock import utcnow
from webapp.db import for_update, locked
from webapp.models import PortalApplication, User
from webapp.services import auth, counters, emails, outbox, uploads


@dataclass(frozen=True)
class Application:
    """What the applicant typed (already through the form's field checks)."""

    company_name: str
    brn: str
    applicant_name: str
    applicant_mykad: str
    designation: str
    email: str
    phone: str
    language: str = "ms"


def submit(data: Application, certificate, filename: str, settings, submitted_by: User | None = None
           ) -> PortalApplication:
    """Save an application with its SSM certificate and queue the acknowledgement email.

    Everything is checked before anything is written; one transaction writes the row and the email.
    """
    for field, normalize in (("brn", normalize_brn), ("applicant_mykad", normalize_mykad), ("phone", normalize_phone),
                             ("applicant_name", normalize_person_name)):
        try:
            normalize(getattr(data, field))
        except ValidationError as exc:
            exc.field = field
            raise
    upload = uploads.accept(certificate, filename, settings, field="certificate")
    with locked():
        stored = uploads.store(upload, settings["UPLOAD_DIR"])
        now = utcnow()
        reference = portal_application_reference(now.year, counters.next_value(f"portal-application-{now.year}"))
        application = PortalApplication.create(
            reference=reference,
            company_name=data.company_name.strip(),
            brn=normalize_brn(data.brn),
            applicant_name=normalize_person_name(data.applicant_name),
            applicant_mykad=normalize_mykad(data.applicant_mykad),
            designation=data.designation.strip(),
            email=auth.normalize_email(data.email),
            phone=normalize_phone(data.phone),
            certificate=stored,
            language=data.language,
            submitted_by=submitted_by,
        )
        subject, body = emails.application_received(reference, application.company_name)
        outbox.enqueue(application.email, subject, body)
    return application


def recently_decided(limit: int = 20) -> list[PortalApplication]:
    """The last applications approved or rejected, newest first."""
    return list(PortalApplication.select().where(PortalApplication.status != "pending")
                .order_by(PortalApplication.decided_at.desc()).limit(limit))


def pending() -> list[PortalApplication]:
    return list(PortalApplication.select().where(PortalApplication.status == "pending")
                .order_by(PortalApplication.submitted_at))


def get(application_id: int) -> PortalApplication:
    application = PortalApplication.get_or_none(PortalApplication.id == application_id)
    if application is None:
        raise NotFound(N_("No such application."))
    return application


def _pending_for_decision(application_id: int) -> PortalApplication:
    application = for_update(PortalApplication.select().where(PortalApplication.id == application_id)).first()
    if application is None:
        raise NotFound(N_("No such application."))
    if application.status != "pending":
        raise Conflict(N_("This application was already decided."))
    return application


def approve(application_id: int, officer: User, settings) -> User:
    """Create the employer's portal user and email the temporary password (maker-checker enforced)."""
    with locked():
        application = _pending_for_decision(application_id)
        if application.submitted_by_id == officer.id or application.email == officer.email:
            raise NotAllowed(N_("You cannot approve an application you submitted yourself."))
        if User.select().where(User.email == application.email).exists():
            raise Conflict(N_("A portal ID already exists for %(email)s."), email=application.email)
        user = User(email=application.email, name=application.applicant_name, role="employer",
                    language=application.language)
        password = auth.issue_temporary_password(user, settings)
        user.save()
        application.status = "approved"
        application.decided_by = officer
        application.decided_at = utcnow()
        application.user = user
        application.save()
        hours = int(settings["TEMP_PASSWORD_LIFETIME"].total_seconds() // 3600)
        subject, body = emails.activation(settings["LOGIN_URL"], user.email, password, hours)
        outbox.enqueue(user.email, subject, body, sensitive=True)
    return user


def reject(application_id: int, officer: User, reason: str) -> PortalApplication:
    """Refuse an application and email the reason to the applicant."""
    reason = reason.strip()
    if len(reason) < 5:
        raise ValidationError(N_("Give the reason the applicant will read."), field="reason")
    with locked():
        application = _pending_for_decision(application_id)
        application.status = "rejected"
        application.decided_by = officer
        application.decided_at = utcnow()
        application.reject_reason = reason
        application.save()
        subject, body = emails.application_rejected(application.reference, reason)
        outbox.enqueue(application.email, subject, body)
    return application
