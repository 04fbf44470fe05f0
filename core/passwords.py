"""Password policy (OWASP ASVS 4.0.3 2.1 / 5.0 6.2): length only, no composition rules, common ones refused.

The common-password list is Django's (`common-passwords.txt.gz`, 19,640 entries compiled by Royce Williams,
BSD licence), bundled in core/data so nothing is fetched at run time.
"""

import gzip
import secrets
import string
from functools import cache
from pathlib import Path

from core.errors import N_, WeakPassword

MIN_LENGTH = 12
MAX_LENGTH = 128
# Words anyone attacking this portal would try first (ASVS 6.2.11, context-specific words).
CONTEXT_WORDS = ("perkeso", "assist", "socso", "password", "katalaluan")

_LIST = Path(__file__).parent / "data" / "common-passwords.txt.gz"


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list of common passwords, lower-cased."""
    with gzip.open(_LIST, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip().lower() for line in fh if line.strip())


def check_new_password(password: str, *, email: str = "", old_password_matches: bool = False) -> None:
    """Raise WeakPassword (field "password") when `password` may not be used as a new password."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(N_("Use at least %(min)d characters."), field="password", min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise WeakPassword(N_("Use at most %(max)d characters."), field="password", max=MAX_LENGTH)
    lowered = password.lower()
    if lowered in common_passwords() or _is_pattern(lowered):
        raise WeakPassword(N_("This password is too common. Choose another."), field="password")
    stripped = lowered.strip(string.digits + string.punctuation + " ")
    local_part = email.lower().split("@")[0]
    if stripped in CONTEXT_WORDS or stripped in common_passwords() or (local_part and stripped == local_part):
        raise WeakPassword(N_("This password is too easy to guess. Choose another."), field="password")
    if old_password_matches:
        raise WeakPassword(N_("Choose a password different from the current one."), field="password")


_RUNS = ("01234567890123456789012345678901234567890", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
         "qwertyuiopasdfghjklzxcvbnmqwertyuiopasdfghjklzxcvbnm", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p")


def _is_pattern(lowered: str) -> bool:
    """A keyboard or alphabet run (forwards or backwards), or one short unit repeated ("abcabcabcabc")."""
    if any(lowered in run or lowered[::-1] in run for run in _RUNS):
        return True
    return any(len(lowered) % n == 0 and lowered == lowered[:n] * (len(lowered) // n) for n in range(1, 5))


# Temporary passwords: unambiguous letters and digits only, because people copy them from an email.
_TEMP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"


def temporary_password(length: int = 14) -> str:
    """A random temporary password (about 82 bits at 14 characters)."""
    return "".join(secrets.choice(_TEMP_ALPHABET) for _ in range(length))
