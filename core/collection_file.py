"""The bank's daily collection file: what a bank collected at its counters for PERKESO, one line per payment.

PERKESO has not published a layout (payments.md B.2: "get it from PERKESO or the bank"), so this one is OURS
until it does: a CSV file, UTF-8 (a byte order mark is allowed), CRLF or LF line ends, a header line, then
one line per collection with four fields in this order:

    date,acr_ecr_number,amount,bank_reference
    07/07/2026,ACR062260000001,444.00,MBB20260707000123

- date: the day the bank collected the money, DD/MM/YYYY or YYYY-MM-DD; not after the day of the import;
- acr_ecr_number: the ACR or ECR number as printed (core.counter.DOCUMENT);
- amount: ringgit with exactly two decimals, no "RM", no thousands separator (444.00);
- bank_reference: the bank's own reference of the collection, 1-30 letters, digits, "-" or "/"; it names
  one collection of that bank for ever (a line whose bank and reference were imported before changes nothing).

Parsing is strict and pure: ASCII digits only; a field may be quoted (CSV) and spaces around a field are
ignored; empty lines are skipped. It never raises on bad input: every bad line is reported with its line
number, the field and what is wrong; after MAX_ERRORS it stops and counts the lines left. The file is
refused as a whole when any line is bad (nothing half-imported).
"""

import csv
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from core.counter import DOCUMENT
from core.errors import N_

HEADER = ("date", "acr_ecr_number", "amount", "bank_reference")
HEADER_LINE = ",".join(HEADER)
MAX_ERRORS = 1000
MAX_LINES = 100_000
_DMY = re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4})", re.ASCII)
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
_AMOUNT = re.compile(r"([0-9]{1,10})\.([0-9]{2})", re.ASCII)
_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9/-]{0,29}", re.ASCII)
FIELDS = {"date": N_("Date"), "acr_ecr_number": N_("ACR/ECR No."), "amount": N_("Amount (RM)"),
          "bank_reference": N_("Bank reference")}


@dataclass(frozen=True)
class Collection:
    """One good line: the bank collected `amount` sen for document `number` on `day`."""

    line: int
    day: date
    number: str
    amount: int  # sen
    reference: str
    raw: str


@dataclass(frozen=True)
class LineError:
    line: int  # 0: the file as a whole
    field: str  # a key of FIELDS, or "" for the whole line
    message: str
    params: dict = field(default_factory=dict)


@dataclass
class Parsed:
    lines: list[Collection]
    errors: list[LineError]
    fingerprint: str  # sha256 of the file's bytes: the same file imported twice is recognised
    unchecked: int = 0  # lines left unread after MAX_ERRORS


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _day(text: str, today: date) -> date:
    match = _DMY.fullmatch(text)
    parts = (match.group(3), match.group(2), match.group(1)) if match else None
    if parts is None and (match := _ISO.fullmatch(text)):
        parts = match.groups()
    if parts is None:
        raise ValueError(N_("Write the date as DD/MM/YYYY or YYYY-MM-DD."))
    try:
        day = date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise ValueError(N_("This date does not exist.")) from None
    if day > today:
        raise ValueError(N_("The date is after today: a collection cannot be in the future."))
    if day.year < 2000:
        raise ValueError(N_("The date is before 2000."))
    return day


def _amount(text: str) -> int:
    match = _AMOUNT.fullmatch(text)
    if not match:
        raise ValueError(N_("Write the amount in ringgit with two decimals and digits only, for example 444.00."))
    sen = int(match.group(1)) * 100 + int(match.group(2))
    if sen == 0:
        raise ValueError(N_("The amount is zero."))
    return sen


def _number(text: str) -> str:
    if not DOCUMENT.fullmatch(text.upper()):
        raise ValueError(N_("This is not an ACR or ECR number."))
    return text.upper()


def _reference(text: str) -> str:
    if not _REFERENCE.fullmatch(text):
        raise ValueError(N_("The bank reference has 1 to 30 letters, digits, \"-\" or \"/\"."))
    return text


def _text_lines(data: bytes) -> list[str] | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text.removeprefix("\ufeff").split("\n")


def parse(data: bytes, today: date) -> Parsed:
    """Read a collection file; `today` is the import's day (Malaysia). Never raises on bad input."""
    found, errors = [], []
    result = Parsed(found, errors, fingerprint(data))
    lines = _text_lines(data)
    if lines is None:
        errors.append(LineError(0, "", N_("This is not a UTF-8 text (CSV) file.")))
        return result
    numbered = [(n, raw.removesuffix("\r")) for n, raw in enumerate(lines, start=1)]
    numbered = [(n, raw) for n, raw in numbered if raw.strip()]
    if not numbered or numbered[0][1].strip().lower().replace(" ", "") != HEADER_LINE:
        errors.append(LineError(numbered[0][0] if numbered else 1, "", N_("The first line must be the header "
                                                                         "%(header)s."), {"header": HEADER_LINE}))
        return result
    body = numbered[1:]
    if not body:
        errors.append(LineError(0, "", N_("The file has no collection lines.")))
    if len(body) > MAX_LINES:
        errors.append(LineError(0, "", N_("The file has more than %(count)s lines: split it."), {"count": MAX_LINES}))
        return result
    for index, (number, raw) in enumerate(body):
        if len(errors) >= MAX_ERRORS:
            result.unchecked = len(body) - index
            break
        _line(number, raw, today, found, errors)
    return result


def _line(number: int, raw: str, today: date, found: list, errors: list) -> None:
    if any(ord(c) < 32 and c != "\t" for c in raw) or "\x7f" in raw:
        errors.append(LineError(number, "", N_("The line has control characters.")))
        return
    try:
        cells = next(csv.reader([raw], strict=True, skipinitialspace=True))
    except csv.Error:
        errors.append(LineError(number, "", N_("The line is not well-formed CSV (check the quotes).")))
        return
    if len(cells) != len(HEADER):
        errors.append(LineError(number, "", N_("The line has %(found)s fields; it needs 4: %(header)s."),
                                {"found": len(cells), "header": HEADER_LINE}))
        return
    values, bad = {}, False
    for name, parser, cell in zip(HEADER, (lambda t: _day(t, today), _number, _amount, _reference), cells,
                                  strict=True):
        try:
            values[name] = parser(cell.strip())
        except ValueError as exc:
            errors.append(LineError(number, name, str(exc)))
            bad = True
    if not bad:
        found.append(Collection(number, values["date"], values["acr_ecr_number"], values["amount"],
                                values["bank_reference"], raw[:200]))
