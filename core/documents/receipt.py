"""The receipt of a payment (FPX, EFT, direct debit, bank counter) and the FCLB (late-payment interest)
notice, as PDFs in both languages.

The receipt lists every ACR/ECR (or notice) paid with its month and amount, how it was paid and the
references of that channel (for FPX the transaction that paid them); the notice states how the interest
was reckoned (core.interest) and that it is paid like an ACR/ECR.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from core.documents import Document


@dataclass(frozen=True)
class PaidItem:
    number: str  # ACR/ECR number or FCLB notice number
    description: str  # e.g. "SOCSO (ACR) Monthly", "FCLB"
    period: str  # MM/YYYY ("" for a notice)
    amount: Decimal


@dataclass(frozen=True)
class ReceiptData:
    number: str
    employer_code: str
    employer_name: str
    paid_at: datetime  # Malaysia time
    items: list[PaidItem]
    amount: Decimal
    method: str  # the channel in both languages, e.g. "FPX B2C", "Debit Terus / Direct Debit"
    details: list[tuple[str, str]]  # the channel's references: (bilingual label, value)


@dataclass(frozen=True)
class NoticeData:
    number: str
    employer_code: str
    employer_name: str
    acknowledgement: str
    period: str  # MM/YYYY
    late_amount: Decimal
    deadline: date
    paid_on: date
    days_late: int
    amount: Decimal
    issued_at: datetime  # Malaysia time


def _rm(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def receipt_pdf(data: ReceiptData) -> bytes:
    doc = Document(f"RESIT / RECEIPT {data.number}")
    doc.heading("RESIT BAYARAN / PAYMENT RECEIPT")
    doc.pairs([("No. Resit / Receipt No.", data.number), ("Kod Majikan / Employer Code", data.employer_code),
               ("Nama Majikan / Employer Name", data.employer_name),
               ("Tarikh / Date", data.paid_at.strftime("%d/%m/%Y %I:%M:%S %p")),
               ("Kaedah / Method", data.method), *data.details], label_width=78)
    doc.grid(["No.", "ACR/ECR / Notis", "Butiran / Details", "Bulan / Month", "Amaun / Amount (RM)"],
             [[str(n), item.number, item.description, item.period or "-", _rm(item.amount)]
              for n, item in enumerate(data.items, start=1)]
             + [["", "JUMLAH / TOTAL", "", "", _rm(data.amount)]], widths=(12, 48, 50, 30, 40))
    doc.paragraph(f"Bayaran ini telah diterima ({data.method}). Resit ini dijana oleh komputer dan tidak "
                  f"memerlukan tandatangan.\nThis payment was received ({data.method}). This receipt is "
                  "computer-generated and needs no signature.", size=8)
    return doc.output_bytes()


def notice_pdf(data: NoticeData) -> bytes:
    doc = Document(f"NOTIS FCLB / FCLB NOTICE {data.number}")
    doc.heading("NOTIS FAEDAH CARUMAN LEWAT BAYAR (FCLB)\nINTEREST ON LATE PAYMENT OF CONTRIBUTIONS NOTICE")
    doc.pairs([("ID Notis / Notice ID", data.number), ("Kod Majikan / Employer Code", data.employer_code),
               ("Nama Majikan / Employer Name", data.employer_name),
               ("Tarikh / Date", data.issued_at.strftime("%d/%m/%Y %I:%M:%S %p"))], label_width=78)
    doc.grid(["ACR/ECR", "Bulan / Month", "Tarikh akhir / Deadline", "Dibayar / Paid on", "Hari lewat / Days late",
              "Amaun lewat / Paid late (RM)"],
             [[data.acknowledgement, data.period, data.deadline.strftime("%d/%m/%Y"),
               data.paid_on.strftime("%d/%m/%Y"), str(data.days_late), _rm(data.late_amount)]],
             widths=(38, 22, 30, 28, 26, 46))
    doc.set_font("DejaVu", "B", 12)
    doc.cell(0, 8, f"Amaun Bayaran / Payment Amount (RM): {_rm(data.amount)}", new_x="LMARGIN", new_y="NEXT")
    doc.ln(2)
    doc.paragraph("Faedah 6% setahun bagi setiap hari lewat selepas tarikh akhir (15hb bulan berikutnya), minimum "
                  "RM5.00 (Akta 4 s.14A; Akta 800 s.21). Bayar notis ini di ASSIST, PAYMENT, seperti ACR/ECR.\n"
                  "Interest at 6% a year for each day after the deadline (the 15th of the following month), at "
                  "least RM5.00 (Act 4 s.14A; Act 800 s.21). Pay this notice in ASSIST, PAYMENT, like an ACR/ECR.",
                  size=8)
    return doc.output_bytes()
