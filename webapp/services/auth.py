"""Logging in, lockout, passwords (temporary, change, forgot and reset) and the terms of use."""

import hashlib
import secrets
from datetime import datetime, timedelta

from core.errors import N_, NotAllowed, NotFound
from core.passwords import check_new_password, temporary_password
from webapp.clock import MALAYSIA, utcnow
from webapp.db import for_update, locked
from webapp.models import LoginThrottle, PasswordReset, User
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


PENDING_LEASE = timedelta(minutes=1)  # a check under way longer than this was lost (a crashed request)


class TooManyAttempts(LoginFailed):
    """As many password checks as the lockout allows are already under way for this email."""


def _throttle(email: str):
    LoginThrottle.insert(email=email).on_conflict_ignore().execute()
    return for_update(LoginThrottle.select().where(LoginThrottle.email == email)).get()


def _pending(throttle, now: datetime) -> int:
    fresh = throttle.pending_since is not None and throttle.pending_since > now - PENDING_LEASE
    return throttle.pending if fresh else 0


def _begin_check(email: str, settings, now: datetime) -> None:
    """Reserve one password check for `email`, or refuse (locked, or too many checks at once).

    The lock check and the reservation are one locked transaction per email, and wrong passwords already
    counted plus checks under way never exceed the threshold: a burst of parallel guesses can never verify
    more passwords than the lockout allows. Nothing slow (no hashing) runs under the lock.
    """
    with locked():
        throttle = _throttle(email)
        if throttle.locked_until and throttle.locked_until > now:
            raise AccountLocked(throttle.locked_until)
        pending = _pending(throttle, now)
        if throttle.failures + pending >= settings["LOCKOUT_THRESHOLD"]:
            raise TooManyAttempts(N_("Too many login attempts at the same time for this account. Wait a minute "
                                     "and try again."))
        LoginThrottle.update(pending=pending + 1, pending_since=now).where(LoginThrottle.id == throttle.id).execute()


def _end_check(throttle, now: datetime) -> None:
    LoginThrottle.update(pending=max(_pending(throttle, now) - 1, 0)).where(LoginThrottle.id == throttle.id).execute()


def _record_failure(email: str, settings, now: datetime) -> datetime | None:
    """Count a wrong password for `email`; returns the lock end when this failure locks the account."""
    with locked():
        throttle = _throttle(email)
        _end_check(throttle, now)
        failures, until = throttle.failures + 1, None
        values = {"failures": failures, "last_failure_at": now}
        if failures >= settings["LOCKOUT_THRESHOLD"]:
            until = now + _lock_length(settings, throttle.lockouts + 1)
            values.update(lockouts=throttle.lockouts + 1, failures=0, locked_until=until)
            user = User.get_or_none(User.email == email)
            if user is not None:
                sessions.revoke_all(user, "lockout", now)
        LoginThrottle.update(**values).where(LoginThrottle.id == throttle.id).execute()
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

    Raises AccountLocked (also for unknown emails, so lockout tells nothing about who has an account),
    TooManyAttempts or LoginFailed. An unknown email costs the same argon2 time as a known one. A lock set
    by other guesses while this password was being checked stands: the right password does not lift it.
    """
    email = normalize_email(email)
    now = utcnow()
    _begin_check(email, settings, now)
    user = User.get_or_none(User.email == email)
    try:
        matches = hashing.verify(user.password_hash if user else None, password)
    except BaseException:
        with locked():
            _end_check(_throttle(email), now)
        raise
    if not (matches and user.is_active):
        until = _record_failure(email, settings, now)
        if until:
            raise AccountLocked(until)
        raise LoginFailed(N_("The email or password is not correct."))
    new_hash = hashing.hash_password(password) if hashing.needs_rehash(user.password_hash) else None
    refused = None
    with locked():  # refusals are raised after the commit, so the check under way is always ended
        throttle = _throttle(email)
        _end_check(throttle, now)
        expired = user.password_is_temporary and (
            user.temp_password_used_at is not None
            or (user.temp_password_expires_at is not None and user.temp_password_expires_at < now))
        if throttle.locked_until and throttle.locked_until > now:
            refused = AccountLocked(throttle.locked_until)
        elif expired:
            refused = LoginFailed(N_("This temporary password has expired or was already used. "
                                     "Use Forgot Password to get a new one."))
        else:
            LoginThrottle.update(failures=0, lockouts=0, locked_until=None).where(
                LoginThrottle.id == throttle.id).execute()
            if user.password_is_temporary:
                user.temp_password_used_at = now
            if new_hash:
                user.password_hash = new_hash
            user.save()
            token = sessions.start(user, kiosk=kiosk, user_agent=user_agent)
    if refused:
        raise refused
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


def set_language(user: User, code: str) -> None:
    """Remember the language the user chose on the portal (the emails sent to them follow it)."""
    if code in ("ms", "en") and user.language != code:
        User.update(language=code).where(User.id == user.id).execute()
        user.language = code


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
