"""argon2id password hashing (ASVS 5.0 Appendix C); the profile is a setting so tests can use the cheapest."""

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)
_dummy_hash = None


def configure(profile_name: str) -> None:
    """Select an argon2-cffi profile by name (RFC_9106_LOW_MEMORY in production, CHEAPEST in tests)."""
    global _hasher, _dummy_hash
    _hasher = PasswordHasher.from_parameters(getattr(profiles, profile_name))
    _dummy_hash = _hasher.hash("no account has this password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches. With no stored hash, burn the same time as a real check."""
    try:
        return _hasher.verify(stored_hash or _dummy_hash, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
