"""SALARY SPREADSHEET: reading CSV and XLSX, guessing the columns, matching rows to employees."""

import io
from decimal import Decimal as D

import pytest
from openpyxl import Workbook

from core.errors import ValidationError
from core.spreadsheet import guess_columns, match, read


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_excel_numbers_and_a_mykad_with_dashes():
    sheet = read(xlsx([["Nama", "No. KP", "Gaji (RM)"], ["ALI", "900101-14-5671", 2000.5], [None, None, None],
                       ["ABU", "880101145671", 3000]]), "gaji.xlsx")
    assert sheet.headings == ["Nama", "No. KP", "Gaji (RM)"]
    assert guess_columns(sheet.headings) == (1, 2)
    matched, problems = match(sheet, 1, 2, {"900101145671", "880101145671"}, set())
    assert problems == [] and [(m.id_number, m.wages) for m in matched] == [
        ("900101145671", D("2000.50")), ("880101145671", D("3000"))]


def test_csv_with_semicolons_from_a_malay_excel_and_the_remembered_columns():
    data = "IC;Nama;Upah\n900101145671;ALI;\"2,000.00\"\n".encode("cp1252")
    sheet = read(data, "gaji.csv")
    assert guess_columns(sheet.headings, (None, "Upah")) == (0, 2)
    assert guess_columns(["A", "Upah", "IC"], ("IC", "Upah")) == (2, 1)  # columns moved: found by name
    matched, problems = match(sheet, 0, 2, {"900101145671"}, set())
    assert matched[0].wages == D("2000.00") and problems == []


def test_every_wrong_row_is_explained():
    sheet = read(b"ic,wages\n111,abc\n222,100\n333,200\n222,5\n,10\n444,\n555,1000000\n", "x.csv")
    matched, problems = match(sheet, 0, 1, {"111", "222", "444", "555"}, {"333"})
    assert [m.id_number for m in matched] == ["222"]
    assert [(p.row, p.message % p.params if p.params else p.message) for p in problems] == [
        (2, "Enter an amount in ringgit, for example 2000.00."),
        (4, "333 left your employment before this month"),
        (5, "222 is also on row 3"),
        (6, "no identification number"),
        (7, "no wages: enter 0 for no wages this month"),
        (8, "A month's wages cannot be more than RM 999,999.99. Check the amount."),
    ]


@pytest.mark.parametrize("data", [b"", b"only a heading\n", b"PK\x03\x04 not really a zip", b"a\x00b"])
def test_files_that_cannot_be_read_are_refused_with_a_message(data):
    with pytest.raises(ValidationError):
        read(data, "x")
