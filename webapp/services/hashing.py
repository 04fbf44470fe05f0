"""argon2id password hashing (ASVS 5.0 Appendix C); the profile is a setting so tests can use the cheapest.

A hash takes 64 MiB and about 0.2 s of CPU (the RFC 9106 profile spreads it over 4 threads). In a login storm
every web thread would be hashing at once and every other page would wait for a core. So hashes run in a
small pool of their own: at most HASH_CONCURRENCY at once (by default one per core), the others wait their
turn, and on Linux the pool's threads (and the lanes argon2 starts from them) run at a lower priority, so a
page request gets a core first. A login waits; the other pages do not. Waiting logins hold a web thread
each, so at most HASH_QUEUE of them wait: beyond that (more logins than the server can hash) a login is
told at once to try again in a few seconds (Busy, a 503), and the web threads stay free for pages.
"""

import contextlib
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

NICENESS = int(os.environ.get("HASH_NICENESS", "10"))  # hashing threads' priority below the web threads (Linux)


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _yield_to_pages() -> None:
    """Lower this hashing thread's priority (Linux: per thread; argon2's lane threads inherit it)."""
    if sys.platform == "linux" and NICENESS > 0:
        with contextlib.suppress(OSError):  # not allowed here: hashes still wait their turn, at the same priority
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)


class Busy(Exception):
    """More logins are waiting for a hash than the server lets wait: try again in a few seconds."""


class HashPool:
    """At most `size` hashes at once, in threads of their own, and at most `queue` waiting for one (Busy
    beyond); `busy` and `waiting` are counted."""

    def __init__(self, size: int, queue: int = 16):
        self.size, self.queue, self.busy, self.waiting = size, queue, 0, 0
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(size, thread_name_prefix="argon2", initializer=_yield_to_pages)

    def run(self, work):
        """`work()` in the pool, once a slot is free; the caller waits for its result (Busy if too many wait)."""
        with self._lock:
            if self.busy + self.waiting >= self.size + self.queue:
                raise Busy
            self.waiting += 1

        def job():
            with self._lock:
                self.waiting -= 1
                self.busy += 1
            try:
                return work()
            finally:
                with self._lock:
                    self.busy -= 1

        return self._executor.submit(job).result()

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False)


_hasher = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)
_dummy_hash = None
pool = HashPool(cores())


def configure(profile_name: str, concurrency: int = 0, queue: int = 16) -> None:
    """Select an argon2-cffi profile by name (RFC_9106_LOW_MEMORY in production, CHEAPEST in tests), how
    many hashes may run at once (0: one per core) and how many may wait for one."""
    global _hasher, _dummy_hash, pool
    _hasher = PasswordHasher.from_parameters(getattr(profiles, profile_name))
    _dummy_hash = _hasher.hash("no account has this password")
    pool.shutdown()
    pool = HashPool(concurrency if concurrency > 0 else cores(), queue)


def hash_password(password: str) -> str:
    return pool.run(lambda: _hasher.hash(password))


def verify(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches. With no stored hash, burn the same time as a real check."""

    def check() -> bool:
        try:
            return _hasher.verify(stored_hash or _dummy_hash, password) and stored_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    return pool.run(check)


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
