"""The merchant's FPX key and certificate: what PayNet's key-management steps do with openssl, in Python.

In production the merchant generates an RSA-2048 key (`EXxxxxxxxx.key`), sends PayNet a certificate signing
request, and installs the certificate PayNet returns; FPX's own certificate (`fpxuat_current.cer` /
`fpxprod_current.cer`) comes from PayNet. For development and tests a self-signed certificate stands in for
PayNet's: `python -m core.fpx_keys DIR [--exchange-id EX00000001]` writes `merchant.key` (mode 0600),
`merchant.csr` and `merchant.crt` into DIR unless a key is already there.
"""

import argparse
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def generate_private_key_pem(bits: int = 2048) -> bytes:
    """A new RSA private key as PEM (traditional OpenSSL format, like `openssl genrsa`)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption())


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "MY"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def certificate_request_pem(private_key_pem: bytes, *, exchange_id: str, organisation: str) -> bytes:
    """A CSR for PayNet: subject C=MY, O=`organisation`, CN=`exchange_id`, signed with SHA-256."""
    key = serialization.load_pem_private_key(private_key_pem, password=None)
    csr = x509.CertificateSigningRequestBuilder().subject_name(_name(exchange_id, organisation))
    return csr.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def self_signed_certificate_pem(private_key_pem: bytes, *, common_name: str, organisation: str,
                                not_before: datetime, not_after: datetime) -> bytes:
    """A self-signed X.509 certificate for the key, valid from `not_before` to `not_after` (aware datetimes)."""
    key = serialization.load_pem_private_key(private_key_pem, password=None)
    name = _name(common_name, organisation)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(not_before).not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True))
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def write_development_keys(folder: Path, *, exchange_id: str, organisation: str, days: int = 730) -> bool:
    """Write merchant.key, merchant.csr and merchant.crt into `folder` unless merchant.key exists there.
    Returns True if it wrote them."""
    folder.mkdir(parents=True, exist_ok=True)
    key_path = folder / "merchant.key"
    if key_path.exists():
        return False
    key_pem = generate_private_key_pem()
    now = datetime.now(UTC)
    cert_pem = self_signed_certificate_pem(key_pem, common_name=exchange_id, organisation=organisation,
                                           not_before=now - timedelta(days=1), not_after=now + timedelta(days=days))
    (folder / "merchant.csr").write_bytes(certificate_request_pem(key_pem, exchange_id=exchange_id,
                                                                  organisation=organisation))
    (folder / "merchant.crt").write_bytes(cert_pem)
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as fh:
        fh.write(key_pem)
    return True


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Write a development FPX merchant key and certificate.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--exchange-id", default="EX00000001")
    parser.add_argument("--organisation", default="PERTUBUHAN KESELAMATAN SOSIAL (DEVELOPMENT)")
    args = parser.parse_args(argv)
    wrote = write_development_keys(args.folder, exchange_id=args.exchange_id, organisation=args.organisation)
    print(f"{'wrote' if wrote else 'kept the existing'} merchant.key, merchant.csr, merchant.crt in {args.folder}")


if __name__ == "__main__":
    main()
