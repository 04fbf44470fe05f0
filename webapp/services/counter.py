"""The bank counter (QRG 8) as a bank teller works it: find one ACR/ECR by its number, record cash or a cheque
for its exact amount, print the receipt (core.counter has the rules).

A teller sees only the document it looked up (number, employer code and name, month, amount, status) and the
receipts of the payments it recorded itself; never an employer's other data. Every look-up and every
payment is in the audit trail. Recording is one locked transaction: the document's row is locked first,
then the form's one-time token is looked up (a double press, even two presses at once, records once and
answers with the first payment), then every "may I?" check, then the payment is created and settled
(receipt, FCLB notice when late, the receipt emailed to the employer).
"""

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from core import counter, payment_channels
from core.errors import N_, Conflict, NotAllowed, NotFound, ValidationError
from webapp.clock import MALAYSIA
from webapp.counter_models import CounterPayment
from webapp.db import for_update, locked
from webapp.models import Acknowledgement, EmployerAccess, User
from webapp.payment_models import LIVE_STATUSES, PaymentAttempt, PaymentItem, Receipt
from webapp.services import audit, payments, settlement

UNKNOWN = N_("No ACR or ECR has this number. Check the number on the printed ACR/ECR.")
NOT_YET = N_("%(number)s is not at the bank counter yet: it can be paid here from %(date)s (an ACR/ECR is at the "
             "counter the next business day when submitted before 6.00 PM).")
PAID = N_("%(number)s is paid already. Do not take a payment for it.")
CANCELLED = N_("%(number)s was cancelled by the employer. Do not take a payment for it.")
HELD = N_("%(number)s is in another payment waiting for its answer (an EFT being verified, an FPX payment at "
          "the bank). Do not take a payment for it now.")


@dataclass(frozen=True)
class Document:
    """What a teller sees of an ACR/ECR, and nothing more."""

    number: str
    scheme: str  # SOCSO | EIS
    employer_code: str
    employer_name: str
    month: date
    amount: int  # sen
    status: str  # unpaid | paid | cancelled | held
    token: str  # the record form's one-time token

    @property
    def payable(self) -> bool:
        return self.status == "unpaid"


def _today(now: datetime) -> date:
    return (now + MALAYSIA).date()


def _status(ack: Acknowledgement) -> str:
    if ack.status != "unpaid":
        return ack.status
    held = (PaymentItem.select().join(PaymentAttempt)
            .where((PaymentItem.acknowledgement == ack) & (PaymentItem.state == "open")
                   & PaymentAttempt.status.in_(LIVE_STATUSES)).exists())
    return "held" if held else "unpaid"


def _not_yet(ack: Acknowledgement, now: datetime) -> NotAllowed | None:
    """The refusal of a document not at the counter yet (core.periods' 6.00 PM rule), or None."""
    submitted = ack.created_at + MALAYSIA
    if counter.is_available(submitted, _today(now)):
        return None
    return NotAllowed(NOT_YET, number=ack.number, date=counter.available_from(submitted).strftime("%d/%m/%Y"))


def _acknowledgement(number: str, lock: bool = False) -> Acknowledgement | None:
    query = Acknowledgement.select().where((Acknowledgement.number == number) & Acknowledgement.number.is_null(False))
    return (for_update(query) if lock else query).first()


def find(teller: User, text: str, now: datetime, *, log: bool = True) -> Document:
    """SEARCH: the ACR/ECR with this number, as a teller may see it. Raises ValidationError (not a number, or
    two numbers: one cheque per scheme), NotFound, or NotAllowed (not at the counter before the next business
    day). Every look-up, found or not, is in the audit trail (`log` False: the same document shown again
    with a refused form). `now` is naive UTC."""
    number = counter.parse_document(text)
    with locked():
        ack = _acknowledgement(number)
        # a paid or cancelled document says so, whenever it was submitted (not "from <date>")
        refusal = NotFound(UNKNOWN) if ack is None else (_not_yet(ack, now) if ack.status == "unpaid" else None)
        status = "" if refusal else _status(ack)
        if log:
            audit.record(teller, "counter.lookup", employer=ack.employer_id if ack else None, subject=number,
                         details={"found": ack is not None, "status": (status or "not yet") if ack else "unknown"})
    if refusal:
        raise refusal
    employer = ack.employer
    return Document(number=number, scheme=counter.scheme_of(number), employer_code=employer.code or "",
                    employer_name=employer.name, month=ack.month, amount=ack.amount, status=status,
                    token=secrets.token_urlsafe(32))


@dataclass(frozen=True)
class Payment:
    order_no: str
    receipt: str
    number: str
    again: bool  # True: this form was recorded before (a double press): nothing new was recorded


def record(teller: User, *, number: str, token: str, method: str, amount: int, bank: str = "",
           cheque_no: str = "", now: datetime) -> Payment:
    """Record cash or a cheque for one ACR/ECR and settle it (receipt; FCLB notice when late; the receipt
    emailed to the employer). `amount` is what the teller received, in sen: it must be the document's.
    Refusals: NotFound, NotAllowed (not yet at the counter, paid, cancelled), Conflict (held by another
    payment), ValidationError (amount differs; a cheque recorded before: one cheque per scheme)."""
    number = counter.parse_document(number)
    counter.check_method(method)
    if method == counter.CHEQUE:
        bank, cheque_no = counter.check_bank(bank), counter.parse_cheque_number(cheque_no)
    else:
        bank, cheque_no = None, None
    if not token or len(token) > 43:
        raise ValidationError(N_("This form has expired. SEARCH the number again."), field="number")
    with locked():
        ack = _acknowledgement(number, lock=True)  # first: a second press waits here for the first one
        earlier = CounterPayment.get_or_none(CounterPayment.token == token)
        if earlier is not None:
            return _again(earlier, teller, number)
        if ack is None:
            raise NotFound(UNKNOWN)
        _may_take(ack, now, amount)
        if cheque_no:
            _cheque_unused(bank, cheque_no, number)
        reference = counter.cheque_label(bank, cheque_no) if cheque_no else "CASH"
        facts = {"method": method, "bank": bank, "cheque_no": cheque_no, "teller": teller.email}
        attempt = payments.hold_one(teller, ack, channel=payment_channels.COUNTER, email=employer_email(ack),
                                    now=now, reference=reference, details=facts)
        CounterPayment.create(attempt=attempt, acknowledgement=ack, teller=teller, method=method, bank=bank,
                              cheque_no=cheque_no, amount=amount, token=token, created_at=now)
        if settlement.settle(attempt, now, actor=teller, details=facts) != "succeeded":
            raise Conflict(HELD, number=number)  # checked above under the same lock: rolls everything back
        audit.record(teller, "counter.recorded", employer=ack.employer_id, subject=number,
                     details={**facts, "order_no": attempt.order_no, "amount": amount})
        receipt = Receipt.get(Receipt.attempt == attempt)
    return Payment(attempt.order_no, receipt.number, number, again=False)


def _may_take(ack: Acknowledgement, now: datetime, amount: int) -> None:
    refusal = _not_yet(ack, now)
    if refusal:
        raise refusal
    status = _status(ack)
    if status == "paid":
        raise NotAllowed(PAID, number=ack.number)
    if status == "cancelled":
        raise NotAllowed(CANCELLED, number=ack.number)
    if status == "held":
        raise Conflict(HELD, number=ack.number)
    counter.check_amount(amount, ack.amount)


def _cheque_unused(bank: str, cheque_no: str, number: str) -> None:
    """One cheque, one document: a cheque recorded before is refused (for the other scheme: two cheques)."""
    used = CounterPayment.get_or_none((CounterPayment.method == counter.CHEQUE) & (CounterPayment.bank == bank)
                                      & (CounterPayment.cheque_no == cheque_no))
    if used is None:
        return
    other = used.acknowledgement.number
    if counter.scheme_of(other) != counter.scheme_of(number):
        raise ValidationError(N_("This cheque paid %(other)s already. %(rule)s"), field="cheque_no", other=other,
                              rule=counter.ONE_CHEQUE_PER_SCHEME)
    raise ValidationError(N_("This cheque was recorded already, for %(other)s. One cheque pays one document."),
                          field="cheque_no", other=other)


def _again(earlier: CounterPayment, teller: User, number: str) -> Payment:
    if earlier.teller_id != teller.id or earlier.acknowledgement.number != number:
        raise Conflict(N_("This form was sent already. SEARCH the number again."))
    receipt = Receipt.get(Receipt.attempt == earlier.attempt_id)
    return Payment(earlier.attempt.order_no, receipt.number, number, again=True)


def employer_email(ack: Acknowledgement) -> str:
    """Where the receipt goes: the employer's email, else its administrator's (then any member's)."""
    employer = ack.employer
    if employer.email:
        return employer.email
    member = (User.select(User.email).join(EmployerAccess).where(EmployerAccess.employer == employer)
              .order_by((EmployerAccess.role == "administrator").desc(), EmployerAccess.id).first())
    return member.email if member else "no-reply@assist.perkeso.test"


def payment_of(teller: User, order_no: str) -> tuple[PaymentAttempt, Receipt, Acknowledgement]:
    """A counter payment this teller recorded, its receipt and its document; NotFound for any other."""
    paid = (CounterPayment.select().join(PaymentAttempt)
            .where((PaymentAttempt.order_no == (order_no or "")[:20]) & (CounterPayment.teller == teller)).first())
    if paid is None:
        raise NotFound(N_("No such payment."))
    receipt = Receipt.get_or_none(Receipt.attempt == paid.attempt_id)
    if receipt is None:
        raise NotFound(N_("No such payment."))
    return paid.attempt, receipt, paid.acknowledgement


def recorded_today(teller: User, now: datetime) -> list[tuple[PaymentAttempt, CounterPayment]]:
    """The payments this teller recorded today (Malaysia), newest first: to print a receipt again."""
    start = datetime.combine(_today(now), datetime.min.time()) - MALAYSIA
    rows = (CounterPayment.select(CounterPayment, PaymentAttempt, Acknowledgement).join(PaymentAttempt)
            .join_from(CounterPayment, Acknowledgement)
            .where((CounterPayment.teller == teller) & (CounterPayment.created_at >= start))
            .order_by(CounterPayment.id.desc()).limit(50))
    return [(row.attempt, row) for row in rows]
