"""Keep the catalogues in step with the code: `python scripts/i18n.py` (or `make translations`).

Extracts every message (templates, views, forms, and core messages marked N_) into messages.pot, merges it
into the Bahasa Melayu and English catalogues, fills the English one from the source text, and lists the
Malay messages still untranslated. `--check` writes nothing and exits 1 when either catalogue lacks a
message (the test suite runs it).
"""

import copy
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "webapp" / "translations"
TEMPLATE = CATALOGUES / "messages.pot"


METHOD_MAP = [
    ("core/**.py", "python"),
    ("webapp/**.py", "python"),
    ("webapp/templates/**.html", "jinja2.ext:babel_extract"),
]
STABLE_DATE = datetime(2026, 1, 1, tzinfo=UTC)
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "_l": None}


def extract() -> Catalog:
    """Every translatable message of the code (core messages are marked with N_)."""
    catalog = Catalog(project="ASSIST", creation_date=STABLE_DATE)  # no churn in the headers
    for _filename, _lineno, message, comments, context in extract_from_dir(
            ROOT, METHOD_MAP, keywords=KEYWORDS, comment_tags=("NOTE:",), strip_comment_tags=True):
        catalog.add(message, None, auto_comments=comments, context=context)
    return catalog


def read_catalogue(locale: str) -> Catalog:
    path = CATALOGUES / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def merge(template: Catalog, locale: str) -> Catalog:
    path = CATALOGUES / locale / "LC_MESSAGES" / "messages.po"
    if path.exists():
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
    else:
        catalog = Catalog(locale=locale, project="ASSIST")
    catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)  # update shares the template's messages
    catalog.obsolete.clear()
    catalog.fuzzy = False  # a fuzzy header would be dropped from the .mo, and its charset with it
    catalog.project, catalog.version = "ASSIST", "1"
    catalog.msgid_bugs_address = catalog.last_translator = "ASSIST developers"
    catalog.language_team = {"ms": "Bahasa Melayu", "en": "English"}[locale]
    if locale == "en":
        for message in catalog:
            if message.id and not message.string:
                message.string = message.id
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, omit_header=False, no_location=True, sort_output=True, width=0)
    return catalog


def missing(catalog: Catalog) -> list[str]:
    return [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]


def check() -> list[str]:
    """Messages of the code missing from either catalogue, without writing anything."""
    template = extract()
    gaps = []
    for locale in ("ms", "en"):
        translated = {m.id: m for m in read_catalogue(locale) if m.id and m.string and not m.fuzzy}
        gaps += [f"{locale}: {m.id}" for m in template if m.id and m.id not in translated]
    return gaps


def main() -> int:
    if "--check" in sys.argv:
        gaps = check()
        for gap in gaps:
            print(f"untranslated {gap}")
        print(f"{len(gaps)} untranslated message(s).")
        return 1 if gaps else 0
    template = extract()
    with TEMPLATE.open("wb") as fh:
        write_po(fh, template, omit_header=True, no_location=True, sort_output=True, width=0)
    merge(template, "en")
    untranslated = missing(merge(template, "ms"))
    for message_id in untranslated:
        print(f"untranslated (ms): {message_id}")
    print(f"{len(template)} messages; {len(untranslated)} untranslated in Bahasa Melayu.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
