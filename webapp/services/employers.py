"""Which employers an account may manage, and the selected one (every employer page works on it only)."""

from core.errors import N_, NotFound
from webapp.db import Prepared
from webapp.models import Employer, EmployerAccess, User


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
    return managed(user).where(Employer.status == "registered")


# Every employer page reads the account's registered employers (the switcher): built once, bound per request.
registered_list = Prepared(registered)
"""registered_list(user_id): the registered employers the account manages, by name (the switcher's choices)."""
