"""Bank teller accounts (User.role "teller"): they log in like everyone (email, NEXT, password, LOGIN) and reach
the bank counter page only (webapp.views.counter)."""

from core.errors import N_, Conflict
from webapp.clock import utcnow
from webapp.db import database
from webapp.models import LoginThrottle, User
from webapp.services import auth, hashing

ROLE = "teller"


def create(email: str, name: str, settings) -> str:
    """A new teller account with a temporary password (changed at the first login); returns that password."""
    email = auth.normalize_email(email)
    with database.connection_context(), database.atomic():
        if User.select().where(User.email == email).exists():
            raise Conflict(N_("%(email)s already has a portal account."), email=email)
        user = User(email=email, name=(name or "Bank Teller").strip()[:150], role=ROLE)
        password = auth.issue_temporary_password(user, settings)
        user.save()
    return password


def ensure_demo(email: str, name: str, password: str) -> User:
    """The demo teller, active with `password`, unlocked (inside the caller's transaction; idempotent)."""
    user = User.get_or_none(User.email == email) or User(email=email, name=name, role=ROLE)
    if not user.id or not hashing.verify(user.password_hash, password):
        user.password_hash = hashing.hash_password(password)
    user.role = ROLE
    user.password_is_temporary = False
    user.temp_password_expires_at = None
    user.password_changed_at = user.password_changed_at or utcnow()
    user.is_active = True
    user.save()
    LoginThrottle.delete().where(LoginThrottle.email == email).execute()
    return user
