"""People's names as Malaysian identity documents print them, checked before they are stored.

Decision (documented in README): a person's name is letters of any script (Latin, Jawi, Chinese, Tamil...,
with the combining marks those scripts need), spaces, and the punctuation Malaysian names use:

- apostrophe (' or ’) as in NUR'AIN, hyphen as in SIEW-LING, period as in MOHD. or S.,
- slash as in A/L and A/P (anak lelaki / anak perempuan),
- @ for an alias as in LIM AH KOW @ LIM KOK WAI.

It starts with a letter (so never with = + - @, tab or CR, which spreadsheets read as formulas), has no
digits and no other symbols, and is at most 150 characters after spaces are tidied.
"""

import unicodedata

from core.errors import N_, ValidationError

PUNCTUATION = frozenset("'’-./@")
MAX_LENGTH = 150


def _is_letter(char: str) -> bool:
    return unicodedata.category(char).startswith("L")


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")  # vowel signs of Tamil, Devanagari, Jawi harakat...


def normalize_person_name(text: str) -> str:
    """The name with spaces tidied and in NFC; ValidationError if it is not a name by the rules above."""
    name = " ".join(unicodedata.normalize("NFC", text or "").split())
    if not name:
        raise ValidationError(N_("Enter the name."))
    if len(name) > MAX_LENGTH:
        raise ValidationError(N_("Use at most %(max)d characters."), max=MAX_LENGTH)
    if not _is_letter(name[0]) or not all(
            _is_letter(c) or _is_mark(c) or c == " " or c in PUNCTUATION for c in name):
        raise ValidationError(N_("Write the name as on the MyKad or passport: letters, spaces and ' - . / @ "
                                 "only, starting with a letter (for example MUTHU A/L RAMASAMY)."))
    return name
