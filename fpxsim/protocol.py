"""FPX's wire format as the exchange sees it: field lists, checksum orders, codes, bank lists, amounts, times.

Written from payments.md A.3-A.5 independently of core/fpx.py (see keys.py for why).
"""

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

MYT = timezone(timedelta(hours=8), "MYT")

_AR = ("buyerAccNo buyerBankBranch buyerBankId buyerEmail buyerIban buyerId buyerName makerName msgToken msgType "
       "productDesc sellerBankCode sellerExId sellerExOrderNo sellerId sellerOrderNo sellerTxnTime txnAmount "
       "txnCurrency version")
_AC = ("buyerBankBranch buyerBankId buyerIban buyerId buyerName creditAuthCode creditAuthNo debitAuthCode "
       "debitAuthNo fpxTxnId fpxTxnTime makerName msgToken msgType sellerExId sellerExOrderNo sellerId "
       "sellerOrderNo sellerTxnTime txnAmount txnCurrency")
ORDER = {
    "AR": tuple("fpx_" + name for name in _AR.split()),
    "AC": tuple("fpx_" + name for name in _AC.split()),
    "BE": ("fpx_msgToken", "fpx_msgType", "fpx_sellerExId", "fpx_version"),
    "BC": ("fpx_bankList", "fpx_msgToken", "fpx_msgType", "fpx_sellerExId"),
}
ORDER["AE"] = ORDER["AR"]
ORDER["AX"] = ORDER["AR"]  # [SIM-DEFINED] a cancellation request is an AR's fields with msgType AX

# An AR must carry these (the buyer and maker fields may be empty).
AR_REQUIRED = tuple("fpx_" + name for name in (
    "msgType", "msgToken", "sellerExId", "sellerExOrderNo", "sellerTxnTime", "sellerOrderNo", "sellerId",
    "sellerBankCode", "txnCurrency", "txnAmount", "buyerBankId", "productDesc", "version", "checkSum"))

B2B1 = "02"  # fpx_msgToken of the corporate model (99 then 00)
LIMITS = {"01": (100, 3_000_000), "02": (200, 100_000_000)}  # sen, per model
PENDING_CODES = ("09", "99")

DESCRIPTIONS = {
    "00": "Approved", "09": "Transaction Pending", "99": "Pending Authorization", "51": "Insufficient Funds",
    "1A": "Buyer Session Timeout At Internet Banking Login Page", "1C": "Buyer Choose Cancel At Login Page",
    "1F": "Buyer Choose Cancel At Account Selection Page", "1I": "Buyer Choose Cancel At TAC Request Page",
    "1L": "Buyer Choose Cancel At Confirmation Page", "1M": "Internet Banking Session Timeout",
    "BC": "Transaction Cancelled By Customer", "90": "Bank Internet Banking Unavailable", "96": "System Malfunction",
    "13": "Invalid Amount", "2A": "Transaction Amount Is Lower Than Minimum Limit",
    "48": "Maximum Transaction Limit Exceeded", "47": "Invalid Currency", "46": "Invalid Seller Exchange Or Seller",
    "XS": "Seller Does Not Belong To Exchange", "XN": "Duplicate Seller Exchange Order Number",
    "XW": "Seller Exchange Date Difference Exceeded", "92": "Invalid Buyer Bank", "BB": "Blocked Bank",
    "OE": "Transaction Rejected As Not In FPX Operating Hours", "76": "Transaction Not Found",
    "XE": "Invalid Message", "XM": "Invalid FPX Transaction Model", "XC": "Seller Exchange Encryption Error",
    "2X": "Transaction Is Canceled By Merchant",
}

# The bank page's buttons: (code, label). 99 is offered for B2B1 only.
BANK_OUTCOMES = (
    ("00", "Approve (00)"), ("51", "Insufficient funds (51)"),
    ("1C", "Cancel at login (1C)"), ("1F", "Cancel at account selection (1F)"), ("1I", "Cancel at TAC (1I)"),
    ("1L", "Cancel at confirmation (1L)"), ("BC", "Cancelled by customer (BC)"),
    ("1A", "Timeout at login (1A)"), ("1M", "Internet banking session timeout (1M)"),
    ("09", "Pending (09)"), ("99", "Submit to authoriser (99)"),
    ("90", "Internet banking unavailable (90)"), ("96", "System malfunction (96)"),
)

# Buyer banks per model: code -> (name, status). One realistic bank per list starts offline (B).
BANKS = {
    "01": {"TEST0021": "SBI Bank A", "TEST0022": "SBI Bank B", "TEST0023": "SBI Bank C",
           "MB2U0227": "Maybank2U", "BCBB0235": "CIMB Clicks", "PBB0233": "Public Bank", "RHB0218": "RHB Bank",
           "HLB0224": "Hong Leong Bank", "BIMB0340": "Bank Islam", "BSN0601": "BSN"},
    "02": {"TEST0021": "SBI Bank A", "TEST0022": "SBI Bank B", "TEST0023": "SBI Bank C",
           "MBB0228": "Maybank2E", "BCBB0235": "CIMB Bank", "PBB0234": "PB Enterprise", "RHB0218": "RHB Bank",
           "HLB0224": "Hong Leong Bank", "ABB0232": "Affin Bank"},
}
OFFLINE_BY_DEFAULT = {"01": {"BSN0601"}, "02": {"ABB0232"}}

_AMOUNT = re.compile(r"[0-9]+\.[0-9]{2}")  # ASCII digits only


def source(fields: dict, msg_type: str) -> str:
    """The checksum source string of a message: its fields' values in A.4 order, joined by '|'."""
    return "|".join(fields.get(name, "") for name in ORDER[msg_type])


def amount_sen(text: str) -> int | None:
    """Sen from "123.45"; None unless the text is digits, a point and exactly two decimals."""
    if not _AMOUNT.fullmatch(text or "") or len(text) > 16:
        return None
    whole, cents = text.split(".")
    return int(whole) * 100 + int(cents)


def amount_text(sen: int) -> str:
    return f"{sen // 100}.{sen % 100:02d}"


def wire_time(moment: datetime) -> str:
    return moment.astimezone(MYT).strftime("%Y%m%d%H%M%S")


def parse_wire_time(text: str) -> datetime | None:
    if not re.fullmatch(r"[0-9]{14}", text or ""):
        return None
    try:
        return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=MYT)
    except (TypeError, ValueError):
        return None


def encode(fields: dict) -> str:
    """URL-encoded fields for a host-to-host reply; `~` and `,` stay readable as in FPX's bank list."""
    return urlencode(fields, safe="~,")


def first_values(form) -> dict:
    """A plain dict of the first value of each posted field."""
    return {key: form.get(key, "") for key in form}
