"""The ASSIST text files: layouts, tolerant parsing, checks against employer and month, generation."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.coverage import Employee, coverage
from core.filecheck import check, lawful_shares
from core.textfile import WIDTH, Layout, Record, generate, parse

CODE = "E1100050233Z"
OCT_2024 = date(2024, 10, 1)
# domain.md 5.1 and 5.2 samples
SOCSO_SAMPLE = CODE + " " * 20 + "840628063333" + "ALI BIN MOHD".ljust(150) + "052021" + "00000000008880" + " " * 9
KAMKIKORICH = ("F9400000001F" + " " * 20 + "771013125095" + "WALTER JUSTIN".ljust(150) + "052026"
               + "        450000" + "  7785  2225   890   890     0" + " " * 34)


def combined(id_number="840628063333", wages="4500", shares=("77.85", "22.25", "8.90", "8.90"), skbbk=None,
             month=OCT_2024, line=1):
    return Record(employer_code=CODE, id_number=id_number, name="ALI BIN MOHD", month=month, wages=D(wages),
                  socso_employer=D(shares[0]), socso_employee=D(shares[1]), eis_employer=D(shares[2]),
                  eis_employee=D(shares[3]), skbbk_employee=D(skbbk) if skbbk else None, line=line)


def test_layout_widths():
    assert WIDTH == {Layout.SOCSO: 223, Layout.EIS: 223, Layout.COMBINED: 278}
    assert len(SOCSO_SAMPLE) == 223 and len(KAMKIKORICH) == 278


def test_socso_only_sample():
    result = parse(SOCSO_SAMPLE.encode() + b"\r\n", Layout.SOCSO)
    assert result.ok
    record = result.records[0]
    assert (record.employer_code, record.id_number, record.month, record.amount) == \
        (CODE, "840628063333", date(2021, 5, 1), D("88.80"))


def test_space_filled_numbers_as_the_official_pdf_sample():
    result = parse(KAMKIKORICH.encode(), Layout.COMBINED)
    assert result.ok, result.errors
    record = result.records[0]
    assert (record.wages, record.socso_employer, record.socso_employee) == (D("4500.00"), D("77.85"), D("22.25"))
    assert (record.eis_employer, record.skbbk_employee) == (D("8.90"), D("0.00"))


@pytest.mark.parametrize("variant", [
    lambda t: t + "\r\n", lambda t: t + "\n", lambda t: t, lambda t: t.rstrip() + "\n",
    lambda t: "\ufeff" + t + "\r\n", lambda t: t + "\r\n\r\n\n",
])
def test_what_payroll_software_and_editors_produce_is_accepted(variant):
    result = parse(variant(SOCSO_SAMPLE).encode("utf-8"), Layout.SOCSO)
    assert result.ok and len(result.records) == 1


def test_errors_name_the_line_the_field_and_what_was_expected():
    bad = SOCSO_SAMPLE[:194] + "132021" + "0000000000888X" + SOCSO_SAMPLE[214:]
    text = (SOCSO_SAMPLE + "\r\n" + bad + "\r\n" + SOCSO_SAMPLE + "X\r\n").encode()
    result = parse(text, Layout.SOCSO)
    assert len(result.records) == 1
    assert [(e.line, e.field) for e in result.errors] == [
        (2, "Month Contribution"), (2, "Contribution Amount"), (3, "")]
    assert "MMYYYY" in str(result.errors[0]) and "224 characters" in str(result.errors[2])


def test_tabs_and_empty_files():
    assert not parse(b"E1100050233Z\t123", Layout.SOCSO).ok
    empty = parse(b"\r\n\r\n", Layout.COMBINED)
    assert not empty.ok and "no contribution lines" in str(empty.errors[0])


def test_generated_lines_are_zero_filled_capitals_and_crlf():
    record = Record(employer_code=CODE, id_number="840628063333", name="Ali bin Mohd", month=OCT_2024,
                    wages=D("4500"), socso_employer=D("77.85"), socso_employee=D("22.25"), eis_employer=D("8.90"),
                    eis_employee=D("8.90"))
    data = generate([record], Layout.COMBINED)
    assert data.endswith(b"\r\n") and len(data) == 280
    line = data.decode()[:-2]
    assert line[44:56] == "ALI BIN MOHD"
    assert line[194:244] == "102024" + "00000000450000" + "007785" + "002225" + "000890" + "000890" + "000000"
    assert line[244:] == " " * 34


def test_check_accepts_a_clean_file_and_each_category():
    first = combined()
    second = combined("840628063334", "2000", ("24.40", "0.00", "0.00", "0.00"), line=2)
    assert check([first, second], Layout.COMBINED, employer_code=CODE, month=OCT_2024) == []


def test_check_gives_the_expected_amount_on_the_wrong_line():
    wrong = combined("840628063334", "2000", ("34.00", "9.75", "3.90", "3.90"), line=2)
    errors = check([combined(), wrong], Layout.COMBINED, employer_code=CODE, month=OCT_2024)
    assert len(errors) == 1 and errors[0].line == 2 and errors[0].field == "SOCSO employer share"
    assert "RM 34.15 for wages of RM 2,000.00 in 10/2024" in str(errors[0])


def test_check_uses_the_known_coverage_of_the_employee():
    over_60 = Employee(birth_date=date(1960, 1, 1), employment_start=date(2015, 1, 1))
    line = combined()  # First Category amounts, but the employee is 64
    errors = check([line], Layout.COMBINED, employer_code=CODE, month=OCT_2024,
                   coverage_of=lambda record: coverage(over_60, OCT_2024))
    assert {e.field for e in errors} == {"SOCSO employer share", "SOCSO employee share", "EIS employer share",
                                         "EIS employee share"}


def test_skbbk_is_expected_from_june_2026():
    month = date(2026, 6, 1)
    without = combined(wages="2000", shares=("34.15", "9.75", "3.90", "3.90"), month=month)
    errors = check([without], Layout.COMBINED, employer_code=CODE, month=month)
    assert [e.field for e in errors] == ["SKBBK employee share"] and "RM 14.65" in str(errors[0])
    paid = combined(wages="2000", shares=("34.15", "9.75", "3.90", "3.90"), skbbk="14.65", month=month)
    assert check([paid], Layout.COMBINED, employer_code=CODE, month=month) == []


def test_check_refuses_another_employer_another_month_and_duplicates():
    other = Record(employer_code="E2101003421P", id_number="1", name="X", month=OCT_2024, amount=D("43.90"), line=1)
    later = Record(employer_code=CODE, id_number="2", name="Y", month=date(2024, 11, 1), amount=D("43.90"), line=2)
    twice = [Record(employer_code=CODE, id_number="3", name="Z", month=OCT_2024, amount=D("43.90"), line=n)
             for n in (3, 4)]
    odd = Record(employer_code=CODE, id_number="5", name="W", month=OCT_2024, amount=D("43.91"), line=5)
    errors = check([other, later, *twice, odd], Layout.SOCSO, employer_code=CODE, month=OCT_2024)
    assert [(e.line, e.field) for e in errors] == [
        (1, "Employer Code"), (2, "Month Contribution"), (4, "ID Number"), (5, "Contribution Amount")]


names = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ '@/.-", min_size=1, max_size=150).map(
    lambda s: " ".join(s.split())).filter(bool)
amounts = st.integers(0, 999_999).map(lambda n: D(n) / 100)
records = st.builds(
    Record, employer_code=st.just(CODE), id_number=st.from_regex(r"[A-Z0-9]{1,12}", fullmatch=True), name=names,
    month=st.builds(date, st.integers(2000, 2099), st.integers(1, 12), st.just(1)),
    wages=st.integers(0, 99_999_999).map(lambda n: D(n) / 100), socso_employer=amounts, socso_employee=amounts,
    eis_employer=amounts, eis_employee=amounts, skbbk_employee=amounts)


@settings(max_examples=200)
@given(st.lists(records, min_size=1, max_size=5))
def test_generate_then_parse_gives_back_the_records(items):
    result = parse(generate(items, Layout.COMBINED), Layout.COMBINED)
    assert result.ok and result.records == items


@settings(max_examples=300)
@given(st.binary(max_size=2000), st.sampled_from(list(Layout)))
def test_parse_never_raises(data, layout):
    result = parse(data, layout)
    assert result.ok or result.errors


# Issue 8: text files never lose a sen -------------------------------------------------------------------

JUNE_2026 = date(2026, 6, 1)


def socso_line(amount_sen: int, month="062026", id_number="840628063333", name="ALI BIN MOHD") -> str:
    return CODE + " " * 20 + id_number.ljust(12) + name.ljust(150) + month + f"{amount_sen:014d}" + " " * 9


def test_socso_only_amounts_must_be_lawful_for_the_employees_category():
    first = coverage(Employee(birth_date=date(1990, 1, 1), employment_start=date(2015, 1, 1)), OCT_2024)
    second = coverage(Employee(birth_date=date(1960, 1, 1), employment_start=date(2015, 1, 1)), OCT_2024)
    line = Record(employer_code=CODE, id_number="1", name="X", month=OCT_2024, amount=D("43.90"), line=1)
    assert check([line], Layout.SOCSO, employer_code=CODE, month=OCT_2024, coverage_of=lambda r: first) == []
    [error] = check([line], Layout.SOCSO, employer_code=CODE, month=OCT_2024, coverage_of=lambda r: second)
    assert "another kind of employee" in str(error) and "RM 24.40" in str(error)  # Second Category, same band
    cat2 = Record(employer_code=CODE, id_number="1", name="X", month=OCT_2024, amount=D("24.40"), line=1)
    [error] = check([cat2], Layout.SOCSO, employer_code=CODE, month=OCT_2024, coverage_of=lambda r: first)
    assert "RM 43.90" in str(error)
    assert lawful_shares(Layout.SOCSO, D("24.40"), OCT_2024, second) == {
        "socso_employer": D("24.40"), "socso_employee": D("0.00"), "skbbk_employee": D("0.00")}


def test_eis_only_lines_for_someone_eis_does_not_cover_are_errors():
    foreign = coverage(Employee(birth_date=date(1990, 1, 1), employment_start=date(2015, 1, 1), citizen=False),
                       OCT_2024)
    line = Record(employer_code=CODE, id_number="1", name="X", month=OCT_2024, amount=D("7.80"), line=1)
    [error] = check([line], Layout.EIS, employer_code=CODE, month=OCT_2024, coverage_of=lambda r: foreign)
    assert "not covered by EIS" in str(error)
    nothing = Record(employer_code=CODE, id_number="1", name="X", month=OCT_2024, amount=D("0.00"), line=1)
    assert check([nothing], Layout.EIS, employer_code=CODE, month=OCT_2024, coverage_of=lambda r: foreign) == []


def test_from_june_2026_the_socso_only_amount_carries_skbbk():
    """Our reading of the 223 layout (core.filecheck): RM2,000 gives 43.90 + SKBBK 14.65 = 58.55."""
    local = coverage(Employee(birth_date=date(1990, 1, 1), employment_start=date(2015, 1, 1)), JUNE_2026)
    parsed = parse((socso_line(5855) + "\r\n" + socso_line(4390, id_number="2")).encode(), Layout.SOCSO)
    assert parsed.ok
    errors = check(parsed.records, Layout.SOCSO, employer_code=CODE, month=JUNE_2026, coverage_of=lambda r: local)
    assert [e.line for e in errors] == [2] and "RM 58.55" in str(errors[0])
    assert lawful_shares(Layout.SOCSO, D("58.55"), JUNE_2026, local) == {
        "socso_employer": D("34.15"), "socso_employee": D("9.75"), "skbbk_employee": D("14.65")}


@pytest.mark.parametrize("digits", ["0000000000439²", "٠٠٠٠٠٠٠٠٠٠٤٣٩٠", "０００００００００００４３９"])
def test_only_ascii_digits_are_numbers(digits):
    line = CODE + " " * 20 + "840628063333" + "ALI".ljust(150) + "102024" + digits.rjust(14) + " " * 9
    result = parse(line.encode("utf-8"), Layout.SOCSO)
    assert not result.ok and not result.records
    assert any(e.field == "Contribution Amount" for e in result.errors)


def test_a_file_of_garbage_stops_at_a_thousand_errors_and_counts_the_rest():
    result = parse(b"x\n" * 200_000, Layout.COMBINED)
    assert len(result.errors) == 1000 and result.unchecked > 190_000
    assert result.unchecked + len({e.line for e in result.errors}) == 200_000


def test_a_month_without_a_schedule_is_a_line_error_not_a_crash():
    old = date(2010, 5, 1)
    unknown = Record(employer_code=CODE, id_number="1", name="X", month=old, amount=D("10.10"), line=1)
    [error] = check([unknown], Layout.SOCSO, employer_code=CODE, month=old)
    assert error.field == "Month Contribution" and "no SOCSO contribution schedule" in str(error)
    early = combined(month=date(2017, 5, 1), shares=("77.85", "22.25", "0.00", "0.00"))
    assert all(e.field != "Month Contribution" for e in check([early], Layout.COMBINED, employer_code=CODE,
                                                               month=date(2017, 5, 1)))


@pytest.mark.parametrize("variant", [
    lambda t: t + "\r\n\x1a",  # DOS end-of-file mark
    lambda t: t + "\x1a",
    lambda t: t + " " * 12 + "\r\n",  # padded past the layout
    lambda t: t + "\r" + t + "\r",  # CR-only line ends
])
def test_files_as_windows_payroll_programs_write_them(variant):
    result = parse(variant(SOCSO_SAMPLE).encode("ascii"), Layout.SOCSO)
    assert result.ok and len(result.records) >= 1 and result.records[0].amount == D("88.80")


def test_windows_1252_names_are_read_when_the_file_is_not_utf8():
    line = socso_line(4390, month="102024", name="JOSÉ ÑUÑEZ")
    result = parse(line.encode("cp1252") + b"\r\n", Layout.SOCSO)
    assert result.ok and result.records[0].name == "JOSÉ ÑUÑEZ"


def test_utf8_lines_padded_by_a_program_that_counts_bytes_are_read():
    name = "JOSÉ ÑUÑEZ"
    padded = name.encode("utf-8").ljust(150)  # 150 bytes, but 148 characters
    raw = (CODE + " " * 20 + "840628063333").encode() + padded + b"102024" + b"00000000004390" + b" " * 9
    result = parse(raw + b"\r\n", Layout.SOCSO)
    assert result.ok and result.records[0].name == name and result.records[0].amount == D("43.90")


def test_two_digit_years_are_refused_not_read_as_year_21():
    line = SOCSO_SAMPLE[:214] + "010621" + "   "
    result = parse(line.encode(), Layout.SOCSO)
    assert not result.ok and result.errors[0].field == "Employment Date"
    good = parse((SOCSO_SAMPLE[:214] + "01062021" + " ").encode(), Layout.SOCSO)
    assert good.ok and good.records[0].employment_date == date(2021, 6, 1)


def test_wages_above_the_ceiling_in_a_file_are_a_line_error():
    result = parse(generate([combined(wages="1000000.00")], Layout.COMBINED), Layout.COMBINED)
    assert not result.ok and result.errors[0].field == "Wages" and "999,999.99" in str(result.errors[0])


def test_export_pads_names_by_characters():
    record = Record(employer_code=CODE, id_number="1", name="JOSÉ", month=OCT_2024, amount=D("43.90"))
    text = generate([record], Layout.SOCSO).decode("utf-8")
    assert len(text.rstrip("\r\n")) == 223 and text[44:48] == "JOSÉ"


def test_a_utf16_file_gets_one_clear_error_not_an_error_per_line():
    result = parse(("\ufeff" + SOCSO_SAMPLE + "\r\n").encode("utf-16-le"), Layout.SOCSO)
    assert len(result.errors) == 1 and "UTF-16" in str(result.errors[0])
    assert len(parse((SOCSO_SAMPLE + "\r\n").encode("utf-16-le"), Layout.SOCSO).errors) == 1  # without its BOM


def test_export_keeps_a_long_name_with_sharp_s_in_its_field():
    name = ("STRAßE " * 30)[:150]
    record = Record(employer_code=CODE, id_number="1", name=name, month=OCT_2024, amount=D("43.90"))
    line = generate([record], Layout.SOCSO).decode("utf-8").rstrip("\r\n")
    assert len(line) == 223 and "ß" in line
