"""Direct debit by FPX e-Mandate (QRG 7, payments.md A.7 and A.8): the mandate's life, the rules a debit must
pass before it is sent, and the messages, as pure values.

A mandate is enrolled once per employer and scheme (SOCSO pays ACRs, EIS pays ECRs, each with the FCLB notices
of its own ACR/ECRs): the employer's bank authorises RM 1.00 through FPX (pending authorisation), the bank
approves it on the next business day (awaiting bank approval, then approved), or the authorisation fails
(rejected). The employer or the bank may end it (terminated); past its expiry date it is expired. Only an
approved mandate in force is debited, and the portal refuses before sending a debit above the mandate's limit
per transaction, beyond its number of debits in the calendar month (successful and still in flight), or
for ACR/ECRs of the other scheme.

The wire format of e-Mandates is not public ([SIM-DEFINED], fpxsim/mandate.py): FPX-style fields, and a
checksum (RSA-SHA1, as core.fpx) over the values of every field but fpx_checkSum in the alphabetical order
of their names. Enrolment AD (a browser POST like an AR, answered by ACs for the RM 1.00 authorisation),
approval MA and termination MT notices (POSTed to the merchant's direct URL), debit DR -> DS (host-to-host,
repeated with the same order number to learn an answer that was lost), termination TR -> TS.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from core import fpx
from core import payment_states as states
from core.errors import N_, ValidationError
from core.money import format_rm, from_sen

SOCSO, EIS = "socso", "eis"
SCHEMES = (SOCSO, EIS)
SCHEME_NAMES = {SOCSO: "SOCSO", EIS: "EIS"}
PAYS = {SOCSO: "ACR", EIS: "ECR"}  # the acknowledgements a scheme's mandate pays (and their FCLB notices)

PENDING_AUTHORISATION, AWAITING_APPROVAL, APPROVED = "pending_authorisation", "awaiting_approval", "approved"
REJECTED, TERMINATED, EXPIRED = "rejected", "terminated", "expired"
STATUSES = (PENDING_AUTHORISATION, AWAITING_APPROVAL, APPROVED, REJECTED, TERMINATED, EXPIRED)
LIVE = (PENDING_AUTHORISATION, AWAITING_APPROVAL, APPROVED)  # one per employer and scheme at a time
STATUS_NAMES = {
    PENDING_AUTHORISATION: N_("Pending authorisation"), AWAITING_APPROVAL: N_("Awaiting bank approval"),
    APPROVED: N_("Approved"), REJECTED: N_("Rejected"), TERMINATED: N_("Terminated"), EXPIRED: N_("Expired"),
}
TERMINATED_BY = ("employer", "bank")

ORDER_PREFIX = "MD"  # an enrolment's fpx_sellerExOrderNo (the debits' are DD, core.payment_channels)
AUTHORISATION_SEN = 100  # RM 1.00
AUTHORISATION_PRODUCT = "e-Mandate authorisation"
MAX_FREQUENCY = 31  # debits a month: more than one a day is a typing mistake
YEARS_IN_FORCE = 5  # a mandate's expiry date: five years after its effective date
FREQUENCY_MODE = "MT"  # "Max Frequency Per Month"

SUCCESS, PENDING, FAILED = fpx.SUCCESS, fpx.PENDING, fpx.FAILED
DEBIT_MESSAGES = {  # what the bank's refusal of a debit means for the employer ([SIM-DEFINED] 48, DC)
    "48": N_("The bank refused the debit: the amount is above the mandate's limit per transaction."),
    "DC": N_("The bank refused the debit: the mandate's number of debits for this month has been reached."),
    "DE": N_("The bank refused the debit: the mandate has expired or is not in force yet."),
    "57": N_("The bank refused the debit: the mandate is not approved or has been terminated."),
    "76": N_("The bank has no record of this mandate."),
}


def enrolment_number(sequence: int) -> str:
    """An enrolment's order number: MD and a running number from the database (never the clock)."""
    if sequence < 1:
        raise ValueError("sequence starts at 1")
    return f"{ORDER_PREFIX}{sequence:012d}"


def is_enrolment_number(order_no: str) -> bool:
    return len(order_no or "") == 14 and order_no.startswith(ORDER_PREFIX) and order_no[2:].isdigit()


def shown_status(status: str, expiry: date, today: date) -> str:
    """The state the Mandate List shows: an approved mandate past its expiry date is expired."""
    return EXPIRED if status == APPROVED and today > expiry else status


def expiry_of(effective: date) -> date:
    """YEARS_IN_FORCE years after the effective date (29 February gives 28 February)."""
    try:
        return effective.replace(year=effective.year + YEARS_IN_FORCE)
    except ValueError:
        return effective.replace(year=effective.year + YEARS_IN_FORCE, day=28)


def scheme_of(kind: str) -> str:
    """The scheme of an ACR (SOCSO) or an ECR (EIS)."""
    return SOCSO if kind == "ACR" else EIS


# --- the enrolment form's rules ------------------------------------------------------------------------------

def check_terms(token: str, limit_sen: int, max_frequency: int) -> None:
    """Refuse a Limit Per Transaction outside the model's FPX limits, or a Max Frequency Per Month outside
    1..MAX_FREQUENCY, with a ValidationError at the field."""
    if token not in fpx.AMOUNT_LIMITS:
        raise ValidationError(N_("Choose the business model."), field="model")
    low, high = fpx.AMOUNT_LIMITS[token]
    low = max(low, AUTHORISATION_SEN)
    if not low <= limit_sen <= high:
        raise ValidationError(N_("The limit per transaction must be between %(minimum)s and %(maximum)s."),
                              field="limit", minimum=format_rm(from_sen(low)), maximum=format_rm(from_sen(high)))
    if not 1 <= max_frequency <= MAX_FREQUENCY:
        raise ValidationError(N_("The maximum frequency per month must be a whole number from 1 to %(max)s."),
                              field="frequency", max=MAX_FREQUENCY)


def parse_frequency(text: str) -> int:
    """Max Frequency Per Month as typed: ASCII digits, 1..MAX_FREQUENCY; ValidationError otherwise."""
    cleaned = (text or "").strip()
    if not cleaned.isascii() or not cleaned.isdigit() or len(cleaned) > 3 or not 1 <= int(cleaned) <= MAX_FREQUENCY:
        raise ValidationError(N_("The maximum frequency per month must be a whole number from 1 to %(max)s."),
                              field="frequency", max=MAX_FREQUENCY)
    return int(cleaned)


# --- what a debit must pass before it is sent ----------------------------------------------------------------

@dataclass(frozen=True)
class Terms:
    """A mandate as the portal holds it, for the checks before a debit."""

    scheme: str
    status: str
    limit_sen: int
    max_frequency: int
    effective: date
    expiry: date


def check_debit(terms: Terms, *, schemes: set[str], amount_sen: int, debits_this_month: int, today: date) -> None:
    """Refuse a debit the portal must not send (ValidationError for the `mandate` field), in this order: items
    of the other scheme; a mandate not approved (pending, rejected, terminated); one not in force today
    (expired); an amount above the limit per transaction; the month's debits (successful and in flight)
    already at the maximum frequency."""
    if schemes - {terms.scheme}:
        raise ValidationError(N_("A %(scheme)s mandate pays %(kind)s only. Remove the other items from the cart, "
                                 "or pay them with the other scheme's mandate."), field="mandate",
                              scheme=SCHEME_NAMES[terms.scheme], kind=PAYS[terms.scheme])
    if terms.status == TERMINATED:
        raise ValidationError(N_("This mandate has been terminated: it cannot be debited."), field="mandate")
    if terms.status != APPROVED:
        raise ValidationError(N_("This mandate is not approved by the bank (%(status)s): it cannot be debited "
                                 "yet."), field="mandate", status=STATUS_NAMES.get(terms.status, terms.status))
    if today > terms.expiry:
        raise ValidationError(N_("This mandate expired on %(date)s: enrol a new one."), field="mandate",
                              date=terms.expiry.strftime("%d/%m/%Y"))
    if today < terms.effective:
        raise ValidationError(N_("This mandate is in force from %(date)s."), field="mandate",
                              date=terms.effective.strftime("%d/%m/%Y"))
    if amount_sen > terms.limit_sen:
        raise ValidationError(N_("The total %(amount)s is above this mandate's limit per transaction of %(limit)s."),
                              field="mandate", amount=format_rm(from_sen(amount_sen)),
                              limit=format_rm(from_sen(terms.limit_sen)))
    if debits_this_month >= terms.max_frequency:
        raise ValidationError(N_("This mandate allows %(count)s debit(s) a month and this month's are made or in "
                                 "progress."), field="mandate", count=terms.max_frequency)


def debit_outcome(code: str) -> str:
    """SUCCESS for 00, PENDING for 09/99, FAILED for every other code (76 too: the exchange answers a debit
    again with its first answer, so 76 means the mandate is unknown, not that the debit is)."""
    if code == "00":
        return SUCCESS
    return PENDING if code in ("09", "99") else FAILED


def debit_step(status: str, code: str, *, current_code: str | None) -> states.Step:
    """What a verified answer with `code` does to a debit in `status` (an answer already applied, same FPX id and
    code, is a duplicate and never reaches here): as core.payment_states.step, except that there is no
    "not found" (76 is a refusal) and nothing is failed without a failure code from the bank."""
    kind = debit_outcome(code)
    if status == states.SUCCEEDED:  # terminal (I2)
        return states.Step(states.NO_CHANGE if kind == PENDING else states.CONFLICT, states.SUCCEEDED)
    if status == states.FAILED:
        if kind == SUCCESS:
            return states.Step(states.APPLIED, states.SUCCEEDED)  # the money moved after all
        return states.Step(states.CONFLICT if kind == FAILED and code != current_code else states.NO_CHANGE,
                           states.FAILED)
    if kind == SUCCESS:
        return states.Step(states.APPLIED, states.SUCCEEDED)
    if kind == FAILED:
        return states.Step(states.APPLIED, states.FAILED)
    return states.Step(states.APPLIED, states.NEEDS_REVIEW if status == states.NEEDS_REVIEW else states.PENDING)


def debit_message(code: str) -> str:
    """The employer's message for the bank's answer to a debit (an N_ string; format it with code=)."""
    return DEBIT_MESSAGES.get(code) or fpx.response_code(code).message


# --- messages ------------------------------------------------------------------------------------------------

def checksum_order(fields: Mapping[str, str]) -> tuple[str, ...]:
    """Every field but the checksum, in alphabetical order of the names."""
    return tuple(sorted(name for name in fields if name != fpx.CHECKSUM))


def signed(fields: Mapping[str, str], private_key_pem: bytes | str) -> dict[str, str]:
    return {**fields, fpx.CHECKSUM: fpx.sign(fields, private_key_pem, checksum_order(fields))}


def genuine(fields: Mapping[str, str], certificate: bytes | str, now: datetime) -> bool:
    """True if FPX signed these fields; CertificateError if its certificate is not valid at `now`."""
    return fpx.verify(fields, certificate, now, checksum_order(fields))


def enrolment(seller: fpx.Seller, *, order_no: str, txn_time: datetime, token: str, bank_id: str, email: str,
              buyer_id: str, buyer_name: str, limit_sen: int, max_frequency: int, effective: date,
              expiry: date) -> dict[str, str]:
    """The AD of a new mandate (unsigned): application type 01, monthly frequency."""
    return {
        "fpx_msgType": "AD", "fpx_msgToken": token, "fpx_sellerExId": seller.exchange_id,
        "fpx_sellerId": seller.seller_id, "fpx_sellerExOrderNo": order_no, "fpx_sellerOrderNo": order_no,
        "fpx_sellerTxnTime": fpx.format_txn_time(txn_time), "fpx_buyerBankId": bank_id, "fpx_buyerEmail": email,
        "fpx_buyerId": buyer_id, "fpx_buyerName": buyer_name, "fpx_applicationType": "01",
        "fpx_maxAmount": fpx.format_amount(limit_sen), "fpx_frequencyMode": FREQUENCY_MODE,
        "fpx_maxFrequency": str(max_frequency), "fpx_effectiveDate": effective.strftime("%Y%m%d"),
        "fpx_expiryDate": expiry.strftime("%Y%m%d"),
    }


def authorisation_ar(enrolment_fields: Mapping[str, str]) -> dict[str, str]:
    """The RM 1.00 authorisation of an enrolment as an AR: what its ACs are compared with (core.fpx.mismatches)
    and what an AE about it is built from."""
    ar = {name: enrolment_fields.get(name, "") for name in fpx.AR_CHECKSUM_FIELDS}
    ar.update(fpx_msgType="AR", fpx_txnAmount=fpx.format_amount(AUTHORISATION_SEN), fpx_txnCurrency="MYR",
              fpx_productDesc=AUTHORISATION_PRODUCT)
    return ar


def debit_request(seller: fpx.Seller, *, order_no: str, seller_order_no: str, txn_time: datetime, mandate_id: str,
                  amount_sen: int) -> dict[str, str]:
    """The DR of a debit (unsigned)."""
    return {"fpx_msgType": "DR", "fpx_sellerExId": seller.exchange_id, "fpx_sellerId": seller.seller_id,
            "fpx_sellerExOrderNo": order_no, "fpx_sellerOrderNo": seller_order_no,
            "fpx_sellerTxnTime": fpx.format_txn_time(txn_time), "fpx_mandateId": mandate_id,
            "fpx_txnAmount": fpx.format_amount(amount_sen)}


def termination(seller: fpx.Seller, *, enrolment_order_no: str, txn_time: datetime, mandate_id: str) -> dict:
    """The TR that ends a mandate at the bank (unsigned)."""
    return {"fpx_msgType": "TR", "fpx_sellerExId": seller.exchange_id, "fpx_sellerId": seller.seller_id,
            "fpx_sellerExOrderNo": enrolment_order_no, "fpx_sellerTxnTime": fpx.format_txn_time(txn_time),
            "fpx_mandateId": mandate_id}


@dataclass(frozen=True)
class DebitAnswer:
    """A DS: the bank's answer to a debit (the reply to a DR, or a notice when a pending debit ends)."""

    order_no: str
    seller_order_no: str
    mandate_id: str
    code: str
    auth_no: str
    fpx_txn_id: str
    fpx_txn_time: str
    amount_sen: int
    seller_id: str
    seller_ex_id: str
    currency: str

    @property
    def outcome(self) -> str:
        return debit_outcome(self.code)


@dataclass(frozen=True)
class Notice:
    """An MA (the bank approved the mandate) or MT (the buyer or bank terminated it) notice."""

    msg_type: str
    mandate_id: str
    status: str
    status_date: str
    order_no: str
    seller_id: str
    seller_ex_id: str


def _verified(fields: Mapping[str, str], certificate, now: datetime, msg_type: str, needed: tuple) -> None:
    if fields.get("fpx_msgType") != msg_type:
        raise fpx.FpxError(f"Not a {msg_type} message: {fields.get('fpx_msgType')!r}")
    if not genuine(fields, certificate, now):
        raise fpx.SignatureError(f"The {msg_type}'s checksum does not verify with FPX's certificate.")
    missing = [name for name in needed if not fields.get("fpx_" + name)]
    if missing:
        raise fpx.FpxError(f"The {msg_type} lacks {', '.join(missing)}.")


def read_debit_answer(fields: Mapping[str, str], certificate, now: datetime) -> DebitAnswer:
    """A DS, verified (SignatureError, CertificateError, FpxError when malformed)."""
    _verified(fields, certificate, now, "DS", ("sellerExOrderNo", "mandateId", "debitAuthCode", "txnAmount"))

    def get(name):
        return fields.get("fpx_" + name, "")

    return DebitAnswer(order_no=get("sellerExOrderNo"), seller_order_no=get("sellerOrderNo"),
                       mandate_id=get("mandateId"), code=get("debitAuthCode"), auth_no=get("debitAuthNo"),
                       fpx_txn_id=get("fpxTxnId"), fpx_txn_time=get("fpxTxnTime"),
                       amount_sen=fpx.parse_amount(get("txnAmount")), seller_id=get("sellerId"),
                       seller_ex_id=get("sellerExId"), currency=get("txnCurrency"))


def read_notice(fields: Mapping[str, str], certificate, now: datetime) -> Notice:
    """An MA or MT notice, verified (SignatureError, CertificateError, FpxError when malformed)."""
    msg_type = fields.get("fpx_msgType", "")
    _verified(fields, certificate, now, msg_type if msg_type in ("MA", "MT") else "MA",
              ("mandateId", "mandateStatus", "sellerExOrderNo"))

    def get(name):
        return fields.get("fpx_" + name, "")

    return Notice(msg_type=msg_type, mandate_id=get("mandateId"), status=get("mandateStatus"),
                  status_date=get("statusDate"), order_no=get("sellerExOrderNo"), seller_id=get("sellerId"),
                  seller_ex_id=get("sellerExId"))


def read_termination_answer(text: str, certificate, now: datetime) -> str:
    """The code of a verified TS (00: the mandate is terminated at the bank); raises like the others."""
    fields = fpx.parse_reply(text)
    _verified(fields, certificate, now, "TS", ("mandateId", "debitAuthCode"))
    return fields["fpx_debitAuthCode"]
