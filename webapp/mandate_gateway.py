"""Talking to FPX about e-Mandates (direct debit, QRG 7): where the browser takes an enrolment, and the
host-to-host calls (a debit, a termination, an enquiry or cancellation of the RM 1.00 authorisation).

Built on the FPX gateway (webapp.fpx_gateway): the same Seller and Exchange IDs, merchant key, FPX certificate
and HTTP client; only the e-Mandate URLs are added (FPX_MANDATE_*_URL, by default the simulator's paths under
FPX_URL). Messages are built, signed and read by core.mandates; errors on the way raise GatewayUnavailable.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from core import fpx, mandates
from webapp import fpx_gateway
from webapp.fpx_gateway import Gateway, GatewayUnavailable  # noqa: F401 - callers catch it from here

DEBIT_TIMEOUT = 15.0  # seconds for the bank's answer to a debit (a lost answer is asked for again later)
TERMINATE_TIMEOUT = 10.0


@dataclass(frozen=True)
class MandateGateway:
    fpx: Gateway
    enrol_url: str
    debit_url: str
    terminate_url: str
    cancel_url: str

    @property
    def seller(self) -> fpx.Seller:
        return self.fpx.seller

    @property
    def origin(self) -> str:
        """scheme://host[:port] the enrolment form is POSTed to (for the CSP's form-action)."""
        parts = urlsplit(self.enrol_url)
        return f"{parts.scheme}://{parts.netloc}"

    def certificate(self) -> bytes:
        return self.fpx.certificate()

    def sign(self, fields: dict) -> dict:
        """An e-Mandate message signed with the merchant's key (every field, in alphabetical order)."""
        return mandates.signed(fields, self.fpx.merchant_key())

    def debit(self, dr_fields: dict) -> str:
        """POST a signed DR; FPX's answer as text (a DS, or ERROR)."""
        return fpx_gateway.post(self.debit_url, dr_fields, DEBIT_TIMEOUT)

    def terminate(self, tr_fields: dict) -> str:
        return fpx_gateway.post(self.terminate_url, tr_fields, TERMINATE_TIMEOUT)

    def enquire(self, ar_fields: dict) -> tuple[dict, str]:
        """An AE about an enrolment's RM 1.00 authorisation: (the AE sent, FPX's answer)."""
        return self.fpx.enquire(ar_fields)

    def cancel(self, ar_fields: dict) -> tuple[dict, str]:
        """An AX (the authorisation's fields with msgType AX, signed like an AR): FPX cancels it if it is still
        at the bank and answers the signed AC of its state."""
        ax = {name: ar_fields.get(name, "") for name in fpx.AR_CHECKSUM_FIELDS}
        ax["fpx_msgType"] = "AX"
        ax[fpx.CHECKSUM] = fpx.sign(ax, self.fpx.merchant_key(), fpx.AR_CHECKSUM_FIELDS)
        return ax, fpx_gateway.post(self.cancel_url, ax, fpx_gateway.AE_TIMEOUT)


def from_config(config) -> MandateGateway | None:
    """The e-Mandate gateway the configuration describes, or None when FPX or its e-Mandate URLs are not set."""
    gateway = fpx_gateway.from_config(config)
    urls = [config.get(name) for name in ("FPX_MANDATE_ENROL_URL", "FPX_MANDATE_DEBIT_URL",
                                          "FPX_MANDATE_TERMINATE_URL", "FPX_CANCEL_URL")]
    if gateway is None or not all(urls):
        return None
    return MandateGateway(gateway, *urls)
