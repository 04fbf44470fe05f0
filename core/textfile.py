"""The ASSIST contribution text files (domain.md 5): parse what payroll software writes, and generate them.

Three fixed-width layouts, one record per line, no header or trailer:
- SOCSO only (Borang 8A) and EIS only (SIP): 223 characters; the amount is the contribution total in sen;
- SOCSO + EIS combined: 278 characters; wages and each share in sen, with the SKBBK employee amount in the
  slot that was filler until June 2026.

Parsing accepts what payroll programs and editors write: zero- or space-filled numbers; CRLF, LF or CR-only
line ends; trailing spaces trimmed by an editor, or lines padded with spaces past the layout's width; a last
line with or without a line break; a UTF-8 byte order mark; a final DOS end-of-file mark (Ctrl-Z, 0x1A);
Windows-1252 text when the file is not UTF-8; and UTF-8 lines padded by a program that counts bytes rather
than characters. Numbers are ASCII digits only, dates DDMMYYYY with a four-digit year. It never raises on
bad input: it returns the good records and, for every other line, what is wrong, in which field, and what
was expected; after MAX_ERRORS errors it stops reading and counts the lines left.

Generated files pad by characters and are UTF-8: a name with letters outside A-Z takes more bytes than
characters, so software that counts bytes would misread that line (the portal says so where it matters).
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum

from core.errors import N_
from core.money import MAX_WAGES, format_rm, from_sen, sen

EMPLOYER_CODE = re.compile(r"^[A-Z]\d{10}[A-Z]$")
ID_NUMBER = re.compile(r"^[A-Z0-9]{1,12}$")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
DIGITS = re.compile(r"[0-9]+", re.ASCII)
LINE_BREAK = re.compile(rb"\r\n|\r|\n")
MAX_ERRORS = 1000  # a file of garbage gets this many errors listed, not millions


class Layout(Enum):
    SOCSO = "socso"
    EIS = "eis"
    COMBINED = "combined"


@dataclass(frozen=True)
class Column:
    attribute: str  # Record attribute ("" for filler)
    label: str  # the field's name as users see it
    width: int
    kind: str  # code, text, id, name, month, sen, date, status, filler


_HEAD = (
    Column("employer_code", N_("Employer Code"), 12, "code"),
    Column("ssm_number", N_("MyCoID / SSM No."), 20, "text"),
    Column("id_number", N_("ID Number"), 12, "id"),
    Column("name", N_("Employee Name"), 150, "name"),
    Column("month", N_("Month Contribution"), 6, "month"),
)
COLUMNS = {
    Layout.SOCSO: (*_HEAD, Column("amount", N_("Contribution Amount"), 14, "sen"),
                   Column("employment_date", N_("Employment Date"), 8, "date"),
                   Column("status", N_("Employment Status"), 1, "status")),
    Layout.COMBINED: (*_HEAD, Column("wages", N_("Wages"), 14, "wages"),
                      Column("socso_employer", N_("SOCSO employer share"), 6, "sen"),
                      Column("socso_employee", N_("SOCSO employee share"), 6, "sen"),
                      Column("eis_employer", N_("EIS employer share"), 6, "sen"),
                      Column("eis_employee", N_("EIS employee share"), 6, "sen"),
                      Column("skbbk_employee", N_("SKBBK employee share"), 6, "optional_sen"),
                      Column("", "", 34, "filler")),
}
COLUMNS[Layout.EIS] = COLUMNS[Layout.SOCSO]
WIDTH = {layout: sum(c.width for c in columns) for layout, columns in COLUMNS.items()}


@dataclass(frozen=True)
class Record:
    """One employee's line. Amounts are ringgit; the SOCSO/EIS-only layouts carry `amount`, the combined
    layout `wages` and the shares."""

    employer_code: str
    id_number: str
    name: str
    month: date
    ssm_number: str = ""
    amount: Decimal | None = None
    employment_date: date | None = None
    status: str = ""
    wages: Decimal | None = None
    socso_employer: Decimal | None = None
    socso_employee: Decimal | None = None
    eis_employer: Decimal | None = None
    eis_employee: Decimal | None = None
    skbbk_employee: Decimal | None = None
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class LineError:
    """What is wrong on one line: the field, the problem and what was expected (messages for translation)."""

    line: int
    field: str
    message: str
    expected: str = ""
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        text, expected = (self.message % self.params, self.expected % self.params) if self.params \
            else (self.message, self.expected)
        return f"line {self.line}, {self.field or 'line'}: {text}" + (f" (expected {expected})" if expected else "")


@dataclass
class ParseResult:
    records: list[Record]
    errors: list[LineError]
    unchecked: int = 0  # lines not read once MAX_ERRORS errors were found

    @property
    def ok(self) -> bool:
        return not self.errors


class _Bad(Exception):
    def __init__(self, message, expected="", **params):
        super().__init__(message)
        self.message, self.expected, self.params = message, expected, params


def _digits(text: str) -> bool:
    """Only ASCII 0-9 are digits here: str.isdigit() also takes superscripts and other scripts' digits."""
    return bool(DIGITS.fullmatch(text))


def _code(text: str, width: int):
    if not EMPLOYER_CODE.match(text.upper()):
        raise _Bad(N_("not an employer code"), N_("a letter, 10 digits and a letter, e.g. E1100050233Z"))
    return text.upper()


def _id(text: str, width: int):
    if not ID_NUMBER.match(text.upper()):
        raise _Bad(N_("missing or not an identification number"),
                   N_("up to 12 letters or digits, MyKad without dashes"))
    return text.upper()


def _name(text: str, width: int):
    if not text:
        raise _Bad(N_("the name is missing"), N_("the employee's name"))
    return " ".join(text.split())


def _month(text: str, width: int):
    if not (len(text) == 6 and _digits(text) and 1 <= int(text[:2]) <= 12 and 2000 <= int(text[2:]) <= 2099):
        raise _Bad(N_("not a month"), N_("MMYYYY, e.g. 102026"))
    return date(int(text[2:]), int(text[:2]), 1)


def _sen(text: str, width: int):
    if not _digits(text):  # zero-filled or space-filled: the spaces are stripped already
        raise _Bad(N_("not an amount in sen"), N_("digits only, in sen, e.g. %(example)s"),
                   example="0" * (width - 4) + "4390")
    return from_sen(int(text))


def _wages(text: str, width: int):
    value = _sen(text, width)
    if value > MAX_WAGES:
        raise _Bad(N_("wages of %(amount)s are above the most a month's wages can be"), N_("at most %(max)s"),
                   amount=format_rm(value), max=format_rm(MAX_WAGES))
    return value


def _optional_sen(text: str, width: int):
    return _sen(text, width) if text else None


def _date(text: str, width: int):
    if not text:
        return None
    try:
        if len(text) != 8 or not _digits(text) or int(text[4:]) < 1900:  # 010621 is not 1 June 0021
            raise ValueError(text)
        return date(int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError:
        raise _Bad(N_("not a date"), N_("DDMMYYYY or blank")) from None


def _status(text: str, width: int):
    if text and not (text.isascii() and text.isalpha()):
        raise _Bad(N_("not a status code"), N_("a letter or blank"))
    return text.upper()


READERS = {"code": _code, "id": _id, "name": _name, "month": _month, "sen": _sen, "wages": _wages,
           "optional_sen": _optional_sen, "date": _date, "status": _status, "text": lambda text, width: text}
# Per layout: (column, start, end, reader) for every column that carries a value (filler is skipped).
SLICES = {}
for _layout, _columns in COLUMNS.items():
    _position, SLICES[_layout] = 0, []
    for _column in _columns:
        if _column.kind != "filler":
            SLICES[_layout].append((_column, _position, _position + _column.width, READERS[_column.kind]))
        _position += _column.width


def _cells(text: str, raw: bytes, encoding: str, layout: Layout) -> list[str] | LineError:
    """The stripped text of each field, or what is wrong with the line's shape.

    Fields are counted in characters. A line that is the right width only in bytes was padded by a
    program that counts bytes (a UTF-8 name with accents): its fields are cut from the bytes instead.
    """
    width = WIDTH[layout]
    if len(text) > width and not text[width:].strip(" "):
        text = text[:width]  # padded past the layout with spaces
    if len(text) != width and not text.isascii() and len(raw.rstrip(b" ")) <= width <= len(raw):
        return [raw[start:end].decode(encoding, "replace").strip() for _, start, end, _ in SLICES[layout]]
    if len(text) > width:
        return LineError(0, "", N_("the line has %(length)s characters"), N_("%(width)s characters"),
                         {"length": len(text), "width": width})
    text = text.ljust(width)  # an editor may have trimmed trailing spaces
    return [text[start:end].strip() for _, start, end, _ in SLICES[layout]]


def _parse_line(text: str, raw: bytes, encoding: str, number: int,
                layout: Layout) -> tuple[Record | None, list[LineError]]:
    if CONTROL.search(text):
        return None, [LineError(number, "", N_("the line contains a tab or control character"),
                                N_("spaces between fields"))]
    cells = _cells(text, raw, encoding, layout)
    if isinstance(cells, LineError):
        return None, [LineError(number, cells.field, cells.message, cells.expected, cells.params)]
    values, errors = {"line": number}, []
    for (column, _, _, read), raw_value in zip(SLICES[layout], cells, strict=True):
        try:
            values[column.attribute] = read(raw_value, column.width)
        except _Bad as bad:
            errors.append(LineError(number, column.label, bad.message, bad.expected,
                                    {**bad.params, "value": raw_value}))
    if errors:
        return None, errors
    return Record(**values), []


def _split_lines(data: bytes):
    """The lines of `data`, whatever ends them: CRLF (Windows), LF, or CR alone (old Mac programs)."""
    start = 0
    for match in LINE_BREAK.finditer(data):
        yield data[start:match.start()]
        start = match.end()
    if start < len(data):
        yield data[start:]


def parse(data: bytes, layout: Layout) -> ParseResult:
    """Read a text file of `layout`; never raises on bad input (see the module docstring).

    After MAX_ERRORS errors the rest of the file is not read; `unchecked` counts its lines.
    """
    records, errors, unchecked = [], [], 0
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:400].count(b"\x00") > len(data[:400]) // 4:
        return ParseResult([], [LineError(0, "", N_("the file is saved as UTF-16 (Notepad's \"Unicode\")"),
                                          N_("a text file saved as ANSI or UTF-8"))])
    data = data.removeprefix(b"\xef\xbb\xbf").rstrip(b"\r\n\x1a")  # a DOS end-of-file mark (Ctrl-Z) too
    try:
        data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:  # not UTF-8: what Windows payroll programs write
        encoding = "cp1252"
    lines = _split_lines(data)
    for number, raw_line in enumerate(lines, start=1):
        if len(errors) >= MAX_ERRORS:
            unchecked = sum(1 for line in (raw_line, *lines) if line.strip())
            break
        try:
            text = raw_line.decode(encoding)
        except UnicodeDecodeError:
            errors.append(LineError(number, "", N_("the line is not text"), N_("plain text (UTF-8 or Windows)")))
            continue
        if not text.strip():
            continue  # blank lines
        record, line_errors = _parse_line(text, raw_line, encoding, number, layout)
        errors.extend(line_errors)
        if record:
            records.append(record)
    if not records and not errors:
        errors.append(LineError(0, "", N_("the file has no contribution lines"), N_("one line per employee")))
    return ParseResult(records, errors[:MAX_ERRORS], unchecked)


def _format(column: Column, value) -> str:
    if column.kind in ("sen", "optional_sen", "wages"):
        digits = f"{sen(value or Decimal(0)):0{column.width}d}"
        if len(digits) > column.width:
            raise ValueError(f"{column.attribute} does not fit in {column.width} digits")
        return digits
    if column.kind == "month":
        return value.strftime("%m%Y")
    if column.kind == "date":
        return value.strftime("%d%m%Y") if value else " " * column.width
    text = "" if value is None else str(value)
    if column.kind == "name":  # capitals, letter for letter: "ß".upper() is "SS", which would lengthen the name
        text = "".join(c.upper() if len(c.upper()) == 1 else c for c in text)
    if len(text) > column.width:
        raise ValueError(f"{column.attribute} is longer than {column.width} characters")
    return text.ljust(column.width)


def generate(records: list[Record], layout: Layout) -> bytes:
    """The text file for `records`: zero-filled numbers, names in capitals, CRLF line ends."""
    lines = []
    for record in records:
        lines.append("".join(_format(c, getattr(record, c.attribute) if c.attribute else None)
                             for c in COLUMNS[layout]))
    return "".join(line + "\r\n" for line in lines).encode("utf-8")
