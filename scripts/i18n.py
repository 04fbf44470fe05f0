"""Keep the catalogues in step with the code: `python scripts/i18n.py` (or `make translations`).

Extracts every message (templates, views, forms, and core messages marked N_) into messages.pot, merges it
into the Bahasa Melayu and English catalogues, fills the English one from the source text, and lists the
Malay messages still untranslated. `--check` exits 1 when any is missing (the test suite checks this too).
"""

import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "webapp" / "translations"
TEMPLATE = CATALOGUES / "messages.pot"


def extract() -> Catalog:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"),
         "-k", "N_", "-k", "_l", "--no-location", "--omit-header", "--sort-output", "-o", str(TEMPLATE),
         str(ROOT)],
        check=True, capture_output=True)
    with TEMPLATE.open("rb") as fh:
        return read_po(fh)


def merge(template: Catalog, locale: str) -> Catalog:
    path = CATALOGUES / locale / "LC_MESSAGES" / "messages.po"
    if path.exists():
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
    else:
        catalog = Catalog(locale=locale, project="ASSIST")
    catalog.update(template, no_fuzzy_matching=True)
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


def main() -> int:
    template = extract()
    merge(template, "en")
    untranslated = missing(merge(template, "ms"))
    for message_id in untranslated:
        print(f"untranslated (ms): {message_id}")
    print(f"{len(template)} messages; {len(untranslated)} untranslated in Bahasa Melayu.")
    return 1 if untranslated and "--check" in sys.argv else 0


if __name__ == "__main__":
    sys.exit(main())
