"""Pure rules used by the foundation: password policy, identifiers, document types."""

import contextlib
import string
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import InvalidIdentifier, ValidationError, WeakPassword
from core.files import sniff_document
from core.identifiers import (
    mykad_birth_date,
    mykad_gender,
    normalize_brn,
    normalize_mykad,
    normalize_phone,
    portal_application_reference,
)
from core.money import parse_ringgit, parse_wages
from core.passwords import MAX_LENGTH, check_new_password, common_passwords, temporary_password


class TestPasswords:
    def test_length_is_the_only_composition_rule(self):
        check_new_password("all lower case words")  # no digit, no capital, accepted
        check_new_password("kami berniaga runcit di pekan sejak tahun sembilan puluhan, ok!!")  # 64
        check_new_password("k" + "ami berniaga " * 4 + "runcit di pekan ok!")

    def test_too_short_or_too_long(self):
        with pytest.raises(WeakPassword) as short:
            check_new_password("elevenchars")
        assert short.value.field == "password" and str(short.value) == "Use at least 12 characters."
        with pytest.raises(WeakPassword):
            check_new_password("a b" * 50)

    @pytest.mark.parametrize("weak", ["qwerty123456", "123456789012", "Password1234", "PERKESO@2026",
                                      "assist123456", "zzzzzzzzzzzzzzzz", "siti.aminah2026", "abcabcabcabc",
                                      "0987654321098", "asdfghjklzxcv"])
    def test_common_or_guessable_passwords(self, weak):
        with pytest.raises(WeakPassword):
            check_new_password(weak, email="siti.aminah@example.com")

    def test_the_same_password_again_is_refused(self):
        with pytest.raises(WeakPassword, match="different"):
            check_new_password("a long enough passphrase", old_password_matches=True)

    def test_the_bundled_list_is_loaded(self):
        assert len(common_passwords()) > 19_000 and "password" in common_passwords()

    def test_temporary_passwords_are_random_and_unambiguous(self):
        seen = {temporary_password() for _ in range(200)}
        assert len(seen) == 200
        for password in seen:
            assert len(password) == 14 and not set(password) & set("0O1lI")
            check_new_password(password)

    @given(st.text(alphabet=string.printable, min_size=0, max_size=MAX_LENGTH + 5))
    def test_never_fails_other_than_with_a_weak_password(self, candidate):
        with contextlib.suppress(WeakPassword):
            check_new_password(candidate)


class TestIdentifiers:
    def test_mykad_with_or_without_dashes(self):
        assert normalize_mykad("901225-08-5344") == "901225085344"
        assert normalize_mykad(" 901225085344 ") == "901225085344"
        assert mykad_birth_date("901225085344") == date(1990, 12, 25)
        assert mykad_gender("901225085344") == "F" and mykad_gender("901225085343") == "M"

    @pytest.mark.parametrize(("number", "reason"), [
        ("90122508534", "12 digits"), ("9012250853AB", "only digits"),
        ("901325085344", "impossible"), ("901225175344", "impossible"),
    ])
    def test_bad_mykad_numbers_say_why(self, number, reason):
        with pytest.raises(InvalidIdentifier, match=reason):
            normalize_mykad(number)

    @pytest.mark.parametrize(("raw", "canonical"), [
        ("202001012345", "202001012345"), ("1234567-x", "1234567-X"), ("jm0123456-x", "JM0123456-X"),
        ("LLP0001234-LGN", "LLP0001234-LGN"),
    ])
    def test_business_registration_numbers(self, raw, canonical):
        assert normalize_brn(raw) == canonical

    @pytest.mark.parametrize("raw", ["", "ABC", "202009012345", "18990101234", "12345678-A"])
    def test_bad_business_registration_numbers(self, raw):
        with pytest.raises(InvalidIdentifier):
            normalize_brn(raw)

    @pytest.mark.parametrize(("raw", "canonical"), [
        ("012-345 6789", "0123456789"), ("+60 11-2345 6789", "01123456789"), ("03-2687 2677", "0326872677"),
    ])
    def test_phone_numbers(self, raw, canonical):
        assert normalize_phone(raw) == canonical

    @pytest.mark.parametrize("raw", ["12345", "0012345678", "+44 20 7946 0958"])
    def test_bad_phone_numbers(self, raw):
        with pytest.raises(InvalidIdentifier):
            normalize_phone(raw)

    def test_application_reference(self):
        assert portal_application_reference(2026, 42) == "PID2026000042"
        with pytest.raises(ValueError):
            portal_application_reference(2026, 1_000_000)


class TestDocuments:
    LIMIT = 5 * 1024 * 1024

    @pytest.mark.parametrize(("head", "name", "kind"), [
        (b"%PDF-1.7", "a.PDF", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "a.png", "image/png"),
        (b"\xff\xd8\xff\xe0", "a.jpeg", "image/jpeg"), (b"\xff\xd8\xff\xe1", "a.jpg", "image/jpeg"),
    ])
    def test_accepted_types(self, head, name, kind):
        assert sniff_document(head, name, 100, self.LIMIT) == kind

    @pytest.mark.parametrize(("head", "name", "size"), [
        (b"MZ\x90\x00", "a.pdf", 100), (b"%PDF-1.7", "a.exe", 100), (b"\x89PNG\r\n\x1a\n", "a.pdf", 100),
        (b"%PDF-1.7", "a.pdf", 0), (b"%PDF-1.7", "a.pdf", LIMIT + 1), (b"GIF89a", "a.gif", 100),
    ])
    def test_refused(self, head, name, size):
        with pytest.raises(ValidationError):
            sniff_document(head, name, size, self.LIMIT)


@pytest.mark.parametrize("typed", ["1e3", "1_000", "RM2,0,0,0", "2,00", "²", "٤٣٩", "２０００", "1.2.3", "RM", "",
                                   "nan", "Infinity", "0x10", "9" * 10_000])
def test_only_plain_ringgit_amounts_are_read(typed):
    with pytest.raises(ValidationError):
        parse_ringgit(typed)


@pytest.mark.parametrize(("typed", "value"), [("2,000", "2000"), ("RM 2,000.50", "2000.50"), ("rm1234.5", "1234.5"),
                                              (" 0.99 ", "0.99"), ("1,234,567.89", "1234567.89")])
def test_ringgit_as_people_type_it(typed, value):
    assert parse_ringgit(typed) == Decimal(value)


def test_a_months_wages_have_a_ceiling():
    assert parse_wages("999,999.99") == Decimal("999999.99")
    with pytest.raises(ValidationError, match="999,999.99"):
        parse_wages("1000000")
