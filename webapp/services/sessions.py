"""Server-side sessions: revocable at logout, password change and lockout (ASVS 3.3.1 / 7.4.1)."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from webapp.clock import utcnow
from webapp.db import Prepared
from webapp.models import AuthSession, User

TOUCH_EVERY = timedelta(seconds=10)
# Read on every logged-in request: SQL built once (webapp.db.Prepared), two small look-ups by unique keys.
# Every logged-in request reads its session and the account in one query (SQL built once).
_session_by_hash = Prepared(lambda digest: AuthSession.select(AuthSession, User).join(User).where(
    AuthSession.token_hash == digest))


@dataclass(frozen=True)
class Timeouts:
    idle: timedelta
    kiosk_idle: timedelta
    absolute: timedelta

    def idle_for(self, session: AuthSession) -> timedelta:
        return self.kiosk_idle if session.kiosk else self.idle


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User, *, kiosk: bool, user_agent: str = "") -> str:
    """Open a new session for `user` and return its token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    AuthSession.create(token_hash=_digest(token), user=user, kiosk=kiosk, user_agent=user_agent[:200])
    return token


def resolve(token: str, timeouts: Timeouts, now: datetime | None = None, *, activity: bool = True
            ) -> AuthSession | None:
    """The live session for `token`, or None when unknown, revoked or timed out (then revoked). A request
    that is not the user's doing (`activity=False`: a page refreshing itself) does not reset the idle clock."""
    now = now or utcnow()
    session = _session_by_hash.first(_digest(token))
    if session is None or session.revoked_at is not None:
        return None
    if now - session.created_at > timeouts.absolute:
        revoke(session, "expired", now)
        return None
    if now - session.last_seen_at > timeouts.idle_for(session):
        revoke(session, "idle", now)
        return None
    if activity and now - session.last_seen_at > TOUCH_EVERY:
        AuthSession.update(last_seen_at=now).where(AuthSession.id == session.id).execute()
        session.last_seen_at = now
    return session


_previous_of = Prepared(lambda user_id, session_id: AuthSession.select(AuthSession.created_at).where(
    (AuthSession.user == user_id) & (AuthSession.id != session_id)).order_by(AuthSession.created_at.desc()).limit(1))


def previous_login(session: AuthSession) -> datetime | None:
    """When the user's session before this one began (the dashboard's "Previous login"), or None."""
    earlier = _previous_of.first(session.user_id, session.id)
    return earlier.created_at if earlier else None


def touch(session: AuthSession, now: datetime | None = None) -> None:
    """Reset the idle clock (the "stay logged in" button)."""
    now = now or utcnow()
    AuthSession.update(last_seen_at=now).where(AuthSession.id == session.id).execute()


def revoke(session: AuthSession, reason: str, now: datetime | None = None) -> None:
    AuthSession.update(revoked_at=now or utcnow(), revoked_reason=reason).where(
        (AuthSession.id == session.id) & AuthSession.revoked_at.is_null()
    ).execute()


def revoke_all(user: User, reason: str, now: datetime | None = None) -> int:
    """Revoke every open session of `user` (password change, reset, lockout); returns how many."""
    return (
        AuthSession.update(revoked_at=now or utcnow(), revoked_reason=reason)
        .where((AuthSession.user == user) & AuthSession.revoked_at.is_null())
        .execute()
    )
