"""FPX's side of the checksums: its own RSA-2048 key and certificates, made at first start.

This is a second, independent implementation of payments.md A.4 (the portal's is core/fpx.py): the two are
tested against each other, so a mistake in one shows up as a failed signature instead of hiding in a shared
helper. The data folder holds `fpx.key` (mode 0600) and three certificates for the same key: `fpx_current.cer`
(valid now), `fpx_expired.cer` (expired in 2021) and `fpx_not_yet_valid.cer` (valid from a year ahead). The
file given to the merchant, `fpxuat_current.cer`, is a copy of whichever of them the `certificate` knob names.
"""

import os
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

CERTIFICATES = {"current": "fpx_current.cer", "expired": "fpx_expired.cer", "not_yet_valid": "fpx_not_yet_valid.cer"}


class ExchangeKeys:
    """The simulator's private key, its certificates, and the merchant's certificate for checking AR/AE/BE."""

    def __init__(self, data_dir: Path, served_path: Path, merchant_cert: Path | None):
        self.data_dir = data_dir
        self.served_path = served_path
        self.merchant_cert = merchant_cert
        self.key = _load_or_create(data_dir)

    def sign(self, source: str) -> str:
        signature = self.key.sign(source.encode("utf-8"), padding.PKCS1v15(), hashes.SHA1())  # noqa: S303 - FPX
        return signature.hex().upper()

    def own_signature_ok(self, source: str, checksum: str) -> bool:
        return _verify(self.key.public_key(), source, checksum)

    def merchant_signature(self, source: str, checksum: str, now: datetime) -> tuple[bool, str]:
        """(valid, reason) for a merchant's checksum; an expired or missing merchant certificate fails too."""
        if self.merchant_cert is None or not self.merchant_cert.exists():
            return False, "no merchant certificate configured (FPXSIM_MERCHANT_CERT)"
        stat = self.merchant_cert.stat()
        cert = _read_certificate(str(self.merchant_cert), stat.st_mtime_ns, stat.st_size)
        if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
            return False, "the merchant certificate is not valid now"
        if _verify(cert.public_key(), source, checksum):
            return True, ""
        return False, "checksum does not verify with the merchant certificate"

    def serve(self, which: str) -> None:
        """Put the named certificate where the merchant reads FPX's certificate (atomically)."""
        data = (self.data_dir / CERTIFICATES[which]).read_bytes()
        temporary = self.served_path.with_suffix(".tmp")
        temporary.write_bytes(data)
        os.replace(temporary, self.served_path)


def _verify(public_key, source: str, checksum: str) -> bool:
    try:
        signature = bytes.fromhex(checksum or "")
        public_key.verify(signature, source.encode("utf-8"), padding.PKCS1v15(), hashes.SHA1())  # noqa: S303
    except (ValueError, InvalidSignature):
        return False
    return bool(signature)


@lru_cache(maxsize=4)
def _read_certificate(path: str, _mtime_ns: int, _size: int) -> x509.Certificate:
    data = Path(path).read_bytes()
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def _load_or_create(data_dir: Path):
    data_dir.mkdir(parents=True, exist_ok=True)
    key_path = data_dir / "fpx.key"
    if key_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
        temporary = data_dir / "fpx.key.tmp"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as fh:
            fh.write(pem)
        os.replace(temporary, key_path)
    now = datetime.now(UTC)
    validity = {
        "current": (now - timedelta(days=1), now + timedelta(days=3 * 365)),
        "expired": (datetime(2020, 1, 1, tzinfo=UTC), datetime(2021, 1, 1, tzinfo=UTC)),
        "not_yet_valid": (now + timedelta(days=365), now + timedelta(days=730)),
    }
    for which, filename in CERTIFICATES.items():
        path = data_dir / filename
        if not path.exists() or not _matches(path, key):
            path.write_bytes(_certificate(key, *validity[which]))
    return key


def _matches(path: Path, key) -> bool:
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    return cert.public_key().public_numbers() == key.public_key().public_numbers()


def _certificate(key, not_before: datetime, not_after: datetime) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "MY"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Simulated PayNet FPX"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "fpxsim.localhost")])
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(not_before).not_valid_after(not_after))
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)
