"""Helpers for payment tests without the simulator: a stand-in exchange that signs ACs with its own key (as
FPX does), and a gateway whose host-to-host calls answer from that exchange instead of the network."""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from core import fpx
from core.fpx_codes import BANK_NAMES
from core.fpx_keys import generate_private_key_pem, self_signed_certificate_pem
from webapp.fpx_gateway import Gateway

SELLER = fpx.Seller("SE00000001", "EX00000001")


class Exchange:
    """FPX as the merchant sees it: a key, a certificate, and ACs for the attempts it was asked about."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        # Valid from 2020 for ten years from now, so tests may set the clock to any month they need.
        self.key = generate_private_key_pem()
        since, until = datetime(2020, 1, 1, tzinfo=UTC), datetime.now(UTC) + timedelta(days=3650)
        self.certificate = self_signed_certificate_pem(self.key, common_name="FPX", organisation="SIM",
                                                       not_before=since, not_after=until)
        self.expired = self_signed_certificate_pem(self.key, common_name="FPX", organisation="SIM",
                                                   not_before=datetime(2019, 1, 1, tzinfo=UTC), not_after=since)
        self.certificate_path = folder / "fpx_current.cer"
        self.certificate_path.write_bytes(self.certificate)
        merchant_key = generate_private_key_pem()
        self.merchant_key_path = folder / "merchant.key"
        self.merchant_key_path.write_bytes(merchant_key)
        self.merchant_certificate = self_signed_certificate_pem(merchant_key, common_name=SELLER.exchange_id,
                                                                organisation="TEST MERCHANT", not_before=since,
                                                                not_after=until)
        self.txn_ids: dict[str, str] = {}

    def txn_id(self, order_no: str) -> str:
        return self.txn_ids.setdefault(order_no, f"2603{len(self.txn_ids) + 1:012d}")

    def ac(self, attempt, code: str, *, txn_id: str | None = None, amount_sen: int | None = None, sign=True,
           **wire) -> dict:
        """The AC FPX would send for `attempt` with `code` (signed with the exchange's key)."""
        ar = json.loads(attempt.ar_fields)
        approved = code == "00"
        fields = {
            "fpx_buyerBankBranch": "SBI BANK A", "fpx_buyerBankId": ar["fpx_buyerBankId"], "fpx_buyerIban": "",
            "fpx_buyerId": "", "fpx_buyerName": "SIM BUYER", "fpx_creditAuthCode": code,
            "fpx_creditAuthNo": "12345678" if approved else "", "fpx_debitAuthCode": code,
            "fpx_debitAuthNo": "87654321" if approved else "",
            "fpx_fpxTxnId": "" if code == "76" else (txn_id or self.txn_id(attempt.order_no)),
            "fpx_fpxTxnTime": "" if code == "76" else ar["fpx_sellerTxnTime"], "fpx_makerName": "",
            "fpx_msgToken": ar["fpx_msgToken"], "fpx_msgType": "AC",
        }
        for name in ("fpx_sellerExId", "fpx_sellerExOrderNo", "fpx_sellerId", "fpx_sellerOrderNo",
                     "fpx_sellerTxnTime", "fpx_txnAmount", "fpx_txnCurrency"):
            fields[name] = ar[name]
        if amount_sen is not None:
            fields["fpx_txnAmount"] = fpx.format_amount(amount_sen)
        fields.update(wire)
        return fpx.signed(fields, self.key) if sign else fields


@dataclass(frozen=True)
class StubGateway(Gateway):
    """A Gateway whose AE and BE are answered by `exchange` in the test process (no network)."""

    exchange: Exchange = None
    replies: dict = field(default_factory=dict)  # order_no -> list of codes (or raw texts) the AE answers with
    offline: tuple = ("BSN0601",)
    enquiries: list = field(default_factory=list)

    def enquire(self, ar_fields):
        ae = self.sign(fpx.build_ae(ar_fields))
        self.enquiries.append(ar_fields["fpx_sellerExOrderNo"])
        queue = self.replies.get(ar_fields["fpx_sellerExOrderNo"]) or ["09"]
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        if len(reply) != 2:  # a raw text such as ERROR
            return ae, reply
        from webapp.payment_models import PaymentAttempt

        attempt = PaymentAttempt.get(PaymentAttempt.order_no == ar_fields["fpx_sellerExOrderNo"])
        return ae, urlencode(self.exchange.ac(attempt, reply))

    def bank_list(self, token, now):
        codes = BANK_NAMES[token]
        return [fpx.Bank(code, "B" if code in self.offline else "A") for code in codes]


def stub_gateway(exchange: Exchange) -> StubGateway:
    return StubGateway(seller=SELLER, ar_url="https://fpx.example/FPXMain/seller2DReceiver.jsp",
                       ae_url="https://fpx.example/FPXMain/sellerNVPTxnStatus.jsp",
                       be_url="https://fpx.example/FPXMain/RetrieveBankList", key_path=exchange.merchant_key_path,
                       certificate_path=exchange.certificate_path, exchange=exchange)
