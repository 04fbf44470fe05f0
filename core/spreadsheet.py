"""SALARY SPREADSHEET (issue 13): a month's wages from the employer's own CSV or Excel (XLSX) file.

Pure rules: read the file into a table of text cells, guess which columns hold the identification number
and the wages from their headings, and match each row to an employee of the month or say what is wrong
with it. Choices where nothing is published, each tested:
- The first non-empty row is the heading row. Blank rows are skipped; every other row must be an employee.
- An identification number is compared without dashes and spaces, in capitals (MyKad 900101-14-5671 is
  900101145671).
- Wages are read like the pencil: ringgit with at most two decimals, an optional "RM", commas as thousands
  separators, at most RM 999,999.99; 0 means no wages this month. Excel numbers are taken as the cell holds
  them (2000.5 is RM 2,000.50).
- A row may appear once per employee; employees of the month the file does not list keep what the draft has.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from core.errors import N_, ValidationError
from core.money import parse_wages

MAX_ROWS = 20_000
MAX_COLUMNS = 60
MAX_UNZIPPED = 50 * 1024 * 1024  # an XLSX is a zip: refuse one that inflates past this (a zip bomb)
ID_HEADINGS = re.compile(r"\b(ic|mykad|nric|kp|k/p|no\.?\s*kp|identification|identity|id|passport|pasport)\b", re.I)
WAGE_HEADINGS = re.compile(r"(wage|gaji|salary|upah|pay|income|pendapatan)", re.I)


@dataclass(frozen=True)
class Sheet:
    headings: list[str]
    rows: list[tuple[int, list[str]]]  # (row number in the file, cells)


@dataclass(frozen=True)
class RowProblem:
    row: int
    value: str
    message: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Matched:
    row: int
    id_number: str
    wages: Decimal


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook  # a heavy import, only when an Excel file comes

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(item.file_size for item in archive.infolist()) > MAX_UNZIPPED:
                raise ValidationError(N_("The Excel file is too large once opened."), field="file")
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ValidationError:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged or fake file
        raise ValidationError(N_("This is not an Excel file that can be read (save it again as .xlsx or .csv)."),
                              field="file") from None
    try:
        sheet = workbook.worksheets[0]
        table = []
        for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            table.append([_cell_text(v) for v in values])
            if len(table) > MAX_ROWS + 1:
                break
        return table
    finally:
        workbook.close()


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    if "\x00" in text:
        raise ValidationError(N_("Save the spreadsheet as CSV (UTF-8) or Excel (.xlsx)."), field="file")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[cell.strip() for cell in row[:MAX_COLUMNS]] for row in csv.reader(io.StringIO(text), dialect)]


def read(data: bytes, filename: str) -> Sheet:
    """The first worksheet (XLSX) or the CSV as text cells; raises ValidationError for what cannot be read."""
    if not data:
        raise ValidationError(N_("The file is empty."), field="file")
    table = _read_xlsx(data) if data[:4] == b"PK\x03\x04" else _read_csv(data)
    numbered = [(n, row) for n, row in enumerate(table, start=1) if any(cell for cell in row)]
    if len(numbered) < 2:
        raise ValidationError(N_("The spreadsheet needs a heading row and at least one employee."), field="file")
    if len(numbered) - 1 > MAX_ROWS:
        raise ValidationError(N_("At most %(max)s rows, one per employee."), field="file", max=f"{MAX_ROWS:,}")
    width = max(max((i + 1 for i, cell in enumerate(row) if cell), default=0) for _, row in numbered)
    numbered = [(n, row[:width]) for n, row in numbered]  # without the empty columns on the right
    (_, headings), *rows = numbered
    headings = [h or f"({n})" for n, h in enumerate(headings + [""] * (width - len(headings)), start=1)]
    return Sheet(headings, [(n, row + [""] * (width - len(row))) for n, row in rows])


def guess_columns(headings: list[str], remembered: tuple[str | None, str | None] = (None, None)) -> tuple[int, int]:
    """The columns (0-based) of the identification number and of the wages: the ones remembered from the last
    upload when the file still has them, else by their headings, else the first and the second."""
    def find(name, pattern, default):
        if name in headings:
            return headings.index(name)
        return next((i for i, h in enumerate(headings) if pattern.search(h)), default)

    id_column = find(remembered[0], ID_HEADINGS, 0)
    wage_column = find(remembered[1], WAGE_HEADINGS, 1 if len(headings) > 1 else 0)
    return id_column, wage_column


def normalise_id(text: str) -> str:
    return re.sub(r"[\s-]", "", text).upper()


def match(sheet: Sheet, id_column: int, wage_column: int, working: set[str],
          left: set[str]) -> tuple[list[Matched], list[RowProblem]]:
    """Each row matched to an employee of the month (`working`: their identification numbers) or explained
    (`left`: numbers of this employer's employees who no longer work in the month)."""
    matched, problems, seen = [], [], {}
    for number, cells in sheet.rows:
        raw_id, raw_wages = cells[id_column], cells[wage_column]
        id_number = normalise_id(raw_id)
        if not id_number:
            problems.append(RowProblem(number, raw_id, N_("no identification number")))
            continue
        if id_number in seen:
            problems.append(RowProblem(number, raw_id, N_("%(value)s is also on row %(other)s"),
                                       {"value": raw_id, "other": seen[id_number]}))
            continue
        seen[id_number] = number
        if id_number not in working:
            message = (N_("%(value)s left your employment before this month") if id_number in left
                       else N_("%(value)s is not an employee of yours in this month"))
            problems.append(RowProblem(number, raw_id, message, {"value": raw_id}))
            continue
        try:
            wages = parse_wages(raw_wages) if raw_wages else None
        except ValidationError as exc:
            problems.append(RowProblem(number, raw_wages, exc.message, exc.params))
            continue
        if wages is None:
            problems.append(RowProblem(number, raw_wages, N_("no wages: enter 0 for no wages this month")))
            continue
        matched.append(Matched(number, id_number, wages))
    return matched, problems
