"""The ACR (Act 4) and ECR (Act 800) as PDFs, laid out like the samples in QRG 8.

The number is printed large and as a Code 39 barcode, which bank counters scan.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from core.documents import Document

OFFICE = ("Pejabat PERKESO Negeri W.P Kuala Lumpur", "Wisma PERKESO, No. 155, Jalan Tun Razak, 50400 KUALA LUMPUR",
          "WILAYAH PERSEKUTUAN KUALA LUMPUR · http://www.perkeso.gov.my/ · E-Mel: pkskl@perkeso.gov.my")
TITLES = {"ACR": "ACKNOWLEDGEMENT CONTRIBUTION RECEIVED (ACR)", "ECR": "EMPLOYEE CONTRIBUTION RECEIVED (ECR)"}
# QRG 8, in both languages: one cheque per scheme (the bank counter refuses a cheque for both, core.counter).
CHEQUES = ("Majikan HENDAKLAH menggunakan 2 cek berasingan untuk caruman SOCSO dan EIS.\n"
           "The employer MUST use 2 separate cheques for SOCSO and EIS contributions.")
NOTE = ("Note : Contribution Type Details (monthly / arrears / short) payment subject to change after employee's "
        "contribution details updated.")


@dataclass(frozen=True)
class AcknowledgementData:
    number: str
    kind: str  # ACR | ECR
    employer_code: str
    employer_name: str
    type_label: str  # Monthly | Arrears | Short
    medium_label: str  # 8A | Text File
    period: str  # MM/YYYY
    employees: int
    amount: Decimal
    receiver_name: str
    receiver_id: str
    created_at: datetime  # Malaysia time
    counter_from: str  # DD/MM/YYYY: when the number is at the bank counter


def _page(doc: Document, data: AcknowledgementData) -> None:
    doc.set_font("DejaVu", "B", 14)
    doc.cell(0, 8, data.number, align="R", new_x="LMARGIN", new_y="NEXT")
    doc.code39(f"*{data.number}*", x=doc.w - doc.r_margin - 105, y=doc.get_y(), w=0.7, h=12)
    doc.ln(16)
    doc.heading(TITLES[data.kind])
    doc.set_font("DejaVu", "B", 10)
    doc.cell(0, 6, "EMPLOYER DETAILS", new_x="LMARGIN", new_y="NEXT")
    doc.pairs([("Code", data.employer_code), ("Name", data.employer_name)], label_width=30)
    doc.set_font("DejaVu", "B", 10)
    doc.cell(0, 6, "CONTRIBUTION DETAILS", new_x="LMARGIN", new_y="NEXT")
    amount = f"{data.amount:,.2f}"
    if data.kind == "ACR":
        doc.grid(["TYPE", "MED.", "PERIOD", "TOTAL EMPLOYEE", "AMOUNT(RM)"],
                 [[data.type_label, data.medium_label, data.period, str(data.employees), amount],
                  ["TOTAL", "", "", "", amount]], widths=(30, 30, 30, 40, 40))
    else:
        doc.grid(["TYPE", "PERIOD", "TOTAL EMPLOYEE", "AMOUNT(RM)"],
                 [[data.type_label, data.period, str(data.employees), amount], ["TOTAL", "", "", amount]],
                 widths=(40, 40, 45, 45))
    doc.set_font("DejaVu", "B", 10)
    doc.cell(0, 6, "RECEIVER DETAILS", new_x="LMARGIN", new_y="NEXT")
    doc.pairs([("Name", data.receiver_name), ("ID", data.receiver_id),
               ("Date", data.created_at.strftime("%d/%m/%Y %H:%M:%S"))], label_width=30)
    doc.paragraph(NOTE, size=8)
    doc.paragraph(f"Remark : {data.kind} number will be available at the bank counter the next business day for "
                  f"contribution submitted before 6.00PM (this one from {data.counter_from}).", size=8)
    doc.set_font("DejaVu", "B", 9)
    doc.multi_cell(0, 5, CHEQUES, border=1, padding=2, new_x="LMARGIN", new_y="NEXT")


def acknowledgement_pdf(documents: list[AcknowledgementData]) -> bytes:
    """One PDF with a page per ACR/ECR (PRINT for one alone, PRINT ACR/ECR for both together)."""
    doc = Document(" + ".join(d.number for d in documents), office=OFFICE)
    for index, data in enumerate(documents):
        if index:
            doc.add_page()
        _page(doc, data)
    return doc.output_bytes()
