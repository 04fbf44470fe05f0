"""argon2id password hashing (ASVS 5.0 Appendix C); the profile is a setting so tests can use the cheapest.

A hash takes 64 MiB and a core for about a tenth of a second. In a login storm every web thread would be
hashing at once and every other page would wait for a core, so at most HASH_CONCURRENCY hashes (by default
one per core) run at a time: a login waits its turn for a slot, the other pages do not wait at all.
"""

import os
import threading
from contextlib import contextmanager

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class Slots:
    """At most `size` hashes at once; the others wait for a free slot. `busy` and `waiting` are counted."""

    def __init__(self, size: int):
        self.size, self.busy, self.waiting = size, 0, 0
        self._changed = threading.Condition()

    @contextmanager
    def held(self):
        with self._changed:
            self.waiting += 1
            self._changed.wait_for(lambda: self.busy < self.size)
            self.waiting -= 1
            self.busy += 1
        try:
            yield
        finally:
            with self._changed:
                self.busy -= 1
                self._changed.notify()


_hasher = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)
_dummy_hash = None
slots = Slots(cores())


def configure(profile_name: str, concurrency: int = 0) -> None:
    """Select an argon2-cffi profile by name (RFC_9106_LOW_MEMORY in production, CHEAPEST in tests) and how
    many hashes may run at once (0: one per core)."""
    global _hasher, _dummy_hash, slots
    _hasher = PasswordHasher.from_parameters(getattr(profiles, profile_name))
    _dummy_hash = _hasher.hash("no account has this password")
    slots = Slots(concurrency if concurrency > 0 else cores())


def hash_password(password: str) -> str:
    with slots.held():
        return _hasher.hash(password)


def verify(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches. With no stored hash, burn the same time as a real check."""
    with slots.held():
        try:
            return _hasher.verify(stored_hash or _dummy_hash, password) and stored_hash is not None
        except (VerificationError, InvalidHashError):
            return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
