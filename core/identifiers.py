"""Identifier formats: MyKad, business registration numbers, phone numbers, document references.

Only the formats; the running numbers inside references come from database sequences (webapp.services).
"""

import re
from datetime import date

from stdnum import exceptions as stdnum_errors
from stdnum.my import nric

from core.errors import N_, InvalidIdentifier


def normalize_mykad(value: str) -> str:
    """Return the 12 digits of a valid MyKad number (dashes and spaces allowed) or raise InvalidIdentifier.

    python-stdnum checks the birth date and the place-of-birth code (JPN's list).
    """
    try:
        return nric.validate(value.strip())
    except stdnum_errors.InvalidLength:
        raise InvalidIdentifier(N_("A MyKad number has 12 digits, for example 901225-08-5344.")) from None
    except stdnum_errors.InvalidFormat:
        raise InvalidIdentifier(N_("A MyKad number has only digits, for example 901225-08-5344.")) from None
    except stdnum_errors.InvalidComponent:
        raise InvalidIdentifier(
            N_("This MyKad number has an impossible birth date or place-of-birth code.")
        ) from None


def mykad_birth_date(number: str) -> date:
    """The birth date written in a valid MyKad number (python-stdnum picks the century)."""
    return nric.get_birth_date(number)


def mykad_gender(number: str) -> str:
    """'M' or 'F': the last digit of a MyKad number is odd for men, even for women."""
    return "M" if int(number[-1]) % 2 else "F"


# SSM numbers: the 12-digit format used since October 2019 (year of incorporation, entity type, running
# number) and the older company ("123456-A"), business ("JM0123456-X") and LLP ("LLP0001234-LGN") formats.
_BRN_NEW = re.compile(r"^(?P<year>\d{4})(?P<kind>0[1-6])\d{6}$")
_BRN_OLD = re.compile(r"^(\d{1,7}-[A-Z]|[A-Z]{2}\d{7}-[A-Z]|LLP\d{7}-[A-Z]{3})$")


def normalize_brn(value: str) -> str:
    """Return a business registration number in its canonical form or raise InvalidIdentifier."""
    compact = re.sub(r"\s+", "", value).upper()
    match = _BRN_NEW.match(compact)
    if match and 1900 <= int(match["year"]) <= 2100:
        return compact
    if _BRN_OLD.match(compact):
        return compact
    raise InvalidIdentifier(
        N_("Enter the SSM registration number as on the certificate, for example 202001012345 or 123456-A.")
    )


_PHONE = re.compile(r"^(?:\+?60|0)(?P<rest>1\d{8,9}|[3-9]\d{7,8})$")


def normalize_phone(value: str) -> str:
    """Return a Malaysian phone number as digits starting with 0 (e.g. 0123456789) or raise."""
    compact = re.sub(r"[\s\-()]", "", value)
    match = _PHONE.match(compact)
    if not match:
        raise InvalidIdentifier(N_("Enter a Malaysian phone number, for example 012-345 6789 or 03-2687 2677."))
    return "0" + match["rest"]


def portal_application_reference(year: int, sequence: int) -> str:
    """Reference of a Portal ID application, e.g. PID2026000123 (year + 6-digit running number)."""
    if not 0 < sequence < 1_000_000:
        raise ValueError("sequence out of range")
    return f"PID{year:04d}{sequence:06d}"
