"""The bank counter (QRG 8) as a bank teller records it: which document, from when, cash or cheque, how much.

Rules, with the choices the sources leave open (each tested in tests/core/test_counter.py):
- A counter takes one ACR or one ECR at a time, found by its number exactly as printed (spaces the teller
  types between digit groups are ignored, and the start and stop `*` a barcode scanner may send with the
  printed Code 39 barcode). Its number reaches the counters on the next business day when it
  was submitted before 6.00 PM, else the business day after (core.periods.counter_available_on).
- Cash or a cheque. QRG 8: "Majikan HENDAKLAH menggunakan 2 cek berasingan untuk SOCSO dan EIS": one cheque
  pays one document, so an ACR and an ECR need two cheques; a number that names both (as PRINT ACR/ECR does,
  "ACR...+ECR...") is refused, and a cheque already recorded cannot pay a second document.
- A cheque is named by its drawee bank (BANKS) and its serial number: the six digits printed on Malaysian
  cheques (the MICR line's serial field) [assumption: no public PERKESO source gives the width].
- The amount received must equal the document's amount to the sen: a counter takes no part payment and no
  overpayment (a different amount means a different document, or a mistake).
"""

import re
from datetime import date, datetime

from core.errors import N_, ValidationError
from core.money import format_rm, from_sen
from core.periods import counter_available_on

CASH, CHEQUE = "cash", "cheque"
METHODS = (CASH, CHEQUE)
METHOD_NAMES = {CASH: ("Tunai", "Cash"), CHEQUE: ("Cek", "Cheque")}  # (Malay, English) for the receipt

# Drawee banks of the cheques a counter takes (licensed banks in Malaysia): code -> name as printed.
BANKS = {
    "MBB": "Maybank", "CIMB": "CIMB Bank", "PBB": "Public Bank", "RHB": "RHB Bank", "HLB": "Hong Leong Bank",
    "AMB": "AmBank", "BIMB": "Bank Islam", "BKRM": "Bank Rakyat", "BSN": "Bank Simpanan Nasional",
    "AFB": "Affin Bank", "ABB": "Alliance Bank", "BMMB": "Bank Muamalat", "AGRO": "Agrobank",
    "OCBC": "OCBC Bank", "HSBC": "HSBC Bank", "UOB": "UOB Bank", "SCB": "Standard Chartered",
    "CITI": "Citibank", "MBSB": "MBSB Bank", "KFH": "Kuwait Finance House", "RJHI": "Al Rajhi Bank",
}

DOCUMENT = re.compile(r"(ACR|ECR)(0[1-9]|1[0-2])2[0-9]{2}[0-9]{7}", re.ASCII)
_NAMED = re.compile(r"[AE]CR", re.ASCII)
_CHEQUE_NUMBER = re.compile(r"[0-9]{6}", re.ASCII)
ONE_CHEQUE_PER_SCHEME = N_("One document at a time: a cheque pays one scheme. SOCSO (ACR) and EIS (ECR) need "
                           "two separate cheques.")


def parse_document(text: str) -> str:
    """The ACR or ECR number a teller keyed in (or scanned), upper-cased, spaces between groups removed.

    Refuses two numbers at once (the combined PRINT ACR/ECR names both): one cheque per scheme.
    """
    cleaned = re.sub(r"[ \t]+", "", (text or "").strip().upper())[:60].strip("*")  # a scanner may send Code 39's *
    if "+" in cleaned or len(_NAMED.findall(cleaned)) > 1:
        raise ValidationError(ONE_CHEQUE_PER_SCHEME, field="number")
    if not DOCUMENT.fullmatch(cleaned):
        raise ValidationError(N_("Key in the ACR or ECR number as printed, for example ACR072210020506."),
                              field="number")
    return cleaned


def scheme_of(number: str) -> str:
    """SOCSO for an ACR, EIS for an ECR."""
    return "SOCSO" if number.startswith("ACR") else "EIS"


def parse_cheque_number(text: str) -> str:
    """The cheque's six-digit serial number (ASCII digits)."""
    cleaned = (text or "").strip()
    if not _CHEQUE_NUMBER.fullmatch(cleaned):
        raise ValidationError(N_("Key in the cheque number: the 6 digits printed on the cheque."), field="cheque_no")
    return cleaned


def check_bank(code: str) -> str:
    """A drawee bank from BANKS."""
    if code not in BANKS:
        raise ValidationError(N_("Choose the bank of the cheque."), field="bank")
    return code


def check_method(method: str) -> str:
    if method not in METHODS:
        raise ValidationError(N_("Choose cash or cheque."), field="method")
    return method


def check_amount(received: int, due: int) -> None:
    """The amount received (sen) must be the document's amount exactly."""
    if received != due:
        raise ValidationError(N_("The amount received (%(received)s) is not the amount of this document "
                                 "(%(due)s). A counter takes the exact amount only."), field="amount",
                              received=format_rm(from_sen(received)), due=format_rm(from_sen(due)))


def available_from(submitted_at: datetime) -> date:
    """The first day a document submitted at `submitted_at` (Malaysia time) can be paid at a counter."""
    return counter_available_on(submitted_at)


def is_available(submitted_at: datetime, today: date) -> bool:
    """Whether a counter can take the document today (Malaysia dates)."""
    return today >= available_from(submitted_at)


def cheque_label(bank: str, cheque_no: str) -> str:
    """How a cheque is named on the receipt and in the records: 'Maybank 123456'."""
    return f"{BANKS.get(bank, bank)} {cheque_no}"
