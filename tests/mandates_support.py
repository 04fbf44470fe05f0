"""Direct-debit tests without the simulator: an e-Mandate gateway whose host-to-host calls are answered in the
test process by the stand-in exchange of tests/payments_support.py (its key signs, as FPX's would), and the
messages FPX sends about mandates (authorisation ACs, MA/MT notices, DS answers)."""

import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

from core import fpx, mandates
from tests.payments_support import SELLER, Exchange, stub_gateway
from webapp.mandate_gateway import GatewayUnavailable, MandateGateway


def authorisation_ac(exchange: Exchange, mandate, code: str, *, txn_id: str | None = None, **wire) -> dict:
    """The AC of an enrolment's RM 1.00 authorisation with `code`, signed by the exchange."""
    ar = mandates.authorisation_ar(json.loads(mandate.ad_fields))
    fields = {
        "fpx_buyerBankBranch": "SBI BANK A", "fpx_buyerBankId": ar["fpx_buyerBankId"], "fpx_buyerIban": "",
        "fpx_buyerId": ar["fpx_buyerId"], "fpx_buyerName": ar["fpx_buyerName"], "fpx_creditAuthCode": code,
        "fpx_creditAuthNo": "", "fpx_debitAuthCode": code, "fpx_debitAuthNo": "12345678" if code == "00" else "",
        "fpx_fpxTxnId": "" if code == "76" else (txn_id or exchange.txn_id(mandate.order_no)),
        "fpx_fpxTxnTime": ar["fpx_sellerTxnTime"], "fpx_makerName": "", "fpx_msgToken": ar["fpx_msgToken"],
        "fpx_msgType": "AC"}
    for name in ("fpx_sellerExId", "fpx_sellerExOrderNo", "fpx_sellerId", "fpx_sellerOrderNo", "fpx_sellerTxnTime",
                 "fpx_txnAmount", "fpx_txnCurrency"):
        fields[name] = ar[name]
    fields.update(wire)
    return fpx.signed(fields, exchange.key)


def notice(exchange: Exchange, mandate, msg_type: str = "MA", *, mandate_id: str | None = None, sign=True,
           **wire) -> dict:
    fields = {"fpx_msgType": msg_type, "fpx_mandateId": mandate_id or mandate.mandate_id,
              "fpx_mandateStatus": "APPROVED" if msg_type == "MA" else "TERMINATED", "fpx_statusDate": "20260413",
              "fpx_sellerExId": SELLER.exchange_id, "fpx_sellerId": SELLER.seller_id,
              "fpx_sellerExOrderNo": mandate.order_no, "fpx_sellerOrderNo": mandate.order_no, **wire}
    return mandates.signed(fields, exchange.key) if sign else {**fields, "fpx_checkSum": "00"}


def debit_answer(exchange: Exchange, dr: dict, code: str, *, txn_id: str | None = None, **wire) -> dict:
    """The DS the bank gives a DR, signed by the exchange."""
    fields = {"fpx_msgType": "DS", "fpx_mandateId": dr["fpx_mandateId"], "fpx_debitAuthCode": code,
              "fpx_debitAuthNo": "87654321" if code == "00" else "",
              "fpx_fpxTxnId": txn_id or exchange.txn_id(dr["fpx_sellerExOrderNo"]),
              "fpx_fpxTxnTime": dr["fpx_sellerTxnTime"], "fpx_sellerExId": dr["fpx_sellerExId"],
              "fpx_sellerId": dr["fpx_sellerId"], "fpx_sellerExOrderNo": dr["fpx_sellerExOrderNo"],
              "fpx_sellerOrderNo": dr["fpx_sellerOrderNo"], "fpx_txnAmount": dr["fpx_txnAmount"],
              "fpx_txnCurrency": "MYR", **wire}
    return mandates.signed(fields, exchange.key)


@dataclass(frozen=True)
class StubMandateGateway(MandateGateway):
    """Debits answered by `codes` (order no -> list of codes, a raw text such as ERROR, or None for no answer;
    the last one repeats; default 00); terminations answered 00; every DR sent kept in `sent`."""

    exchange: Exchange = None
    codes: dict = field(default_factory=dict)
    sent: list = field(default_factory=list)
    terminations: list = field(default_factory=list)
    replies: dict = field(default_factory=dict)  # enrolment order no -> codes its AE answers (default 09)

    def enquire(self, ar_fields):
        from webapp.mandate_models import Mandate

        ae = fpx.signed(fpx.build_ae(ar_fields), self.fpx.merchant_key())
        queue = self.replies.get(ar_fields["fpx_sellerExOrderNo"]) or ["09"]
        code = queue.pop(0) if len(queue) > 1 else queue[0]
        mandate = Mandate.get(Mandate.order_no == ar_fields["fpx_sellerExOrderNo"])
        return ae, urlencode(authorisation_ac(self.exchange, mandate, code))

    def cancel(self, ar_fields):
        from webapp.mandate_models import Mandate

        mandate = Mandate.get(Mandate.order_no == ar_fields["fpx_sellerExOrderNo"])
        return {}, urlencode(authorisation_ac(self.exchange, mandate, "2X"))

    def debit(self, dr_fields):
        self.sent.append(dr_fields)
        queue = self.codes.get(dr_fields["fpx_sellerExOrderNo"]) or ["00"]
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        if reply is None:
            raise GatewayUnavailable("FPX did not answer (timeout).")
        if len(reply) != 2:
            return reply
        return urlencode(debit_answer(self.exchange, dr_fields, reply))

    def terminate(self, tr_fields):
        self.terminations.append(tr_fields)
        return urlencode(mandates.signed({"fpx_msgType": "TS", "fpx_mandateId": tr_fields["fpx_mandateId"],
                                          "fpx_mandateStatus": "TERMINATED", "fpx_debitAuthCode": "00",
                                          "fpx_sellerExId": tr_fields["fpx_sellerExId"],
                                          "fpx_sellerId": tr_fields["fpx_sellerId"],
                                          "fpx_sellerExOrderNo": tr_fields["fpx_sellerExOrderNo"]}, self.exchange.key))


def stub_mandate_gateway(exchange: Exchange, **codes) -> StubMandateGateway:
    return StubMandateGateway(fpx=stub_gateway(exchange), enrol_url="https://fpx.example/_sim/mandate/enrol",
                              debit_url="https://fpx.example/_sim/mandate/debit",
                              terminate_url="https://fpx.example/_sim/mandate/terminate",
                              cancel_url="https://fpx.example/FPXMain/sellerReqCancel.jsp", exchange=exchange,
                              codes=dict(codes))
