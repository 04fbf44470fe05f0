"""A team behind each employer (issue 13): invitations by email, roles, removing members.

- An administrator invites a colleague by email with a role (core.team); the link is single use and valid
  72 hours, and only its hash is kept. Someone without a portal account sets a password on the link (the
  Portal ID password rules; the terms are accepted at the first login, as for every account); someone
  with an account logs in with it and accepts.
- There is always at least one administrator: the last one can neither leave the role nor be removed.
- Removing a member ends all their sessions at once.
Every change is one locked transaction whose "may I?" (the actor is an administrator of this employer) is
read inside it, and is written to the audit trail.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from core.errors import N_, Conflict, NotAllowed, NotFound, ValidationError
from core.passwords import check_new_password
from core.team import ROLES
from webapp.clock import utcnow
from webapp.db import for_update, locked
from webapp.models import Employer, EmployerAccess, Invitation, User
from webapp.services import audit, emails, hashing, outbox, sessions
from webapp.services.auth import normalize_email

LIFETIME = timedelta(hours=72)


@dataclass(frozen=True)
class Member:
    user: User
    role: str


def members(employer: Employer) -> list[Member]:
    """The team, administrators first, then by name."""
    rows = (EmployerAccess.select(EmployerAccess, User).join(User)
            .where(EmployerAccess.employer == employer).order_by(User.name))
    order = {"administrator": 0, "approver": 1, "clerk": 2}
    return sorted((Member(row.user, row.role) for row in rows), key=lambda m: order[m.role])


def open_invitations(employer: Employer) -> list[Invitation]:
    return list(Invitation.select().where((Invitation.employer == employer) & Invitation.used_at.is_null()
                                          & Invitation.withdrawn_at.is_null() & (Invitation.expires_at > utcnow()))
                .order_by(Invitation.created_at.desc()))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _administrator(employer: Employer, actor: User) -> None:
    role = for_update(EmployerAccess.select(EmployerAccess.role).where(
        (EmployerAccess.employer == employer) & (EmployerAccess.user == actor))).scalar()
    if role != "administrator":
        raise NotAllowed(N_("Only an administrator of the team can do this."))


def invite(employer: Employer, actor: User, email: str, role: str, accept_url) -> Invitation:
    """Email a single-use link to join the team with `role`; `accept_url(token)` builds the absolute link."""
    email = normalize_email(email)
    if role not in ROLES:
        raise ValidationError(N_("Choose a role."), field="role")
    token = secrets.token_urlsafe(32)
    with locked():
        _administrator(employer, actor)
        if EmployerAccess.select().join(User).where((EmployerAccess.employer == employer)
                                                    & (User.email == email)).exists():
            raise Conflict(N_("%(email)s is already in the team."), field="email", email=email)
        invitation = Invitation.create(employer=employer, email=email, role=role, token_hash=_hash(token),
                                       invited_by=actor, expires_at=utcnow() + LIFETIME)
        subject, body = emails.invitation(employer.name, employer.code, actor.name, role, accept_url(token),
                                          int(LIFETIME.total_seconds() // 3600))
        outbox.enqueue(email, subject, body, sensitive=True)
        audit.record(actor, "team.invited", employer=employer, subject=email, details={"role": role})
    return invitation


def withdraw(employer: Employer, actor: User, invitation_id: int) -> None:
    with locked():
        _administrator(employer, actor)
        changed = Invitation.update(withdrawn_at=utcnow()).where(
            (Invitation.id == invitation_id) & (Invitation.employer == employer) & Invitation.used_at.is_null()
            & Invitation.withdrawn_at.is_null()).execute()
        if not changed:
            raise NotFound(N_("No such invitation."))
        audit.record(actor, "team.invitation_withdrawn", employer=employer, subject=str(invitation_id))


def find_invitation(token: str) -> Invitation:
    """The open invitation of this link, or NotFound (used, withdrawn or expired)."""
    invitation = Invitation.get_or_none(Invitation.token_hash == _hash(token or ""))
    if (invitation is None or invitation.used_at is not None or invitation.withdrawn_at is not None
            or invitation.expires_at < utcnow()):
        raise NotFound(N_("This invitation has expired or was already used. Ask the administrator for a new one."))
    return invitation


def accept(token: str, user: User) -> Employer:
    """An existing account joins the team (it must be the account the invitation was sent to)."""
    with locked():
        invitation = _claim(token)
        if normalize_email(user.email) != invitation.email:
            raise NotAllowed(N_("This invitation was sent to %(email)s: log in with that account to accept it."),
                             email=invitation.email)
        _join(invitation, user)
    return invitation.employer


def accept_with_new_account(token: str, name: str, password: str) -> User:
    """Someone without an account: the account is made with their own password (Portal ID rules), and joins."""
    invitation = find_invitation(token)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(N_("Enter your name."), field="name")
    check_new_password(password, email=invitation.email)
    password_hash = hashing.hash_password(password)
    with locked():
        invitation = _claim(token)
        if User.select().where(User.email == invitation.email).exists():
            raise Conflict(N_("%(email)s already has a portal account: log in with it to accept."),
                           email=invitation.email)
        user = User.create(email=invitation.email, name=name[:150], role="employer", password_hash=password_hash,
                           password_is_temporary=False, password_changed_at=utcnow())
        _join(invitation, user)
    return user


def _claim(token: str) -> Invitation:
    invitation = find_invitation(token)
    spent = Invitation.update(used_at=utcnow()).where(
        (Invitation.id == invitation.id) & Invitation.used_at.is_null() & Invitation.withdrawn_at.is_null()).execute()
    if not spent:
        raise NotFound(N_("This invitation has expired or was already used. Ask the administrator for a new one."))
    return invitation


def _join(invitation: Invitation, user: User) -> None:
    EmployerAccess.insert(user=user, employer=invitation.employer_id, role=invitation.role).on_conflict(
        conflict_target=[EmployerAccess.user, EmployerAccess.employer], update={EmployerAccess.role: invitation.role}
    ).execute()
    audit.record(user, "team.joined", employer=invitation.employer, subject=user.email,
                 details={"role": invitation.role})


def _administrators(employer: Employer) -> int:
    return EmployerAccess.select().where((EmployerAccess.employer == employer)
                                         & (EmployerAccess.role == "administrator")).count()


def change_role(employer: Employer, actor: User, user_id: int, role: str) -> None:
    if role not in ROLES:
        raise ValidationError(N_("Choose a role."), field="role")
    with locked():
        _administrator(employer, actor)
        access = EmployerAccess.get_or_none((EmployerAccess.employer == employer) & (EmployerAccess.user == user_id))
        if access is None:
            raise NotFound(N_("No such member."))
        if access.role == "administrator" and role != "administrator" and _administrators(employer) == 1:
            raise NotAllowed(N_("The team needs at least one administrator: make someone else one first."))
        EmployerAccess.update(role=role).where(EmployerAccess.id == access.id).execute()
        audit.record(actor, "team.role_changed", employer=employer, subject=access.user.email,
                     details={"from": access.role, "to": role})


def remove(employer: Employer, actor: User, user_id: int) -> None:
    """Take a member out of the team; their sessions end at once (they may be logged in elsewhere)."""
    with locked():
        _administrator(employer, actor)
        access = EmployerAccess.get_or_none((EmployerAccess.employer == employer) & (EmployerAccess.user == user_id))
        if access is None:
            raise NotFound(N_("No such member."))
        if access.role == "administrator" and _administrators(employer) == 1:
            raise NotAllowed(N_("The team needs at least one administrator: make someone else one first."))
        member = access.user
        access.delete_instance()
        sessions.revoke_all(member, "removed")
        audit.record(actor, "team.removed", employer=employer, subject=member.email, details={"role": access.role})
