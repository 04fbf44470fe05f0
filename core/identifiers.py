"""Identifier formats: MyKad, business registration numbers, phone numbers, document references.

Only the formats; the running numbers inside references come from database sequences (webapp.services).
"""

import re
from dataclasses import dataclass
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


# Employer codes: a letter, 10 digits and a letter, e.g. E1100050233Z (domain.md 6). PERKESO's own check
# letter is not published, so codes we issue carry a check letter of our own (below); codes from PERKESO are
# accepted by their format alone.
EMPLOYER_CODE = re.compile(r"^[A-Z]\d{10}[A-Z]$")
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def employer_check_letter(prefix: str, digits: str) -> str:
    """Our check letter: sum of position weights (1..11) times values (A=10..Z=35, digits 0..9), mod 26.

    Every single-character mistake and every swap of two neighbours changes it.
    """
    values = [_ALPHABET.index(prefix) + 10] + [int(d) for d in digits]
    return _ALPHABET[sum(weight * value for weight, value in enumerate(values, start=1)) % 26]


def issue_employer_code(prefix: str, number: int) -> str:
    """The employer code for running number `number` under a letter (E business, A domestic-worker employer)."""
    if prefix not in _ALPHABET or not 0 < number < 10**10:
        raise ValueError("prefix must be a capital letter and number 1..9,999,999,999")
    digits = f"{number:010d}"
    return f"{prefix}{digits}{employer_check_letter(prefix, digits)}"


def normalize_employer_code(value: str, *, ours: bool = False) -> str:
    """An employer code in capitals, checked by format (and by our check letter when `ours`)."""
    code = value.strip().upper()
    if not EMPLOYER_CODE.match(code):
        raise InvalidIdentifier(N_("An employer code is a letter, 10 digits and a letter, e.g. E1100050233Z."))
    if ours and employer_check_letter(code[0], code[1:11]) != code[11]:
        raise InvalidIdentifier(N_("This employer code is mistyped: its last letter does not match."))
    return code


# Document numbers. Layouts inferred from the seeds (domain.md 6); running numbers come from the store.
_ACKNOWLEDGEMENT = re.compile(r"^(?P<kind>ACR|ECR)(?P<month>0[1-9]|1[0-2])2(?P<year>\d{2})(?P<seq>\d{7})$")
_CRN = re.compile(r"^CRN(?P<month>0[1-9]|1[0-2])(?P<year>\d{4})(?P<seq>\d{8})$")
_RECEIPT = re.compile(r"^(?P<year>\d{4})(?P<seq>\d{10})$")
_FCLB = re.compile(r"^(?P<employer>\d{10})(?P<seq>\d{7})$")


@dataclass(frozen=True)
class DocumentNumber:
    kind: str  # ACR, ECR, CRN, RECEIPT, FCLB
    sequence: int
    month: date | None = None  # the first day of the month the number carries (ACR, ECR, CRN)
    year: int | None = None
    employer_digits: str | None = None


def _checked(sequence: int, digits: int) -> int:
    if not 0 < sequence < 10**digits:
        raise ValueError(f"sequence must have at most {digits} digits")
    return sequence


def acknowledgement_number(kind: str, month: date, sequence: int) -> str:
    """ACR (Act 4) or ECR (Act 800) number: prefix, MM, the year as 2YY, 7-digit sequence (ACR072210020506)."""
    if kind not in ("ACR", "ECR") or not 2000 <= month.year <= 2099:
        raise ValueError("kind is ACR or ECR, year 2000-2099")
    return f"{kind}{month.month:02d}2{month.year % 100:02d}{_checked(sequence, 7):07d}"


def crn_number(month: date, sequence: int) -> str:
    """Employee registration reference: CRN, MMYYYY, 8-digit sequence (CRN06202100125762)."""
    return f"CRN{month.month:02d}{month.year:04d}{_checked(sequence, 8):08d}"


def receipt_number(year: int, sequence: int) -> str:
    """Receipt number: the year and a 10-digit sequence (20170000001466)."""
    return f"{year:04d}{_checked(sequence, 10):010d}"


def fclb_notice_number(employer_code: str, sequence: int) -> str:
    """Late-payment interest notice: the employer code's 10 digits and a 7-digit sequence (11011009322170674)."""
    return f"{normalize_employer_code(employer_code)[1:11]}{_checked(sequence, 7):07d}"


def parse_document_number(value: str) -> DocumentNumber:
    """Recognise an ACR, ECR, CRN, receipt or FCLB notice number; raise InvalidIdentifier otherwise."""
    text = value.strip().upper()
    if match := _ACKNOWLEDGEMENT.match(text):
        return DocumentNumber(match["kind"], int(match["seq"]),
                              month=date(2000 + int(match["year"]), int(match["month"]), 1))
    if match := _CRN.match(text):
        return DocumentNumber("CRN", int(match["seq"]), month=date(int(match["year"]), int(match["month"]), 1))
    if match := _FCLB.match(text):
        return DocumentNumber("FCLB", int(match["seq"]), employer_digits=match["employer"])
    if match := _RECEIPT.match(text):
        return DocumentNumber("RECEIPT", int(match["seq"]), year=int(match["year"]))
    raise InvalidIdentifier(N_("This is not an ACR, ECR, CRN, receipt or notice number."))
