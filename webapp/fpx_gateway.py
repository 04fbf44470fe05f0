"""Talking to FPX: the exchange's three URLs, the merchant's key, FPX's certificate and the host-to-host calls.

The portal does not know whether it talks to PayNet or to the simulator (`fpxsim`): only the URLs, the
Seller and Exchange IDs and the certificates differ. Messages are built, signed and verified by core.fpx;
this module only moves them (HTTPS verified by the standard library, never switched off) and caches the
bank list for a few minutes. Errors on the way (no answer, HTTP errors) raise `GatewayUnavailable`.
"""

import http.client
import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from core import fpx

AE_TIMEOUT = 15.0  # seconds for an enquiry's answer
BE_TIMEOUT = 5.0  # the bank list is on the page the payer waits for
BANK_LIST_SECONDS = 300  # how long a verified bank list is shown before a new BE


class GatewayUnavailable(fpx.GatewayError):
    """FPX did not answer (connection refused, timeout, HTTP error)."""


@dataclass(frozen=True)
class Gateway:
    seller: fpx.Seller
    ar_url: str
    ae_url: str
    be_url: str
    key_path: Path
    certificate_path: Path

    @property
    def origin(self) -> str:
        """scheme://host[:port] of the exchange's browser endpoint (for the CSP's form-action)."""
        parts = urlsplit(self.ar_url)
        return f"{parts.scheme}://{parts.netloc}"

    def merchant_key(self) -> bytes:
        return _read(self.key_path)

    def certificate(self) -> bytes:
        """FPX's certificate, read again when the file changes (PayNet renews it; the simulator's knob swaps it)."""
        return _read(self.certificate_path)

    def sign(self, fields: dict) -> dict:
        return fpx.signed(fields, self.merchant_key())

    def enquire(self, ar_fields: dict) -> tuple[dict, str]:
        """Send the AE of an AR; returns (the signed AE sent, FPX's answer as text)."""
        ae = self.sign(fpx.build_ae(ar_fields))
        return ae, post(self.ae_url, ae, AE_TIMEOUT)

    def bank_list(self, token: str, now: datetime) -> list[fpx.Bank]:
        """The banks of a model from a signed BE/BC, cached for BANK_LIST_SECONDS; raises FpxError subclasses
        (GatewayUnavailable, GatewayError for `ERROR`, SignatureError, CertificateError)."""
        key = (self.be_url, self.seller.exchange_id, token)
        with _banks_lock:
            cached = _banks.get(key)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        text = post(self.be_url, self.sign(fpx.build_be(self.seller, token)), BE_TIMEOUT)
        banks = fpx.read_bank_list(text, self.certificate(), now, exchange_id=self.seller.exchange_id, token=token)
        with _banks_lock:
            _banks[key] = (time.monotonic() + BANK_LIST_SECONDS, banks)
        return banks


_banks: dict = {}
_banks_lock = threading.Lock()
_files: dict = {}


def forget_bank_lists() -> None:
    with _banks_lock:
        _banks.clear()


def _read(path: Path) -> bytes:
    try:
        stat = os.stat(path)
    except OSError:
        raise fpx.CertificateError(f"{path} cannot be read.") from None
    cached = _files.get(path)
    if cached and cached[0] == (stat.st_mtime_ns, stat.st_size):
        return cached[1]
    data = Path(path).read_bytes()
    _files[path] = ((stat.st_mtime_ns, stat.st_size), data)
    return data


_connections = threading.local()


def post(url: str, fields: dict, timeout: float) -> str:
    """POST a form host-to-host and return the body of a 200 answer (kept-alive connection per thread)."""
    parts = urlsplit(url)
    body = urlencode(fields).encode("ascii")
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/plain"}
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    for attempt in (1, 2):  # a kept-alive connection the server closed meanwhile is opened again once
        connection = _connection(parts, timeout)
        try:
            connection.request("POST", target, body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read(1_000_000)
        except (OSError, http.client.HTTPException) as error:
            _drop(parts)
            if attempt == 1 and isinstance(error, http.client.RemoteDisconnected | BrokenPipeError
                                           | ConnectionResetError):
                continue
            raise GatewayUnavailable(f"FPX did not answer ({type(error).__name__}).") from None
        if response.will_close:
            _drop(parts)
        if response.status != 200:
            raise GatewayUnavailable(f"FPX answered HTTP {response.status}.")
        return answer.decode("utf-8", "replace")
    raise GatewayUnavailable("FPX did not answer.")  # pragma: no cover - the loop returns or raises


def _connection(parts, timeout: float):
    pool = getattr(_connections, "pool", None)
    if pool is None:
        pool = _connections.pool = {}
    key = (parts.scheme, parts.netloc)
    connection = pool.get(key)
    if connection is None:
        kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        connection = pool[key] = kind(parts.hostname, parts.port, timeout=timeout)
    connection.timeout = timeout
    if connection.sock is not None:
        connection.sock.settimeout(timeout)
    return connection


def _drop(parts) -> None:
    pool = getattr(_connections, "pool", {})
    connection = pool.pop((parts.scheme, parts.netloc), None)
    if connection is not None:
        connection.close()


def from_config(config) -> Gateway | None:
    """The gateway the configuration describes, or None when FPX is not configured (payments unavailable)."""
    needed = ("FPX_AR_URL", "FPX_AE_URL", "FPX_BE_URL", "FPX_SELLER_ID", "FPX_EXCHANGE_ID")
    if not all(config.get(name) for name in needed):
        return None
    return Gateway(seller=fpx.Seller(config["FPX_SELLER_ID"], config["FPX_EXCHANGE_ID"],
                                     seller_bank_code=config.get("FPX_SELLER_BANK_CODE") or "01"),
                   ar_url=config["FPX_AR_URL"], ae_url=config["FPX_AE_URL"], be_url=config["FPX_BE_URL"],
                   key_path=Path(config["FPX_MERCHANT_KEY"]), certificate_path=Path(config["FPX_CERTIFICATE"]))
