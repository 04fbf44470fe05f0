"""Outside values, parsed once at the boundary: record ids, page numbers, contribution months and years.

ASCII digits only (Python's `int()` and `\\d` also take Arabic-Indic, fullwidth and other digits), with
bounds: an id beyond a 64-bit integer is a 404 (no such record), a page out of range is the first or last
page, a month outside 2000-2099 is no month. Amounts are read by core.money.
"""

import re
from datetime import date

from flask import request
from werkzeug.routing import IntegerConverter, ValidationError

from webapp.errors import NulCharacter

MAX_ID = 2**63 - 1  # the largest id either database can store
MAX_PAGE = 100_000
_DIGITS = re.compile(r"[0-9]{1,19}", re.ASCII)
_MONTH = re.compile(r"(20[0-9]{2})-(0[1-9]|1[0-2])", re.ASCII)
_YEAR = re.compile(r"[0-9]{4}", re.ASCII)
_DATE = re.compile(r"(20[0-9]{2})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])", re.ASCII)


def parse_id(text) -> int | None:
    """A record id from outside (a form field), or None when it cannot be one."""
    text = (text or "").strip()
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def parse_page(text, default: int = 1) -> int:
    """A page number from `?page=`: ASCII digits from 1 to MAX_PAGE, else `default`."""
    text = (text or "").strip()
    if not _DIGITS.fullmatch(text) or not 0 < int(text) <= MAX_PAGE:
        return default
    return int(text)


def parse_month(text) -> date | None:
    """A contribution month written YYYY-MM (what <input type=month> sends), or None."""
    match = _MONTH.fullmatch((text or "").strip())
    return date(int(match.group(1)), int(match.group(2)), 1) if match else None


def parse_year(text) -> int | None:
    """A year written with four ASCII digits (`?year=2026`), or None; its range is the caller's rule."""
    text = (text or "").strip()
    return int(text) if _YEAR.fullmatch(text) else None
def parse_date(text) -> date | None:
    """A day written YYYY-MM-DD (what <input type=date> sends), ASCII digits only, or None."""
    match = _DATE.fullmatch((text or "").strip())
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:  # 2026-02-30
        return None


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: ASCII digits only and at most a 64-bit integer, else no such page (404)."""

    regex = r"[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValidationError()
        return number


def init_app(app) -> None:
    """Install the converter (before the blueprints add their routes) and refuse NUL characters anywhere.

    A NUL byte is not text: PostgreSQL refuses it in any string, so it is answered 400 at the door.
    """
    app.url_map.converters["int"] = IdConverter

    @app.before_request
    def refuse_nul():
        if "\x00" in request.path or any("\x00" in key or "\x00" in value
                                         for source in (request.args, request.form)
                                         for key, values in source.lists() for value in values):
            raise NulCharacter()
