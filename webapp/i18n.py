"""Bahasa Melayu and English: the choice is remembered in a cookie; catalogues compiled at start-up."""

import os
import tempfile
from decimal import Decimal
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, g, has_request_context, request
from flask_babel import format_datetime, get_locale, get_translations, gettext
from jinja2 import pass_eval_context
from markupsafe import Markup

from core.coverage import SKBBK_START
from core.interest import MINIMUM as INTEREST_MINIMUM
from core.money import format_rm, from_sen

LANGUAGES = ("ms", "en")
LABELS_KEPT = 5000
COOKIE = "lang"
CATALOGUES = Path(__file__).parent / "translations"


def money(amount: int | Decimal) -> str:
    """The one money format of every page, `{{ amount|rm }}`: "RM 1,560.10".

    An int is sen (the store keeps whole sen), a Decimal is ringgit (core's unit); anything else (a float, a
    string, None) is a mistake in the template and raises, rather than printing a wrong amount.
    """
    if type(amount) is int:  # whole sen, the usual case: no Decimal needed (a list shows two a row)
        ringgit, cents = divmod(abs(amount), 100)
        return f"RM {'-' if amount < 0 else ''}{ringgit:,}.{cents:02d}"
    if isinstance(amount, bool) or not isinstance(amount, int | Decimal):
        raise TypeError(f"an amount is int sen or Decimal ringgit, not {type(amount).__name__}")
    return format_rm(from_sen(amount) if isinstance(amount, int) else amount)


def select_locale() -> str:
    """The language of this request: the cookie's choice, else the browser's, else Malay (worked out once
    per request: the page asks for it several times)."""
    chosen = request.environ.get("assist.locale")
    if chosen is None:
        chosen = request.cookies.get(COOKIE)
        if chosen not in LANGUAGES:
            chosen = request.accept_languages.best_match(LANGUAGES) or "ms"
        request.environ["assist.locale"] = chosen
    return chosen


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


def _catalogue():
    """Flask-Babel's translations for the request's language, looked up once per request (a page asks for
    them once per row) and kept per language on the app; outside a request (a worker, the CLI), once per
    locale on `g`."""
    if has_request_context():
        environ = request.environ
        found = environ.get("assist.catalogue")
        if found is None:
            kept = current_app.extensions.setdefault("assist.catalogues", {})
            language = select_locale()
            found = kept.get(language)
            if found is None:
                found = kept[language] = get_translations()
            environ["assist.catalogue"] = found
        return found
    locale = get_locale()
    cached = g.get("_catalogue")
    if cached is None or cached[0] is not locale:
        cached = g._catalogue = (locale, get_translations())
    return cached[1]


def _gettext_from(catalogue):
    """`_()` for templates rendered outside a request's render (macros imported without context, emails):
    `catalogue()` gives the translations to use at each call."""

    @pass_eval_context
    def template_gettext(eval_ctx, string: str, **variables) -> str:
        return _bound_gettext(catalogue())(eval_ctx, string, **variables)

    return template_gettext


def _bound_gettext(translations):
    """`_()` for one render, with Jinja's newstyle rules (always %-formatted, values escaped), bound to the
    request's catalogue and its translated labels."""
    labels = _plain_labels(translations)

    @pass_eval_context
    def template_gettext(eval_ctx, string: str, **variables) -> str:
        if not variables and eval_ctx.autoescape:
            found = labels.get(string)
            return found if found is not None else _plain_label(translations, string)
        text = translations.ugettext(string)
        if eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704 - our catalogue's text, as Jinja's own newstyle gettext does
        return text % variables

    return template_gettext


def _plain_labels(translations) -> dict:
    """The labels without parameters already translated with this catalogue (one dict per language)."""
    try:
        return translations.assist_labels
    except AttributeError:
        translations.assist_labels = {}
        return translations.assist_labels


def _plain_label(translations, string: str) -> Markup:
    label = Markup(translations.ugettext(string)) % {}  # noqa: S704 - as above; `%` as newstyle gettext does
    labels = _plain_labels(translations)
    if len(labels) < LABELS_KEPT:  # a bound, in case a template ever translates something not in the catalogue
        labels[string] = label
    return label


def translate(string: str) -> str:
    """`gettext(string)` without parameters, through the request's catalogue (a tenth of Flask-Babel's cost)."""
    return _catalogue().ugettext(string)


def init_app(app) -> None:
    """Template helpers. `_()` looks the catalogue up once per render instead of on every call (Flask-Babel's
    callables cost 14 us a call, and a page of fifty rows makes a hundred): a context processor binds it to
    the request's catalogue; macros imported without context use the global, which finds it on the request."""
    app.jinja_env.globals.update(_=_gettext_from(_catalogue), gettext=_gettext_from(_catalogue))

    @app.context_processor
    def bound_gettext():
        return {"_": _bound_gettext(_catalogue())}

    app.jinja_env.globals["current_language"] = select_locale
    app.jinja_env.globals["SKBBK_START"] = SKBBK_START
    app.jinja_env.globals["INTEREST_MINIMUM"] = INTEREST_MINIMUM
    app.jinja_env.filters["rm"] = money
    app.jinja_env.filters["dmy"] = lambda day: day.strftime("%d/%m/%Y")  # a date as Malaysian forms write it
    app.jinja_env.filters["sen_rm"] = lambda value: money(value or 0)  # the old name; templates use rm
    app.jinja_env.filters["datetime"] = lambda value: format_datetime(value, "dd/MM/yyyy h:mm a") if value else ""
