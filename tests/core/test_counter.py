"""The bank counter's rules (core.counter), the banks' collection file (core.collection_file) and the note on
the printed ACR/ECR that SOCSO and EIS need two separate cheques (QRG 8)."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from core import collection_file, counter
from core.documents.acknowledgement import AcknowledgementData, acknowledgement_pdf
from core.errors import ValidationError

TODAY = date(2026, 4, 10)


def test_a_document_number_is_read_as_printed_one_at_a_time():
    assert counter.parse_document(" acr 0322 6000 0001 ") == "ACR032260000001"
    assert counter.parse_document("ECR032260000002") == "ECR032260000002"
    assert counter.parse_document("*ACR032260000001*") == "ACR032260000001"  # scanned from the Code 39 barcode
    for combined in ("ACR032260000001+ECR032260000002", "ACR032260000001 ECR032260000002",
                     "ACR032260000001,ECR032260000002"):
        with pytest.raises(ValidationError, match="two separate cheques"):
            counter.parse_document(combined)
    for wrong in ("", "ACR13226000001", "CRN01202600000001", "ACR032260000001x", "ACR０３２２６００００００１",
                  "ACR0322600000٠1", "20260000000001"):
        with pytest.raises(ValidationError, match="as printed"):
            counter.parse_document(wrong)


def test_cheque_numbers_banks_methods_and_the_exact_amount():
    assert counter.parse_cheque_number(" 012345 ") == "012345"
    for wrong in ("12345", "1234567", "12345a", "１２３４５６", ""):
        with pytest.raises(ValidationError):
            counter.parse_cheque_number(wrong)
    assert counter.check_bank("MBB") == "MBB"
    with pytest.raises(ValidationError):
        counter.check_bank("")
    with pytest.raises(ValidationError):
        counter.check_method("card")
    counter.check_amount(44400, 44400)
    with pytest.raises(ValidationError, match="exact amount") as refused:
        counter.check_amount(44401, 44400)
    assert refused.value.params == {"received": "RM 444.01", "due": "RM 444.00"}
    assert counter.cheque_label("MBB", "123456") == "Maybank 123456"


def test_a_document_reaches_the_counter_the_next_business_day_before_6_pm():
    thursday = datetime(2026, 4, 9, 17, 59)
    assert counter.available_from(thursday) == date(2026, 4, 10)
    assert counter.is_available(thursday, date(2026, 4, 10)) and not counter.is_available(thursday, date(2026, 4, 9))
    assert counter.available_from(datetime(2026, 4, 9, 18, 0)) == date(2026, 4, 13)  # after Friday: Monday
    assert counter.available_from(datetime(2026, 4, 11, 9, 0)) == date(2026, 4, 13)  # a Saturday


def document(kind: str, number: str) -> AcknowledgementData:
    return AcknowledgementData(number, kind, "E1101100932Z", "KEDAI RUNCIT MAJU SDN. BHD.", "Monthly", "8A",
                               "06/2026", 5, Decimal("444.00"), "PORTAL ASSIST PERKESO", "ASSIST (ONLINE)",
                               datetime(2026, 7, 7, 16, 37), "08/07/2026")


@pytest.mark.parametrize("kinds", [("ACR",), ("ECR",), ("ACR", "ECR")])
def test_every_printed_acr_and_ecr_says_two_separate_cheques_in_both_languages(kinds):
    pdf = acknowledgement_pdf([document(kind, f"{kind}062260000001") for kind in kinds])
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) == len(kinds)
    for text in pages:
        assert "Majikan HENDAKLAH menggunakan 2 cek berasingan untuk caruman SOCSO dan EIS." in text
        assert "The employer MUST use 2 separate cheques for SOCSO and EIS contributions." in text


# The collection file --------------------------------------------------------------------------------------

HEADER = "date,acr_ecr_number,amount,bank_reference"


def parse(*lines: str, header: str = HEADER, end: str = "\r\n", bom: bool = True) -> collection_file.Parsed:
    text = ("\ufeff" if bom else "") + end.join([header, *lines]) + end
    return collection_file.parse(text.encode(), TODAY)


def test_a_clean_file_with_bom_crlf_both_date_forms_quotes_and_blank_lines():
    parsed = parse("10/04/2026,ACR032260000001,444.00,MBB20260410000123", "",
                   '2026-04-09 , "ECR032260000002", 15.80 , MBB/2026/7', " ")
    assert parsed.errors == []
    first, second = parsed.lines
    assert (first.line, first.day, first.number, first.amount, first.reference) == (
        2, date(2026, 4, 10), "ACR032260000001", 44400, "MBB20260410000123")
    assert (second.line, second.day, second.amount, second.reference) == (4, date(2026, 4, 9), 1580, "MBB/2026/7")
    assert parse("10/04/2026,ACR032260000001,444.00,X", end="\n", bom=False).lines[0].amount == 44400
    assert parse("10/04/2026,acr032260000001,0.01,x", header="Date, ACR_ECR_Number ,Amount,Bank_Reference").lines[
        0].number == "ACR032260000001"


@pytest.mark.parametrize(("line", "field", "says"), [
    ("31/02/2026,ACR032260000001,1.00,R1", "date", "does not exist"),
    ("11/04/2026,ACR032260000001,1.00,R1", "date", "future"),
    ("10-04-2026,ACR032260000001,1.00,R1", "date", "DD/MM/YYYY"),
    ("١٠/04/2026,ACR032260000001,1.00,R1", "date", "DD/MM/YYYY"),
    ("01/01/1999,ACR032260000001,1.00,R1", "date", "before 2000"),
    ("10/04/2026,ACR0322600000١,1.00,R1", "acr_ecr_number", "not an ACR"),
    ("10/04/2026,FCLB,1.00,R1", "acr_ecr_number", "not an ACR"),
    ("10/04/2026,ACR032260000001,444,R1", "amount", "two decimals"),
    ("10/04/2026,ACR032260000001,1 000.00,R1", "amount", "two decimals"),
    ("10/04/2026,ACR032260000001,RM1.00,R1", "amount", "two decimals"),
    ("10/04/2026,ACR032260000001,-1.00,R1", "amount", "two decimals"),
    ("10/04/2026,ACR032260000001,1.005,R1", "amount", "two decimals"),
    ("10/04/2026,ACR032260000001,４.00,R1", "amount", "two decimals"),
    ("10/04/2026,ACR032260000001,0.00,R1", "amount", "zero"),
    ("10/04/2026,ACR032260000001,1.00,", "bank_reference", "1 to 30"),
    ("10/04/2026,ACR032260000001,1.00,R 1", "bank_reference", "1 to 30"),
    ("10/04/2026,ACR032260000001,1.00," + "R" * 31, "bank_reference", "1 to 30"),
    ("10/04/2026,ACR032260000001,1.00", "", "needs 4"),
    ("10/04/2026,ACR032260000001,1.00,R1,extra", "", "needs 4"),
    ('10/04/2026,"ACR032260000001,1.00,R1', "", "well-formed"),
    ("10/04/2026,ACR032260000001,1.00,R1\x00", "", "control"),
])
def test_every_bad_line_gets_its_line_number_field_and_reason(line, field, says):
    parsed = parse("10/04/2026,ACR032260000001,1.00,GOOD", line)
    assert parsed.lines[0].reference == "GOOD" and len(parsed.lines) == 1
    assert [(e.line, e.field) for e in parsed.errors][:1] == [(3, field)]
    message = parsed.errors[0].message % parsed.errors[0].params if parsed.errors[0].params else \
        parsed.errors[0].message
    assert says in message


def test_what_is_not_a_collection_file_at_all():
    assert "header" in parse("10/04/2026,ACR032260000001,1.00,R1", header="tarikh,no,amaun,rujukan").errors[0].message
    assert "no collection lines" in parse().errors[0].message
    assert "UTF-8" in collection_file.parse(b"date,acr\xff", TODAY).errors[0].message
    assert "header" in collection_file.parse(b"", TODAY).errors[0].message
    assert "UTF-8" in collection_file.parse(b"%PDF-1.7\n%\xe2\xe3", TODAY).errors[0].message


def test_a_file_of_garbage_stops_after_max_errors_and_counts_the_rest():
    parsed = parse(*["garbage"] * (collection_file.MAX_ERRORS + 25))
    assert len(parsed.errors) == collection_file.MAX_ERRORS and parsed.unchecked == 25


def test_the_fingerprint_is_the_bytes():
    data = ("\ufeff" + HEADER + "\r\n10/04/2026,ACR032260000001,1.00,R1\r\n").encode()
    assert collection_file.parse(data, TODAY).fingerprint == collection_file.fingerprint(data)
    assert collection_file.fingerprint(data) != collection_file.fingerprint(data.replace(b"\r\n", b"\n"))


@given(st.binary(max_size=400))
def test_any_bytes_give_lines_or_errors_never_an_exception(data):
    parsed = collection_file.parse(data, TODAY)
    good, bad = {line.line for line in parsed.lines}, {error.line for error in parsed.errors}
    assert not good & bad and all(0 <= n <= data.count(b"\n") + 1 for n in good | bad)
    assert all(line.amount > 0 and line.day <= TODAY for line in parsed.lines)


@given(st.text(max_size=200))
def test_any_text_gives_lines_or_errors_never_an_exception(text):
    parsed = collection_file.parse((HEADER + "\n" + text).encode(), TODAY)
    for line in parsed.lines:
        assert counter.DOCUMENT.fullmatch(line.number) and line.amount > 0
