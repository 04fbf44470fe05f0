"""core.fpx: FPX message fields, checksum orders, signing and verification, amounts, parsing, codes."""

import shutil
import stat
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from hypothesis import given, settings
from hypothesis import strategies as st

from core import fpx
from core.errors import ValidationError
from core.fpx_keys import write_development_keys

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
SELLER = fpx.Seller(seller_id="SE00004293", exchange_id="EX00003846")


@pytest.fixture(scope="module")
def key():
    return fpx.generate_private_key_pem()


def certificate(key_pem, not_before=NOW - timedelta(days=1), not_after=NOW + timedelta(days=365)):
    return fpx.self_signed_certificate_pem(key_pem, common_name="fpx", organisation="test",
                                           not_before=not_before, not_after=not_after)


@pytest.fixture(scope="module")
def cert(key):
    return certificate(key)


def an_ar(**overrides):
    values = {"token": fpx.B2C, "seller_ex_order_no": "A0000000042", "seller_order_no": "ACR2026030001",
              "txn_time": NOW, "amount_sen": 123_456, "buyer_bank_id": "TEST0021",
              "product_desc": "SOCSO Feb 2026", "buyer_email": "a@example.com"}
    return fpx.build_ar(SELLER, **{**values, **overrides})


# --- field lists and orders (payments.md A.4) ---------------------------------------------------------------

def test_checksum_orders_are_those_of_payments_md():
    def names(order):
        return "|".join(name.removeprefix("fpx_") for name in order)
    assert names(fpx.AR_CHECKSUM_FIELDS) == (
        "buyerAccNo|buyerBankBranch|buyerBankId|buyerEmail|buyerIban|buyerId|buyerName|makerName|msgToken|"
        "msgType|productDesc|sellerBankCode|sellerExId|sellerExOrderNo|sellerId|sellerOrderNo|sellerTxnTime|"
        "txnAmount|txnCurrency|version")
    assert names(fpx.AC_CHECKSUM_FIELDS) == (
        "buyerBankBranch|buyerBankId|buyerIban|buyerId|buyerName|creditAuthCode|creditAuthNo|debitAuthCode|"
        "debitAuthNo|fpxTxnId|fpxTxnTime|makerName|msgToken|msgType|sellerExId|sellerExOrderNo|sellerId|"
        "sellerOrderNo|sellerTxnTime|txnAmount|txnCurrency")
    assert names(fpx.BE_CHECKSUM_FIELDS) == "msgToken|msgType|sellerExId|version"
    assert names(fpx.BC_CHECKSUM_FIELDS) == "bankList|msgToken|msgType|sellerExId"
    assert fpx.AE_CHECKSUM_FIELDS == fpx.AR_CHECKSUM_FIELDS
    for order in fpx.CHECKSUM_FIELDS.values():  # each is alphabetical by field name, as A.4 says
        assert list(order) == sorted(order)


def test_an_ar_has_the_twenty_fields_with_wire_formats():
    ar = an_ar()
    assert set(ar) == set(fpx.AR_CHECKSUM_FIELDS)
    assert ar["fpx_msgType"] == "AR" and ar["fpx_msgToken"] == "01" and ar["fpx_txnCurrency"] == "MYR"
    assert ar["fpx_txnAmount"] == "1234.56"
    assert [an_ar(amount_sen=sen)["fpx_txnAmount"] for sen in (100, 10_000, 3_000_000, 1_010)] == [
        "1.00", "100.00", "30000.00", "10.10"]  # "%.2f": two decimals, no thousands separator
    assert ar["fpx_sellerTxnTime"] == "20260302100000"  # 02:00 UTC is 10:00 in Malaysia
    assert ar["fpx_sellerId"] == "SE00004293" and ar["fpx_sellerExId"] == "EX00003846"
    assert ar["fpx_version"] == "7.0" and ar["fpx_sellerBankCode"] == "01"
    assert ar["fpx_buyerName"] == "" and ar["fpx_makerName"] == ""  # empty fields are kept, as empty strings


def test_the_checksum_source_keeps_empty_fields_in_place():
    source = fpx.checksum_source(an_ar())
    assert source.startswith("||TEST0021|a@example.com|||||01|AR|SOCSO Feb 2026|01|EX00003846|A0000000042|")
    assert source.count("|") == 19


def test_ae_and_be_messages():
    ar = an_ar()
    ae = fpx.build_ae(fpx.signed(ar, fpx.generate_private_key_pem()))
    assert ae == {**ar, "fpx_msgType": "AE"}  # same fields, no checksum carried over
    assert fpx.build_be(SELLER, fpx.B2B1) == {"fpx_msgToken": "02", "fpx_msgType": "BE",
                                              "fpx_sellerExId": "EX00003846", "fpx_version": "7.0"}
    with pytest.raises(fpx.FpxError):
        fpx.build_be(SELLER, "03")


# --- signing and verifying ----------------------------------------------------------------------------------

def test_sign_then_verify_and_any_change_breaks_it(key, cert):
    ar = fpx.signed(an_ar(), key)
    assert ar["fpx_checkSum"] == ar["fpx_checkSum"].upper() and len(ar["fpx_checkSum"]) == 512
    assert fpx.verify(ar, cert, NOW)
    for name in fpx.AR_CHECKSUM_FIELDS:
        assert not fpx.verify({**ar, name: ar[name] + "1"}, cert, NOW), name
    assert fpx.verify({**ar, "fpx_notSigned": "anything"}, cert, NOW)  # only the checksum fields count
    assert not fpx.verify({**ar, "fpx_checkSum": ""}, cert, NOW)
    assert not fpx.verify({**ar, "fpx_checkSum": "not hex"}, cert, NOW)
    assert not fpx.verify(ar, certificate(fpx.generate_private_key_pem()), NOW)  # another key


def test_verify_accepts_lower_case_hex_and_der_certificates(key, cert):
    ar = fpx.signed(an_ar(), key)
    der = x509.load_pem_x509_certificate(cert).public_bytes(serialization.Encoding.DER)
    assert fpx.verify({**ar, "fpx_checkSum": ar["fpx_checkSum"].lower()}, der, NOW)


@pytest.mark.parametrize("not_before, not_after, message", [
    (NOW - timedelta(days=400), NOW - timedelta(seconds=1), "expired"),
    (NOW + timedelta(seconds=1), NOW + timedelta(days=400), "not valid before"),
])
def test_verify_refuses_a_certificate_outside_its_validity(key, not_before, not_after, message):
    ar = fpx.signed(an_ar(), key)
    outside = certificate(key, not_before, not_after)
    with pytest.raises(fpx.CertificateError, match=message):
        fpx.verify(ar, outside, NOW)
    assert fpx.verify(ar, outside, not_before + timedelta(seconds=1))  # the same certificate, inside its dates


def test_verify_needs_an_aware_time_and_a_readable_certificate(key, cert):
    ar = fpx.signed(an_ar(), key)
    with pytest.raises(fpx.FpxError):
        fpx.verify(ar, cert, NOW.replace(tzinfo=None))
    with pytest.raises(fpx.CertificateError):
        fpx.verify(ar, b"not a certificate", NOW)


def test_the_signature_is_what_openssl_dgst_sha1_gives(key, tmp_path):
    """PKCS#1 v1.5 is deterministic: openssl's own signature over the source must be the same bytes."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is not installed, so there is nothing to compare with")
    ar = an_ar()
    (tmp_path / "key.pem").write_bytes(key)
    (tmp_path / "source").write_bytes(fpx.checksum_source(ar).encode())
    signature = subprocess.run([openssl, "dgst", "-sha1", "-sign", str(tmp_path / "key.pem"),
                                str(tmp_path / "source")], capture_output=True, check=True).stdout
    assert fpx.sign(ar, key) == signature.hex().upper()


@settings(max_examples=25, deadline=None)
@given(values=st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30),
                       min_size=21, max_size=21))
def test_any_ac_values_sign_and_verify(key, cert, values):
    fields = dict(zip(fpx.AC_CHECKSUM_FIELDS, values, strict=True))
    fields["fpx_msgType"] = "AC"
    signed = fpx.signed(fields, key)
    assert fpx.verify(signed, cert, NOW)
    assert not fpx.verify({**signed, "fpx_debitAuthCode": fields["fpx_debitAuthCode"] + "0"}, cert, NOW)


# --- amounts and times --------------------------------------------------------------------------------------

@given(st.integers(min_value=0, max_value=10**11))
def test_amounts_go_to_the_wire_and_back_exactly(sen):
    text = fpx.format_amount(sen)
    assert fpx.parse_amount(text) == sen
    assert text == f"{sen / 100:.2f}" or sen > 2**53  # what "%.2f" gives, without a float in between


@pytest.mark.parametrize("text", ["1.5", "1.000", "1,000.00", "-1.00", " 1.00", "1.00 ", "RM1.00", "", "1e3",
                                  "１.00", "100", "1.00\n"])
def test_only_digits_point_two_decimals_is_an_amount(text):
    with pytest.raises(fpx.FpxError):
        fpx.parse_amount(text)


@pytest.mark.parametrize("value", [1.5, True, -1, "100"])
def test_format_amount_takes_whole_sen_only(value):
    with pytest.raises(fpx.FpxError):
        fpx.format_amount(value)


@pytest.mark.parametrize("token, low, high", [(fpx.B2C, 100, 3_000_000), (fpx.B2B1, 200, 100_000_000)])
def test_amount_limits_per_model(token, low, high):
    fpx.check_amount(token, low)
    fpx.check_amount(token, high)
    for outside in (low - 1, high + 1):
        with pytest.raises(ValidationError) as caught:
            fpx.check_amount(token, outside)
        assert caught.value.field == "amount"
    with pytest.raises(ValidationError):
        an_ar(token=token, amount_sen=high + 1)  # build_ar refuses before anything is signed


def test_the_limit_message_names_the_model_and_range():
    with pytest.raises(ValidationError) as caught:
        fpx.check_amount(fpx.B2C, 3_000_001)
    assert str(caught.value) == "An FPX B2C payment must be between RM 1.00 and RM 30,000.00."


def test_txn_times_are_malaysian():
    assert fpx.format_txn_time(datetime(2026, 12, 31, 16, 0, 1, tzinfo=UTC)) == "20270101000001"
    assert fpx.parse_txn_time("20270101000001") == datetime(2026, 12, 31, 16, 0, 1, tzinfo=UTC)
    with pytest.raises(fpx.FpxError):
        fpx.format_txn_time(datetime(2026, 1, 1))
    for bad in ("2026010100000", "20261301000000", "abcdefghijklmn"):
        with pytest.raises(fpx.FpxError):
            fpx.parse_txn_time(bad)


# --- reading what FPX sends ---------------------------------------------------------------------------------

def an_ac(key, **overrides):
    ar = an_ar()
    fields = {name: "" for name in fpx.AC_CHECKSUM_FIELDS}
    fields.update({name: ar[name] for name in ("fpx_msgToken", "fpx_sellerExId", "fpx_sellerExOrderNo",
                                                "fpx_sellerId", "fpx_sellerOrderNo", "fpx_sellerTxnTime",
                                                "fpx_txnAmount", "fpx_txnCurrency", "fpx_buyerBankId")})
    fields.update({"fpx_msgType": "AC", "fpx_fpxTxnId": "2603021000000001", "fpx_fpxTxnTime": "20260302100001",
                   "fpx_debitAuthCode": "00", "fpx_debitAuthNo": "12345678", "fpx_creditAuthCode": "00"})
    fields.update(overrides)
    return ar, fpx.signed(fields, key)


def test_read_ac_verifies_and_parses(key, cert):
    ar, ac = an_ac(key)
    auth = fpx.read_ac(ac, cert, NOW)
    assert auth.amount_sen == 123_456 and auth.debit_auth_code == "00" and auth.outcome == fpx.SUCCESS
    assert auth.fpx_txn_id == "2603021000000001" and fpx.mismatches(auth, ar) == []
    with pytest.raises(fpx.SignatureError):
        fpx.read_ac({**ac, "fpx_debitAuthCode": "51"}, cert, NOW)
    with pytest.raises(fpx.FpxError):
        fpx.parse_ac({**ac, "fpx_msgType": "AR"})


def test_mismatches_name_every_field_that_differs_from_the_ar(key, cert):
    ar, ac = an_ac(key, fpx_txnAmount="1234.57", fpx_sellerId="SE99999999", fpx_msgToken="02",
                   fpx_txnCurrency="USD")
    auth = fpx.read_ac(ac, cert, NOW)  # a valid signature: only the comparison with the AR catches it
    assert sorted(fpx.mismatches(auth, ar)) == ["fpx_msgToken", "fpx_sellerId", "fpx_txnAmount", "fpx_txnCurrency"]


def test_ae_replies_and_error(key, cert):
    _, ac = an_ac(key, fpx_debitAuthCode="99", fpx_debitAuthNo="")
    from urllib.parse import urlencode
    auth = fpx.read_ae_reply(urlencode(ac) + "\n", cert, NOW)
    assert auth.outcome == fpx.PENDING and auth.response.message == fpx.response_code("99").message
    for body in ("ERROR", "ERROR\n", "", "<html>oops</html>", "a=1"):
        with pytest.raises(fpx.GatewayError):
            fpx.read_ae_reply(body, cert, NOW)


def test_bank_lists(key, cert):
    from urllib.parse import urlencode
    bc = fpx.signed({"fpx_bankList": "ABB0233~A,MB2U0227~B,TEST0021~A", "fpx_msgToken": "01", "fpx_msgType": "BC",
                     "fpx_sellerExId": "EX00003846"}, key)
    body = urlencode(bc, safe="~,")
    banks = fpx.read_bank_list(body, cert, NOW, exchange_id="EX00003846", token=fpx.B2C)
    assert [(b.code, b.online) for b in banks] == [("ABB0233", True), ("MB2U0227", False), ("TEST0021", True)]
    assert fpx.read_bank_list(urlencode(bc), cert, NOW, exchange_id="EX00003846", token="01") == banks
    with pytest.raises(fpx.FpxError):
        fpx.read_bank_list(body, cert, NOW, exchange_id="EX00003846", token=fpx.B2B1)
    with pytest.raises(fpx.FpxError):
        fpx.read_bank_list(body, cert, NOW, exchange_id="EX00000000", token=fpx.B2C)
    with pytest.raises(fpx.SignatureError):
        fpx.read_bank_list(body.replace("MB2U0227~B", "MB2U0227~A"), cert, NOW, exchange_id="EX00003846",
                           token=fpx.B2C)
    with pytest.raises(fpx.GatewayError):
        fpx.parse_bank_list({"fpx_bankList": "ABB0233~X"})
    assert fpx.bank_name("01", "MB2U0227") == "Maybank2U" and fpx.bank_name("02", "XYZ0001") == "XYZ0001"


# --- response codes (payments.md A.5) -----------------------------------------------------------------------

A5_CODES = (
    "00", "09", "99", "1A", "1B", "1C", "1D", "1E", "1F", "1G", "1H", "1I", "1J", "1K", "1L", "1M", "BC", "80",
    "OF", "51", "48", "49", "2A", "13", "90", "79", "85", "96", "FE", "OE", "BB", "31", "92", "03", "05", "12",
    "20", "30", "45", "46", "47", "57", "58", "70", "76", "77", "78", "83", "84", "87", "88", "89", "98", "SB",
    "XA", "XE", "XN", "XO", "XS", "XW", "2X", "DA", "DB", "DC", "DD", "DE", "DF",
)


def test_every_code_of_payments_md_is_known_and_classified():
    assert [c for c in A5_CODES if c not in fpx.RESPONSE_CODES] == []
    assert fpx.outcome("00") == fpx.SUCCESS
    assert {c for c in fpx.RESPONSE_CODES if fpx.outcome(c) == fpx.PENDING} == {"09", "99"}
    assert fpx.outcome("76") == fpx.NOT_FOUND
    assert all(fpx.outcome(c) == fpx.FAILED for c in fpx.RESPONSE_CODES if c not in ("00", "09", "99", "76"))


def test_an_unknown_code_is_a_failure_that_names_itself():
    code = fpx.response_code("ZZ")
    assert code.outcome == fpx.FAILED
    assert code.message % {"code": "ZZ"} == "The payment was not completed (FPX code ZZ)."
    assert fpx.response_code("51").message % {"code": "51"} == fpx.response_code("51").message


# --- development keys ---------------------------------------------------------------------------------------

def test_development_keys(tmp_path):
    assert write_development_keys(tmp_path, exchange_id="EX00003846", organisation="PERKESO")
    key_path = tmp_path / "merchant.key"
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    cert = x509.load_pem_x509_certificate((tmp_path / "merchant.crt").read_bytes())
    csr = x509.load_pem_x509_csr((tmp_path / "merchant.csr").read_bytes())
    assert csr.is_signature_valid
    assert csr.subject.rfc4514_string() == "CN=EX00003846,O=PERKESO,C=MY"
    ar = fpx.signed(an_ar(), key_path.read_bytes())
    assert fpx.verify(ar, (tmp_path / "merchant.crt").read_bytes(), cert.not_valid_before_utc + timedelta(days=1))
    before = key_path.read_bytes()
    assert not write_development_keys(tmp_path, exchange_id="EX00003846", organisation="PERKESO")
    assert key_path.read_bytes() == before
