"""Every CSV file the portal writes goes through here, so none can carry a spreadsheet formula.

People are shared between employers (Search Existing Employee), so text typed by one company can reach
another company's export. A text cell that starts with = + - @, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets (OWASP "CSV Injection"); such a cell gets a leading
apostrophe, which spreadsheets show as text and do not evaluate. Numbers and dates are written as they are.
"""

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # lets spreadsheet software read the file as UTF-8


def safe_cell(value):
    """A text value that cannot start a formula; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: Sequence, rows: Iterable[Sequence]) -> str:
    """The whole CSV document (BOM, header, rows), every text cell through `safe_cell`."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
