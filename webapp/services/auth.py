"""Logging in, lockout, passwords (temporary, change, forgot and reset) and the terms of use."""

import hashlib
import secrets
from datetime import datetime, timedelta

from core.errors import N_, NotAllowed, NotFound
from core.passwords import check_new_password, temporary_password
from webapp.db import for_update, locked
from webapp.models import MALAYSIA, LoginThrottle, PasswordReset, User, utcnow
from webapp.services import emails, hashing, outbox, sessions

MAX_LOCKOUT = timedelta(hours=24)
RESETS_PER_HOUR = 3


class LoginFailed(NotAllowed):
    """Wrong email or password (the message never says which)."""


class AccountLocked(NotAllowed):
    """Too many wrong passwords in a row; `locked_until` says when to retry (UTC)."""

    def __init__(self, locked_until: datetime):
        super().__init__(N_("Too many wrong passwords. Your account is locked."))
        self.locked_until = locked_until


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _lock_length(settings, lockouts: int) -> timedelta:
    """15 minutes for the first lockout, doubling on each repeat, at most a day."""
    return min(settings["LOCKOUT_BASE"] * 2 ** max(lockouts - 1, 0), MAX_LOCKOUT)


def _record_failure(email: str, settings, now: datetime) -> datetime | None:
    """Count a wrong password for `email`; returns the lock end when this failure locks the account."""
    with locked():
        LoginThrottle.insert(email=email).on_conflict_ignore().execute()
        throttle = for_update(LoginThrottle.select().where(LoginThrottle.email == email)).get()
        throttle.failures += 1
        throttle.last_failure_at = now
        until = None
        if throttle.failures >= settings["LOCKOUT_THRESHOLD"]:
            throttle.lockouts += 1
            throttle.failures = 0
            until = throttle.locked_until = now + _lock_length(settings, throttle.lockouts)
            user = User.get_or_none(User.email == email)
            if user is not None:
                sessions.revoke_all(user, "lockout", now)
        throttle.save()
    return until


def locked_until(email: str, now: datetime | None = None) -> datetime | None:
    """When the account of `email` may try again, or None if it is not locked."""
    now = now or utcnow()
    throttle = LoginThrottle.get_or_none(LoginThrottle.email == normalize_email(email))
    if throttle and throttle.locked_until and throttle.locked_until > now:
        return throttle.locked_until
    return None


def authenticate(email: str, password: str, settings, *, kiosk: bool, user_agent: str = "") -> tuple[User, str]:
    """Check a login and open a session; returns (user, session token).

    Raises AccountLocked (also for unknown emails, so lockout tells nothing about who has an account) or
    LoginFailed. An unknown email costs the same argon2 time as a known one.
    """
    email = normalize_email(email)
    now = utcnow()
    until = locked_until(email, now)
    if until:
        raise AccountLocked(until)
    user = User.get_or_none(User.email == email)
    matches = hashing.verify(user.password_hash if user else None, password)
    if matches and user.is_active and user.password_is_temporary:
        expired = user.temp_password_expires_at is not None and user.temp_password_expires_at < now
        if expired or user.temp_password_used_at is not None:
            raise LoginFailed(N_("This temporary password has expired or was already used. "
                                 "Use Forgot Password to get a new one."))
    if not (matches and user.is_active):
        until = _record_failure(email, settings, now)
        if until:
            raise AccountLocked(until)
        raise LoginFailed(N_("The email or password is not correct."))
    with locked():
        LoginThrottle.update(failures=0, lockouts=0, locked_until=None).where(
            LoginThrottle.email == email).execute()
        if user.password_is_temporary:
            user.temp_password_used_at = now
        if hashing.needs_rehash(user.password_hash):
            user.password_hash = hashing.hash_password(password)
        user.save()
        token = sessions.start(user, kiosk=kiosk, user_agent=user_agent)
    return user, token


def change_password(user: User, new_password: str, *, kiosk: bool, current_password: str | None = None,
                    user_agent: str = "") -> str:
    """Set a new password, end every session of the user and open a fresh one; returns its token.

    After a temporary password the current one is not asked again (it was just used to log in).
    """
    if not user.password_is_temporary and not hashing.verify(user.password_hash, current_password or ""):
        raise LoginFailed(N_("The current password is not correct."), field="current_password")
    check_new_password(new_password, email=user.email,
                       old_password_matches=hashing.verify(user.password_hash, new_password))
    new_hash = hashing.hash_password(new_password)
    now = utcnow()
    with locked():
        _set_password(user, new_hash, now)
        return sessions.start(user, kiosk=kiosk, user_agent=user_agent)


def _set_password(user: User, new_hash: str, now: datetime) -> None:
    user.password_hash = new_hash
    user.password_is_temporary = False
    user.temp_password_expires_at = None
    user.password_changed_at = now
    user.save()
    sessions.revoke_all(user, "password", now)
    LoginThrottle.update(failures=0, lockouts=0, locked_until=None).where(
        LoginThrottle.email == user.email).execute()
    subject, body = emails.password_changed(_malaysia_time(now))
    outbox.enqueue(user.email, subject, body)


def _malaysia_time(moment: datetime) -> str:
    return (moment + MALAYSIA).strftime("%d/%m/%Y %I:%M %p (MYT)")


def accept_terms(user: User) -> None:
    """Record that the user pressed I Agree."""
    User.update(terms_accepted_at=utcnow()).where(User.id == user.id).execute()
    user.terms_accepted_at = utcnow()


def issue_temporary_password(user: User, settings) -> str:
    """Give `user` a new random temporary password valid for TEMP_PASSWORD_LIFETIME; returns it."""
    password = temporary_password()
    user.password_hash = hashing.hash_password(password)
    user.password_is_temporary = True
    user.temp_password_expires_at = utcnow() + settings["TEMP_PASSWORD_LIFETIME"]
    user.temp_password_used_at = None
    return password


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(email: str, settings, reset_url) -> None:
    """Forgot Password: email a single-use link to a known, active account; silently nothing otherwise.

    `reset_url(token)` builds the absolute link (the web layer knows the URL scheme).
    """
    user = User.get_or_none(User.email == normalize_email(email))
    if user is None or not user.is_active:
        hashing.verify(None, "equal time")  # the known-email path costs about as much
        return
    token = secrets.token_urlsafe(32)
    lifetime = settings["RESET_LINK_LIFETIME"]
    with locked():
        recent = PasswordReset.select().where((PasswordReset.user == user)
                                              & (PasswordReset.created_at > utcnow() - timedelta(hours=1))).count()
        if recent >= RESETS_PER_HOUR:  # anti-automation: nobody's inbox is flooded (same answer on screen)
            return
        PasswordReset.create(user=user, token_hash=_token_hash(token), expires_at=utcnow() + lifetime)
        subject, body = emails.password_reset(reset_url(token), int(lifetime.total_seconds() // 60))
        outbox.enqueue(user.email, subject, body, sensitive=True)


def find_reset(token: str, now: datetime | None = None) -> PasswordReset:
    """The unused, unexpired reset for `token`, or NotFound."""
    now = now or utcnow()
    reset = PasswordReset.get_or_none(PasswordReset.token_hash == _token_hash(token))
    if reset is None or reset.used_at is not None or reset.expires_at < now or not reset.user.is_active:
        raise NotFound(N_("This link has expired or was already used. Ask for a new one with Forgot Password."))
    return reset


def reset_password(token: str, new_password: str) -> User:
    """Use a reset link: set the new password, end all sessions, spend this and every other open link."""
    reset = find_reset(token)
    user = reset.user
    check_new_password(new_password, email=user.email,
                       old_password_matches=hashing.verify(user.password_hash, new_password))
    new_hash = hashing.hash_password(new_password)
    now = utcnow()
    with locked():
        spent = PasswordReset.update(used_at=now).where(
            (PasswordReset.id == reset.id) & PasswordReset.used_at.is_null()).execute()
        if not spent:
            raise NotFound(N_("This link has expired or was already used. Ask for a new one with Forgot Password."))
        PasswordReset.update(used_at=now).where(
            (PasswordReset.user == user) & PasswordReset.used_at.is_null()).execute()
        _set_password(user, new_hash, now)
    return user
