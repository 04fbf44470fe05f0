"""Receipts and FCLB notices: the data their PDFs are built from (core.documents.receipt), in Malaysia time."""

import json

from core import counter, fpx, payment_channels
from core.documents.receipt import NoticeData, PaidItem, ReceiptData, notice_pdf, receipt_pdf
from core.errors import N_, NotFound
from core.money import from_sen
from core.periods import payment_deadline
from webapp.clock import MALAYSIA
from webapp.counter_models import CollectionLine, CounterPayment
from webapp.mandate_models import MandateDebit
from webapp.models import Acknowledgement, Employer
from webapp.payment_models import FclbNotice, PaymentAttempt, PaymentItem, Receipt
from webapp.services import outbox

ACTS = {"ACR": "SOCSO (ACR)", "ECR": "EIS (ECR)"}
TYPES_BILINGUAL = {"monthly": "Bulanan / Monthly", "arrears": "Tunggakan / Arrears",
                   "short": "Caruman Kurang / Short"}  # the receipt is in both languages


def _items(attempt: PaymentAttempt) -> list[PaidItem]:
    found = []
    for item in PaymentItem.select().where(PaymentItem.attempt == attempt).order_by(PaymentItem.id):
        if item.acknowledgement_id:
            ack = Acknowledgement.get_by_id(item.acknowledgement_id)
            found.append(PaidItem(ack.number, f"{ACTS[ack.kind]} {TYPES_BILINGUAL[ack.type]}",
                                  ack.month.strftime("%m/%Y"), from_sen(item.amount)))
        else:
            notice = FclbNotice.get_by_id(item.notice_id)
            found.append(PaidItem(notice.number, "FCLB", notice.acknowledgement.month.strftime("%m/%Y"),
                                  from_sen(item.amount)))
    return found


def method_of(attempt: PaymentAttempt) -> tuple[str, list[tuple[str, str]]]:
    """How a payment was made, in both languages, and its channel's references (label, value)."""
    if attempt.channel == payment_channels.FPX:
        return f"FPX {fpx.MODEL_NAMES[attempt.msg_token]}", [
            ("Bank", fpx.bank_name(attempt.msg_token, attempt.bank_id)),
            ("ID Transaksi FPX / FPX Transaction ID", attempt.fpx_txn_id or ""),
            ("No. Pesanan / Seller Order No.", attempt.order_no),
            ("No. Kelulusan / Approval No.", attempt.debit_auth_no or "-")]
    if attempt.channel in (payment_channels.COUNTER, payment_channels.COLLECTION):
        return payment_channels.bilingual_name(attempt.channel), counter_details(attempt)
    if attempt.channel == payment_channels.DIRECT_DEBIT:
        debit = MandateDebit.get_or_none(MandateDebit.attempt == attempt)
        bank = fpx.bank_name(debit.mandate.msg_token, debit.mandate.bank_id) if debit else "-"
        return payment_channels.bilingual_name(attempt.channel), [
            ("Bank", bank), ("ID Mandat / Mandate ID", attempt.reference or "-"),
            ("ID Transaksi FPX / FPX Transaction ID", attempt.fpx_txn_id or "-"),
            ("No. Pesanan / Order No.", attempt.order_no),
            ("No. Kelulusan / Approval No.", attempt.debit_auth_no or "-")]
    return payment_channels.bilingual_name(attempt.channel), [
        ("No. Rujukan / Reference No.", attempt.reference or "-"), ("No. Pesanan / Order No.", attempt.order_no)]


def counter_details(attempt: PaymentAttempt) -> list[tuple[str, str]]:
    """A bank counter's receipt lines: cash or the cheque and the teller (QRG 8); or the bank's collection."""
    paid = CounterPayment.get_or_none(CounterPayment.attempt == attempt)
    if paid is not None:
        malay, english = counter.METHOD_NAMES[paid.method]
        how = f"{malay} / {english}"
        if paid.method == counter.CHEQUE:
            how += f": {counter.cheque_label(paid.bank, paid.cheque_no)}"
        return [("Cara bayaran / Paid by", how), ("Juruwang / Teller", paid.teller.name),
                ("No. Pesanan / Order No.", attempt.order_no)]
    line = CollectionLine.get_or_none(CollectionLine.attempt == attempt)
    if line is None:
        return [("No. Rujukan / Reference No.", attempt.reference or "-"),
                ("No. Pesanan / Order No.", attempt.order_no)]
    return [("Bank", counter.BANKS.get(line.bank, line.bank)), ("Rujukan bank / Bank reference", line.reference),
            ("Tarikh kutipan / Collection date", line.day.strftime("%d/%m/%Y")),
            ("No. Pesanan / Order No.", attempt.order_no)]


def receipt_data(receipt: Receipt) -> ReceiptData:
    attempt = receipt.attempt
    employer = receipt.employer
    method, details = method_of(attempt)
    return ReceiptData(
        number=receipt.number, employer_code=employer.code or "", employer_name=employer.name,
        paid_at=(attempt.completed_at or receipt.created_at) + MALAYSIA, items=_items(attempt),
        amount=from_sen(receipt.amount), method=method, details=details)


def notice_data(notice: FclbNotice) -> NoticeData:
    ack = notice.acknowledgement
    return NoticeData(
        number=notice.number, employer_code=notice.employer.code or "", employer_name=notice.employer.name,
        acknowledgement=ack.number, period=ack.month.strftime("%m/%Y"), late_amount=from_sen(notice.late_amount),
        deadline=payment_deadline(ack.month), paid_on=notice.paid_on, days_late=notice.days_late,
        amount=from_sen(notice.amount), issued_at=notice.created_at + MALAYSIA)


def pdf_of_receipt(receipt: Receipt) -> bytes:
    return receipt_pdf(receipt_data(receipt))


def pdf_of_notice(notice: FclbNotice) -> bytes:
    return notice_pdf(notice_data(notice))


def _receipt_pdf_by_number(number: str) -> bytes:
    return pdf_of_receipt(Receipt.get(Receipt.number == number))


def _notice_pdf_by_number(number: str) -> bytes:
    return pdf_of_notice(FclbNotice.get(FclbNotice.number == number))


outbox.register_renderer("receipt", _receipt_pdf_by_number)  # the receipt email's attachments
outbox.register_renderer("notice", _notice_pdf_by_number)


def _exact(number: str | None, length: int) -> str:
    """A document number as printed, or "" (matching nothing): never cut to length, so a longer one is no match."""
    return number if number and len(number) == length else ""


def receipt_for(employer: Employer, number: str) -> Receipt:
    found = Receipt.get_or_none((Receipt.employer == employer) & (Receipt.number == _exact(number, 14)))
    if found is None:
        raise NotFound(N_("No such receipt."))
    return found


def notice_for(employer: Employer, number: str) -> FclbNotice:
    found = FclbNotice.get_or_none((FclbNotice.employer == employer) & (FclbNotice.number == _exact(number, 17)))
    if found is None:
        raise NotFound(N_("No such notice."))
    return found


def of_attempt(attempt: PaymentAttempt) -> tuple[list[Receipt], list[FclbNotice]]:
    """What a payment produced: its receipt and the FCLB notices of the ACR/ECRs it paid late."""
    return (list(Receipt.select().where(Receipt.attempt == attempt)),
            list(FclbNotice.select().where(FclbNotice.attempt == attempt).order_by(FclbNotice.id)))


def ar_amount(attempt: PaymentAttempt) -> int:
    """The amount of the AR as sent, in sen (what FPX was asked to debit)."""
    return fpx.parse_amount(json.loads(attempt.ar_fields)["fpx_txnAmount"])
