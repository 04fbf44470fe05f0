"""Which employers an account may manage, and the selected one (every employer page works on it only)."""

from dataclasses import dataclass

from core.errors import N_, NotFound
from webapp.db import Prepared
from webapp.models import BatchDocument, Employer, EmployerAccess, Employment, RegistrationBatch, User


def managed(user: User):
    """The employers `user` may manage, registered ones first then drafts, by name."""
    return (Employer.select().join(EmployerAccess).where(EmployerAccess.user == user)
            .order_by(Employer.status.desc(), Employer.name))


def get_managed(user: User, employer_id: int) -> Employer:
    """The employer `employer_id` if `user` may manage it; NotFound otherwise (never another's)."""
    employer = managed(user).where(Employer.id == employer_id).first()
    if employer is None:
        raise NotFound(N_("No such employer."))
    return employer


def registered(user: User):
    """The registered employers `user` manages, each with `member_role` (the user's role in its team)."""
    return (Employer.select(Employer, EmployerAccess.role.alias("member_role")).join(EmployerAccess)
            .where((EmployerAccess.user == user) & (Employer.status == "registered")).order_by(Employer.name)
            .objects())  # every column on the Employer, `member_role` included


def role_of(user: User, employer_id: int) -> str | None:
    """The user's role in the employer's team, or None when the user is not in it."""
    return (EmployerAccess.select(EmployerAccess.role)
            .where((EmployerAccess.user == user) & (EmployerAccess.employer == employer_id)).scalar())


# Every employer page reads the account's registered employers (the switcher): built once, bound per request.
registered_list = Prepared(registered)
"""registered_list(user_id): the registered employers the account manages, by name (the switcher's choices)."""


def find(query: str, limit: int = 50) -> list[Employer]:
    """Officers: employers by exact code, BRN prefix or a part of the name."""
    words = query.strip().upper()
    if not words:
        return []
    return list(Employer.select().where(
        (Employer.code == words) | Employer.registration_number.startswith(words.replace(" ", ""))
        | Employer.name.contains(words)).order_by(Employer.name).limit(limit))


@dataclass(frozen=True)
class Record:
    """What an officer sees of one employer: its registration batches, documents and pending employees."""

    employer: Employer
    batches: list
    documents: list
    pending: int


def record(employer_id: int) -> Record:
    """An employer's record for the back office; NotFound when there is no such employer."""
    employer = Employer.get_or_none(Employer.id == employer_id)
    if employer is None:
        raise NotFound(N_("No such employer."))
    batches = list(RegistrationBatch.select().where(RegistrationBatch.employer == employer)
                   .order_by(RegistrationBatch.id.desc()))
    documents = list(BatchDocument.select().join(RegistrationBatch)
                     .where(RegistrationBatch.employer == employer).order_by(BatchDocument.id))
    pending = Employment.select().where((Employment.employer == employer) & (Employment.status == "pending")).count()
    return Record(employer, batches, documents, pending)


def document(document_id: int) -> BatchDocument:
    """Officers: any uploaded supporting document; NotFound when there is none."""
    upload = BatchDocument.get_or_none(BatchDocument.id == document_id)
    if upload is None:
        raise NotFound(N_("No such document."))
    return upload
