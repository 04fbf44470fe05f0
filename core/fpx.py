"""The merchant side of FPX's classic integration kit (payments.md A.1-A.5), pure: values in, values out.

Messages are dicts of wire field names (`fpx_msgType`, ...) to strings. The checksum is RSA PKCS#1 v1.5 with
SHA-1 over the pipe-joined field values in a fixed order per message type (empty fields kept as empty
strings), hex upper-case, as `openssl_sign(..., OPENSSL_ALGO_SHA1)` gives. The merchant signs AR/AE/BE with
its own key; every AC/BC from FPX is verified with FPX's certificate, which must be valid at `now`.

Amounts are integer sen everywhere here; `format_amount` makes the wire's "%.2f" text and `parse_amount`
reads it back strictly (payments.md I8). Times on the wire are Malaysian time, `YYYYMMDDHHMMSS`.

Typical use (the portal):
    ar = signed(build_ar(seller, token=B2B1, seller_ex_order_no=..., ...), merchant_key_pem)   # form POST
    auth = read_ac(request.form, fpx_certificate_pem, now)        # direct or indirect AC; raises if not genuine
    auth = read_ae_reply(body_text, fpx_certificate_pem, now)     # after POSTing signed(build_ae(ar), key)
    banks = read_bank_list(body_text, fpx_certificate_pem, now, exchange_id=..., token=B2C)
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from urllib.parse import parse_qsl

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from core.errors import N_, AssistError, ValidationError
from core.fpx_codes import (  # noqa: F401 - re-exported: core.fpx is the one import for FPX
    FAILED,
    NOT_FOUND,
    PENDING,
    RESPONSE_CODES,
    SUCCESS,
    ResponseCode,
    bank_name,
    outcome,
    response_code,
)
from core.fpx_keys import (  # noqa: F401 - re-exported
    certificate_request_pem,
    generate_private_key_pem,
    self_signed_certificate_pem,
)
from core.money import format_rm, from_sen

B2C = "01"  # fpx_msgToken of the "Personal / Retail" model
B2B1 = "02"  # "Corporate": a maker initiates, an authoriser approves later (99, then 00)
MODEL_NAMES = {B2C: "B2C", B2B1: "B2B1"}

# Per-transaction limits in sen (payments.md A.1, A.8).
AMOUNT_LIMITS = {B2C: (100, 3_000_000), B2B1: (200, 100_000_000)}

MALAYSIA = timezone(timedelta(hours=8), "MYT")

AR_CHECKSUM_FIELDS = tuple("fpx_" + name for name in (
    "buyerAccNo", "buyerBankBranch", "buyerBankId", "buyerEmail", "buyerIban", "buyerId", "buyerName",
    "makerName", "msgToken", "msgType", "productDesc", "sellerBankCode", "sellerExId", "sellerExOrderNo",
    "sellerId", "sellerOrderNo", "sellerTxnTime", "txnAmount", "txnCurrency", "version"))
AE_CHECKSUM_FIELDS = AR_CHECKSUM_FIELDS  # an AE is the AR's fields again with msgType AE
AC_CHECKSUM_FIELDS = tuple("fpx_" + name for name in (
    "buyerBankBranch", "buyerBankId", "buyerIban", "buyerId", "buyerName", "creditAuthCode", "creditAuthNo",
    "debitAuthCode", "debitAuthNo", "fpxTxnId", "fpxTxnTime", "makerName", "msgToken", "msgType", "sellerExId",
    "sellerExOrderNo", "sellerId", "sellerOrderNo", "sellerTxnTime", "txnAmount", "txnCurrency"))
BE_CHECKSUM_FIELDS = ("fpx_msgToken", "fpx_msgType", "fpx_sellerExId", "fpx_version")
BC_CHECKSUM_FIELDS = ("fpx_bankList", "fpx_msgToken", "fpx_msgType", "fpx_sellerExId")
CHECKSUM_FIELDS = {"AR": AR_CHECKSUM_FIELDS, "AE": AE_CHECKSUM_FIELDS, "AC": AC_CHECKSUM_FIELDS,
                   "BE": BE_CHECKSUM_FIELDS, "BC": BC_CHECKSUM_FIELDS}
CHECKSUM = "fpx_checkSum"

_AMOUNT = re.compile(r"[0-9]{1,10}\.[0-9]{2}")  # ASCII digits only
_TXN_TIME = "%Y%m%d%H%M%S"


class FpxError(AssistError):
    """A message to or from FPX that cannot be used (malformed, wrong type, unexpected ids)."""


class GatewayError(FpxError):
    """FPX answered the literal `ERROR`, nothing, or something that is not a URL-encoded message."""


class SignatureError(FpxError):
    """The checksum of a message from FPX does not verify with FPX's certificate."""


class CertificateError(FpxError):
    """A certificate that cannot be used: unreadable, expired, or not yet valid."""


@dataclass(frozen=True)
class Seller:
    """What PayNet issues to a merchant: Seller ID (`SE...`), Exchange ID (`EX...`), seller bank code, kit version."""

    seller_id: str
    exchange_id: str
    seller_bank_code: str = "01"
    version: str = "7.0"


@dataclass(frozen=True)
class Bank:
    """One entry of a BC bank list: `online` is False for status `B` (show it as "Offline", not selectable)."""

    code: str
    status: str

    @property
    def online(self) -> bool:
        return self.status == "A"


@dataclass(frozen=True)
class Authorisation:
    """An AC (direct, indirect, or the reply to an AE), parsed; `outcome` classifies `debit_auth_code`."""

    msg_token: str
    fpx_txn_id: str
    fpx_txn_time: str
    seller_ex_id: str
    seller_id: str
    seller_ex_order_no: str
    seller_order_no: str
    seller_txn_time: str
    currency: str
    amount_sen: int
    debit_auth_code: str
    debit_auth_no: str
    credit_auth_code: str
    credit_auth_no: str
    buyer_bank_id: str
    buyer_bank_branch: str
    buyer_name: str
    buyer_id: str
    buyer_iban: str
    maker_name: str

    @property
    def response(self) -> ResponseCode:
        return response_code(self.debit_auth_code)

    @property
    def outcome(self) -> str:
        return self.response.outcome


# --- amounts and times --------------------------------------------------------------------------------------

def format_amount(amount_sen: int) -> str:
    """The wire text of an amount in sen: 12345 -> "123.45" (the only place sen become "%.2f")."""
    if not isinstance(amount_sen, int) or isinstance(amount_sen, bool) or amount_sen < 0:
        raise FpxError("An FPX amount is a non-negative whole number of sen.")
    return f"{amount_sen // 100}.{amount_sen % 100:02d}"


def parse_amount(text: str) -> int:
    """Sen from the wire text "123.45" (digits, a point, exactly two decimals); raise FpxError otherwise."""
    if not isinstance(text, str) or not _AMOUNT.fullmatch(text):
        raise FpxError(f"Not an FPX amount: {text!r}")
    whole, cents = text.split(".")
    return int(whole) * 100 + int(cents)


def check_amount(token: str, amount_sen: int) -> None:
    """Refuse an amount outside the per-transaction limits of the model (B2C RM 1.00-30,000.00; B2B1 RM
    2.00-1,000,000.00) with a ValidationError for the `amount` field."""
    if token not in AMOUNT_LIMITS:
        raise FpxError(f"Unknown FPX message token {token!r}")
    low, high = AMOUNT_LIMITS[token]
    if not low <= amount_sen <= high:
        raise ValidationError(N_("An FPX %(model)s payment must be between %(minimum)s and %(maximum)s."),
                              field="amount", model=MODEL_NAMES[token],
                              minimum=format_rm(from_sen(low)), maximum=format_rm(from_sen(high)))


def format_txn_time(moment: datetime) -> str:
    """`YYYYMMDDHHMMSS` in Malaysian time from an aware datetime."""
    if moment.tzinfo is None:
        raise FpxError("FPX times need an aware datetime.")
    return moment.astimezone(MALAYSIA).strftime(_TXN_TIME)


def parse_txn_time(text: str) -> datetime:
    """The aware datetime (Malaysian time) of a `YYYYMMDDHHMMSS` wire time; raise FpxError otherwise."""
    if not isinstance(text, str) or not re.fullmatch(r"[0-9]{14}", text):
        raise FpxError(f"Not an FPX time: {text!r}")
    try:
        return datetime.strptime(text, _TXN_TIME).replace(tzinfo=MALAYSIA)
    except ValueError:
        raise FpxError(f"Not an FPX time: {text!r}") from None


_BUYER_EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+")


def check_buyer_email(email: str) -> None:
    """The payer's email as FPX may carry it: plain ASCII (the checksum joins fields with `|`, so a `|` in a
    field would shift them), at most 100 characters. Raise ValidationError otherwise."""
    if len(email) > 100 or not _BUYER_EMAIL.fullmatch(email):
        raise ValidationError(N_("Enter an email address in plain letters, digits and . _ - + (for FPX)."),
                              field="email")


# --- building messages --------------------------------------------------------------------------------------

def build_ar(seller: Seller, *, token: str, seller_ex_order_no: str, seller_order_no: str, txn_time: datetime,
             amount_sen: int, buyer_bank_id: str, product_desc: str, buyer_email: str = "", buyer_name: str = "",
             maker_name: str = "", buyer_id: str = "", buyer_acc_no: str = "", buyer_bank_branch: str = "",
             buyer_iban: str = "", currency: str = "MYR") -> dict[str, str]:
    """The 20 fields of an AR (unsigned; pass it to `signed`). Refuses an amount outside the model's limits."""
    check_amount(token, amount_sen)
    if not seller_ex_order_no or not seller_order_no:
        raise FpxError("An AR needs a seller exchange order number and a seller order number.")
    return {
        "fpx_buyerAccNo": buyer_acc_no, "fpx_buyerBankBranch": buyer_bank_branch, "fpx_buyerBankId": buyer_bank_id,
        "fpx_buyerEmail": buyer_email, "fpx_buyerIban": buyer_iban, "fpx_buyerId": buyer_id,
        "fpx_buyerName": buyer_name, "fpx_makerName": maker_name, "fpx_msgToken": token, "fpx_msgType": "AR",
        "fpx_productDesc": product_desc, "fpx_sellerBankCode": seller.seller_bank_code,
        "fpx_sellerExId": seller.exchange_id, "fpx_sellerExOrderNo": seller_ex_order_no,
        "fpx_sellerId": seller.seller_id, "fpx_sellerOrderNo": seller_order_no,
        "fpx_sellerTxnTime": format_txn_time(txn_time), "fpx_txnAmount": format_amount(amount_sen),
        "fpx_txnCurrency": currency, "fpx_version": seller.version,
    }


def build_ae(ar_fields: Mapping[str, str]) -> dict[str, str]:
    """The AE (status enquiry) for an AR already sent: the same 20 fields with msgType AE (unsigned)."""
    fields = {name: ar_fields.get(name, "") for name in AR_CHECKSUM_FIELDS}
    fields["fpx_msgType"] = "AE"
    return fields


def build_be(seller: Seller, token: str) -> dict[str, str]:
    """The BE (bank list enquiry) for a model (unsigned)."""
    if token not in MODEL_NAMES:
        raise FpxError(f"Unknown FPX message token {token!r}")
    return {"fpx_msgToken": token, "fpx_msgType": "BE", "fpx_sellerExId": seller.exchange_id,
            "fpx_version": seller.version}


# --- checksums ----------------------------------------------------------------------------------------------

def checksum_source(fields: Mapping[str, str], order: tuple[str, ...] | None = None) -> str:
    """The string that is signed: the values of the message type's fields in checksum order, joined by `|`."""
    if order is None:
        msg_type = fields.get("fpx_msgType", "")
        if msg_type not in CHECKSUM_FIELDS:
            raise FpxError(f"No checksum order for message type {msg_type!r}")
        order = CHECKSUM_FIELDS[msg_type]
    return "|".join(str(fields.get(name, "")) for name in order)


def sign(fields: Mapping[str, str], private_key_pem: bytes | str, order: tuple[str, ...] | None = None) -> str:
    """The `fpx_checkSum` of a message: RSA PKCS#1 v1.5 + SHA-1, hex upper-case."""
    key = _private_key(_as_bytes(private_key_pem))
    signature = key.sign(checksum_source(fields, order).encode("utf-8"), padding.PKCS1v15(), hashes.SHA1())  # noqa: S303 - FPX's algorithm
    return signature.hex().upper()


def signed(fields: Mapping[str, str], private_key_pem: bytes | str) -> dict[str, str]:
    """A copy of `fields` with its `fpx_checkSum`, ready to POST."""
    return {**fields, CHECKSUM: sign(fields, private_key_pem)}


def verify(fields: Mapping[str, str], certificate: bytes | str, now: datetime,
           order: tuple[str, ...] | None = None) -> bool:
    """True if `fpx_checkSum` is the signature of the message by the certificate's key. Raises
    CertificateError if the certificate (PEM or DER) is unreadable, expired or not yet valid at `now`."""
    cert = load_certificate(certificate)
    check_certificate(cert, now)
    try:
        signature = bytes.fromhex(fields.get(CHECKSUM, "") or "")
        source = checksum_source(fields, order).encode("utf-8")
    except (ValueError, FpxError):
        return False
    if not signature:
        return False
    try:
        cert.public_key().verify(signature, source, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303
    except (InvalidSignature, ValueError):
        return False
    return True


def load_certificate(certificate: bytes | str) -> x509.Certificate:
    """An X.509 certificate from PEM or DER bytes (PayNet's `.cer` files come either way)."""
    try:
        return _certificate(_as_bytes(certificate))
    except ValueError:
        raise CertificateError("The FPX certificate cannot be read.") from None


def check_certificate(cert: x509.Certificate, now: datetime) -> None:
    """Raise CertificateError unless `now` (aware) lies within the certificate's validity."""
    if now.tzinfo is None:
        raise FpxError("Certificate checks need an aware datetime.")
    if now < cert.not_valid_before_utc:
        raise CertificateError(f"The certificate is not valid before {cert.not_valid_before_utc:%Y-%m-%d %H:%M} UTC.")
    if now > cert.not_valid_after_utc:
        raise CertificateError(f"The certificate expired on {cert.not_valid_after_utc:%Y-%m-%d %H:%M} UTC.")


@lru_cache(maxsize=16)
def _private_key(pem: bytes):
    return serialization.load_pem_private_key(pem, password=None)


@lru_cache(maxsize=16)
def _certificate(data: bytes) -> x509.Certificate:
    if data.lstrip().startswith(b"-----BEGIN"):
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def _as_bytes(value: bytes | str) -> bytes:
    return value.encode("ascii") if isinstance(value, str) else bytes(value)


# --- reading what FPX sends ---------------------------------------------------------------------------------

def parse_reply(text: str) -> dict[str, str]:
    """The fields of a host-to-host reply (URL-encoded); GatewayError for `ERROR`, nothing, or garbage."""
    body = (text or "").strip()
    if body == "ERROR":
        raise GatewayError("FPX answered ERROR.")
    try:
        fields = dict(parse_qsl(body, keep_blank_values=True, strict_parsing=True))
    except ValueError:
        raise GatewayError("FPX's reply is not a URL-encoded message.") from None
    if "fpx_msgType" not in fields:
        raise GatewayError("FPX's reply has no message type.")
    return fields


def parse_bank_list(fields: Mapping[str, str]) -> list[Bank]:
    """The banks of a BC message (`fpx_bankList=ABB0233~A,MB2U0227~B,...`), in FPX's order."""
    banks = []
    for entry in filter(None, fields.get("fpx_bankList", "").split(",")):
        code, sep, status = entry.partition("~")
        if not sep or not code or status not in ("A", "B"):
            raise GatewayError(f"Unreadable bank list entry {entry!r}")
        banks.append(Bank(code, status))
    return banks


def parse_ac(fields: Mapping[str, str]) -> Authorisation:
    """An AC's fields as an Authorisation (does not verify the checksum: see `read_ac`)."""
    if fields.get("fpx_msgType") != "AC":
        raise FpxError(f"Not an AC message: {fields.get('fpx_msgType')!r}")
    if not fields.get("fpx_debitAuthCode") or not fields.get("fpx_sellerExOrderNo"):
        raise FpxError("An AC needs a debit authorisation code and a seller exchange order number.")

    def get(name):
        return fields.get("fpx_" + name, "")

    return Authorisation(
        msg_token=get("msgToken"), fpx_txn_id=get("fpxTxnId"), fpx_txn_time=get("fpxTxnTime"),
        seller_ex_id=get("sellerExId"), seller_id=get("sellerId"), seller_ex_order_no=get("sellerExOrderNo"),
        seller_order_no=get("sellerOrderNo"), seller_txn_time=get("sellerTxnTime"), currency=get("txnCurrency"),
        amount_sen=parse_amount(get("txnAmount")), debit_auth_code=get("debitAuthCode"),
        debit_auth_no=get("debitAuthNo"), credit_auth_code=get("creditAuthCode"), credit_auth_no=get("creditAuthNo"),
        buyer_bank_id=get("buyerBankId"), buyer_bank_branch=get("buyerBankBranch"), buyer_name=get("buyerName"),
        buyer_id=get("buyerId"), buyer_iban=get("buyerIban"), maker_name=get("makerName"))


def read_ac(fields: Mapping[str, str], certificate: bytes | str, now: datetime) -> Authorisation:
    """A direct or indirect AC, verified: SignatureError if the checksum fails, CertificateError if FPX's
    certificate is not valid at `now`, FpxError if malformed. Compare it with the stored AR (`mismatches`)."""
    if not verify(fields, certificate, now, AC_CHECKSUM_FIELDS):
        raise SignatureError("The AC's checksum does not verify with FPX's certificate.")
    return parse_ac(fields)


def read_ae_reply(text: str, certificate: bytes | str, now: datetime) -> Authorisation:
    """The reply to an AE (URL-encoded AC fields), verified; GatewayError for `ERROR` or garbage."""
    return read_ac(parse_reply(text), certificate, now)


def read_bank_list(text: str, certificate: bytes | str, now: datetime, *, exchange_id: str,
                   token: str) -> list[Bank]:
    """The reply to a BE, verified and checked to be the BC for this exchange and model."""
    fields = parse_reply(text)
    if not verify(fields, certificate, now, BC_CHECKSUM_FIELDS):
        raise SignatureError("The BC's checksum does not verify with FPX's certificate.")
    if fields.get("fpx_msgType") != "BC" or fields.get("fpx_sellerExId") != exchange_id \
            or fields.get("fpx_msgToken") != token:
        raise FpxError("The BC is not the bank list of this exchange and model.")
    return parse_bank_list(fields)


def mismatches(auth: Authorisation, ar_fields: Mapping[str, str]) -> list[str]:
    """The wire names of the fields where an AC disagrees with the AR that was sent (empty if none): model,
    exchange, seller, both order numbers, currency and amount (compared in sen)."""
    expected = {
        "fpx_msgToken": auth.msg_token, "fpx_sellerExId": auth.seller_ex_id, "fpx_sellerId": auth.seller_id,
        "fpx_sellerExOrderNo": auth.seller_ex_order_no, "fpx_sellerOrderNo": auth.seller_order_no,
        "fpx_txnCurrency": auth.currency,
    }
    wrong = [name for name, value in expected.items() if ar_fields.get(name) != value]
    try:
        if parse_amount(ar_fields.get("fpx_txnAmount", "")) != auth.amount_sen:
            wrong.append("fpx_txnAmount")
    except FpxError:
        wrong.append("fpx_txnAmount")
    return wrong
