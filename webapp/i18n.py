"""Bahasa Melayu and English: the choice is remembered in a cookie; catalogues compiled at start-up."""

import os
import tempfile
from decimal import Decimal
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import request
from flask_babel import format_datetime, gettext

from core.coverage import SKBBK_START
from core.interest import MINIMUM as INTEREST_MINIMUM
from core.money import format_rm, from_sen

LANGUAGES = ("ms", "en")
COOKIE = "lang"
CATALOGUES = Path(__file__).parent / "translations"


def money(amount: int | Decimal) -> str:
    """The one money format of every page, `{{ amount|rm }}`: "RM 1,560.10".

    An int is sen (the store keeps whole sen), a Decimal is ringgit (core's unit); anything else (a float, a
    string, None) is a mistake in the template and raises, rather than printing a wrong amount.
    """
    if isinstance(amount, bool) or not isinstance(amount, int | Decimal):
        raise TypeError(f"an amount is int sen or Decimal ringgit, not {type(amount).__name__}")
    return format_rm(from_sen(amount) if isinstance(amount, int) else amount)


def select_locale() -> str:
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "ms"


def translate_error(error) -> str:
    """The message of a core.errors exception in the user's language, parameters filled in."""
    return gettext(error.message, **error.params)


def compile_catalogues(source: Path, target: Path) -> None:
    """Compile each messages.po into a .mo under `target` when it is missing or older than the .po."""
    for po in source.glob("*/LC_MESSAGES/messages.po"):
        mo = target / po.relative_to(source).with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.parent.parent.name)
        fd, temporary = tempfile.mkstemp(dir=mo.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            write_mo(out, catalog)
        os.replace(temporary, mo)


def prepare(app) -> None:
    """Before Flask-Babel starts: compile the catalogues into the instance folder and point Babel there."""
    target = Path(app.config["INSTANCE_DIR"]) / "translations"
    compile_catalogues(CATALOGUES, target)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(target)


def init_app(app) -> None:
    app.jinja_env.globals["current_language"] = select_locale
    app.jinja_env.globals["SKBBK_START"] = SKBBK_START
    app.jinja_env.globals["INTEREST_MINIMUM"] = INTEREST_MINIMUM
    app.jinja_env.filters["rm"] = money
    app.jinja_env.filters["sen_rm"] = lambda value: money(value or 0)  # the old name; templates use rm
    app.jinja_env.filters["datetime"] = lambda value: format_datetime(value, "dd/MM/yyyy h:mm a") if value else ""
