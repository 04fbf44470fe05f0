"""Employer codes and document numbers (domain.md 6)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import InvalidIdentifier
from core.identifiers import (
    acknowledgement_number,
    crn_number,
    employer_check_letter,
    fclb_notice_number,
    issue_employer_code,
    normalize_employer_code,
    parse_document_number,
    receipt_number,
)

SEED_CODES = ["E1100050233Z", "E2101003421P", "E1302001222A", "E1101100932Z", "A3702171474Y"]


@pytest.mark.parametrize("code", SEED_CODES)
def test_every_employer_code_on_the_seeds_is_accepted(code):
    assert normalize_employer_code(code.lower()) == code


@pytest.mark.parametrize("code", ["E110005023Z", "11100050233Z", "E1100050233", "E11000502334", ""])
def test_malformed_employer_codes(code):
    with pytest.raises(InvalidIdentifier):
        normalize_employer_code(code)


def test_codes_we_issue_carry_our_check_letter():
    code = issue_employer_code("E", 1100050233)
    assert code.startswith("E1100050233") and normalize_employer_code(code, ours=True) == code
    with pytest.raises(InvalidIdentifier, match="mistyped"):
        normalize_employer_code(code[:-1] + ("A" if code[-1] != "A" else "B"), ours=True)


@given(st.sampled_from("AEF"), st.integers(1, 10**10 - 1), st.integers(1, 10), st.integers(1, 9))
def test_check_letter_catches_any_single_digit_mistake(prefix, number, position, delta):
    digits = f"{number:010d}"
    wrong = list(digits)
    wrong[position - 1] = str((int(wrong[position - 1]) + delta) % 10)
    assert employer_check_letter(prefix, "".join(wrong)) != employer_check_letter(prefix, digits)


@given(st.integers(1, 10**10 - 1), st.integers(1, 9))
def test_check_letter_catches_swapped_neighbours(number, position):
    digits = list(f"{number:010d}")
    if digits[position - 1] == digits[position]:
        return
    swapped = digits.copy()
    swapped[position - 1], swapped[position] = digits[position], digits[position - 1]
    assert employer_check_letter("E", "".join(swapped)) != employer_check_letter("E", "".join(digits))


@pytest.mark.parametrize(("number", "kind", "month", "sequence"), [
    ("ACR072210020506", "ACR", date(2021, 7, 1), 20506), ("ECR062180000332", "ECR", date(2018, 6, 1), 332),
    ("ECR072210004241", "ECR", date(2021, 7, 1), 4241), ("CRN06202100125762", "CRN", date(2021, 6, 1), 125762),
])
def test_seed_document_numbers_round_trip(number, kind, month, sequence):
    parsed = parse_document_number(number)
    assert (parsed.kind, parsed.month, parsed.sequence) == (kind, month, sequence)
    rebuilt = crn_number(month, sequence) if kind == "CRN" else acknowledgement_number(kind, month, sequence)
    assert rebuilt == number


def test_receipt_and_notice_numbers_of_the_seeds():
    assert receipt_number(2017, 1466) == "20170000001466"
    assert parse_document_number("20170000001466").year == 2017
    assert fclb_notice_number("E1101100932Z", 2170674) == "11011009322170674"
    assert parse_document_number("11011009322170674").employer_digits == "1101100932"


@pytest.mark.parametrize("text", ["ACR132210020506", "XYZ072210020506", "CRN0620210012576", "hello"])
def test_unrecognised_document_numbers(text):
    with pytest.raises(InvalidIdentifier):
        parse_document_number(text)


def test_sequences_must_fit():
    with pytest.raises(ValueError):
        acknowledgement_number("ACR", date(2026, 11, 1), 10_000_000)
