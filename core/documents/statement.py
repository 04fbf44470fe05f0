"""Yearly statements as files: the employer's statement and an employee's proof of contributions as PDFs in
both languages, and both as CSV (core.csvexport: no cell can start a formula).

Identity numbers are masked on the PDFs (core.statements.mask_identity), which leave the portal; the CSVs
are the employer's own records and keep them whole, as the employees export does.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from fpdf.fonts import FontFace

from core.csvexport import csv_text
from core.documents import Document
from core.statements import EmployeeMonth, EmployeeYear, YearStatement, mask_identity

STATES = {"none": "Tiada / None", "nil": "Tiada caruman / Nil", "unpaid": "Belum dibayar / Unpaid",
          "partly_paid": "Sebahagian / Part paid", "paid": "Dibayar / Paid"}
NOTE = ("Tahun penyata ialah tahun bulan caruman. ACR/ECR yang dibatalkan tidak dikira; caruman SHORT ditambah "
        "kepada bulannya. Penyata ini dijana oleh komputer dan tidak memerlukan tandatangan.\n"
        "The statement's year is the year of the contribution months. Cancelled ACR/ECRs are not counted; SHORT "
        "contributions add to their month. This statement is computer-generated and needs no signature.")


@dataclass(frozen=True)
class Heading:
    employer_code: str
    employer_name: str
    year: int
    generated_at: datetime  # Malaysia time


def _rm(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _numbers(documents) -> str:
    return "\n".join(d.number or f"{d.kind} nil" for d in documents) or "-"


def _paid_note(month: EmployeeMonth) -> str:
    if month.state == "nil" or not month.documents:
        return "-"
    receipts = "\n".join(month.receipts)
    return STATES[month.state] + (f"\n{receipts}" if receipts else "")


def _grid(doc: Document, headings: list[str], rows: list[list[str]], widths: tuple[int, ...],
          amounts: set[int], total: list[str] | None = None) -> None:
    """A table with its amounts (the columns in `amounts`) aligned right and its total row in bold."""
    doc.set_font("DejaVu", "", 8)
    align = tuple("RIGHT" if column in amounts else "LEFT" for column in range(len(headings)))
    with doc.table(col_widths=widths, line_height=4.5, text_align=align) as table:
        table.row(headings)
        for row in rows:
            table.row(row)
        if total:
            bold = table.row()
            for cell in total:
                bold.cell(cell, style=FontFace(emphasis="BOLD"))
    doc.ln(3)


def _heading(doc: Document, heading: Heading, rows: list[tuple[str, str]]) -> None:
    doc.pairs([("Kod Majikan / Employer Code", heading.employer_code),
               ("Nama Majikan / Employer Name", heading.employer_name), *rows,
               ("Tahun / Year", str(heading.year)),
               ("Tarikh / Date", heading.generated_at.strftime("%d/%m/%Y %I:%M %p"))], label_width=62)


def statement_pdf(heading: Heading, statement: YearStatement, employees: list[EmployeeYear]) -> bytes:
    """The employer's statement for a year: months, totals, the receipts that paid them, each employee's year."""
    doc = Document(f"PENYATA / STATEMENT {heading.employer_code} {heading.year}")
    doc.heading(f"PENYATA CARUMAN TAHUN {heading.year}\nCONTRIBUTION STATEMENT FOR {heading.year}")
    _heading(doc, heading, [])
    _grid(doc, ["Bulan\nMonth", "ACR/ECR", "SOCSO (ACR)\n(RM)", "EIS (ECR)\n(RM)", "Diisytihar\nDeclared (RM)",
                "Dibayar\nPaid (RM)", "FCLB\n(RM)", "Status"],
          [[row.month.strftime("%m/%Y"), _numbers(row.documents), _rm(row.socso), _rm(row.eis), _rm(row.declared),
            _rm(row.paid), _rm(row.interest), STATES[row.state]] for row in statement.months],
          (16, 36, 22, 20, 24, 22, 18, 32), {2, 3, 4, 5, 6},
          ["JUMLAH\nTOTAL", "", _rm(statement.socso), _rm(statement.eis), _rm(statement.declared),
           _rm(statement.paid), _rm(statement.interest), ""])
    doc.pairs([("Jumlah diisytihar / Total declared (RM)", _rm(statement.declared)),
               ("Caruman dibayar / Contributions paid (RM)", _rm(statement.paid)),
               ("FCLB dikenakan / Interest charged (RM)", _rm(statement.interest)),
               ("FCLB dibayar / Interest paid (RM)", _rm(statement.interest_paid)),
               ("Jumlah dibayar / Total paid (RM)", _rm(statement.total_paid)),
               ("Baki / Outstanding (RM)", _rm(statement.outstanding))], label_width=80)
    if statement.receipts:
        doc.set_font("DejaVu", "B", 10)
        doc.cell(0, 6, "RESIT / RECEIPTS", new_x="LMARGIN", new_y="NEXT")
        _grid(doc, ["No. Resit / Receipt No.", "Tarikh / Date", f"Bagi / For {heading.year} (RM)"],
              [[r.number, r.paid_on.strftime("%d/%m/%Y") if r.paid_on else "-", _rm(r.amount)]
               for r in statement.receipts], (70, 50, 70), {2}, ["JUMLAH / TOTAL", "", _rm(statement.total_paid)])
    if employees:
        doc.set_font("DejaVu", "B", 10)
        doc.cell(0, 6, "PEKERJA / EMPLOYEES", new_x="LMARGIN", new_y="NEXT")
        _grid(doc, ["Nama\nName", "No. Pengenalan\nIdentity No.", "Bulan\nMonths", "Upah\nWages (RM)",
                    "Majikan\nEmployer (RM)", "Pekerja\nEmployee (RM)"],
              [[e.name, mask_identity(e.id_number), str(len(e.months)), _rm(e.wages), _rm(e.shares.employer),
                _rm(e.shares.employee)] for e in employees], (58, 30, 16, 30, 28, 28), {2, 3, 4, 5})
    doc.paragraph(NOTE, size=7)
    return doc.output_bytes()


def proof_pdf(heading: Heading, employee: EmployeeYear) -> bytes:
    """Proof of contributions: one employee's wages and shares month by month, each ACR/ECR and its receipt."""
    doc = Document(f"BUKTI CARUMAN / PROOF OF CONTRIBUTIONS {heading.year}")
    doc.heading(f"BUKTI CARUMAN PEKERJA {heading.year}\nPROOF OF CONTRIBUTIONS FOR {heading.year}")
    _heading(doc, heading, [("Nama Pekerja / Employee Name", employee.name),
                            ("No. Pengenalan / Identity No.", mask_identity(employee.id_number))])
    total = employee.shares
    _grid(doc, ["Bulan\nMonth", "Upah\nWages (RM)", "SOCSO\nMajikan\nEmployer", "SOCSO\nPekerja\nEmployee",
                "SKBBK", "SIP/EIS\nMajikan\nEmployer", "SIP/EIS\nPekerja\nEmployee", "ACR/ECR", "Dibayar\nPaid"],
          [[m.month.strftime("%m/%Y"), _rm(m.wages) if m.wages is not None else "-", _rm(m.shares.socso_employer),
            _rm(m.shares.socso_employee), _rm(m.shares.skbbk_employee), _rm(m.shares.eis_employer),
            _rm(m.shares.eis_employee), _numbers(m.documents), _paid_note(m)] for m in employee.months],
          (16, 22, 18, 18, 15, 18, 18, 33, 32), {1, 2, 3, 4, 5, 6},
          ["JUMLAH\nTOTAL", _rm(employee.wages), _rm(total.socso_employer), _rm(total.socso_employee),
           _rm(total.skbbk_employee), _rm(total.eis_employer), _rm(total.eis_employee), "", ""])
    doc.pairs([("Bahagian majikan / Employer's share (RM)", _rm(total.employer)),
               ("Bahagian pekerja / Employee's share (RM)", _rm(total.employee)),
               ("Jumlah caruman / Total contributions (RM)", _rm(total.total))], label_width=80)
    if not employee.months:
        doc.paragraph("Tiada caruman diisytiharkan bagi tahun ini.\nNo contributions were declared for this year.")
    doc.paragraph("Amaun dalam RM, seperti yang diisytiharkan oleh majikan dalam ASSIST (Akta 4 dan Akta 800).\n"
                  "Amounts in RM, as declared by the employer in ASSIST (Act 4 and Act 800).\n" + NOTE, size=7)
    return doc.output_bytes()


def statement_csv(statement: YearStatement) -> str:
    """The months of the statement and their totals, one row each."""
    header = ["Bulan / Month", "ACR/ECR", "SOCSO (ACR) RM", "EIS (ECR) RM", "Diisytihar / Declared RM",
              "Dibayar / Paid RM", "Resit / Receipts", "FCLB RM", "FCLB dibayar / Interest paid RM",
              "Notis FCLB / Notices", "Status"]
    rows = [[row.month.strftime("%m/%Y"), " ".join(d.number or f"{d.kind} nil" for d in row.documents),
             row.socso, row.eis, row.declared, row.paid, " ".join(row.receipts), row.interest, row.interest_paid,
             " ".join(n.number for n in row.notices), STATES[row.state]] for row in statement.months]
    rows.append(["JUMLAH / TOTAL", "", statement.socso, statement.eis, statement.declared, statement.paid, "",
                 statement.interest, statement.interest_paid, "", ""])
    return csv_text(header, rows)


def employees_csv(employees: list[EmployeeYear]) -> str:
    """Each employee's months: wages and shares, the ACR/ECRs that carry them and their receipts."""
    header = ["Nama / Name", "No. Pengenalan / Identity No.", "Bulan / Month", "Upah / Wages RM",
              "SOCSO majikan / employer RM", "SOCSO pekerja / employee RM", "SKBBK RM", "SIP/EIS majikan / employer RM",
              "SIP/EIS pekerja / employee RM", "ACR/ECR", "Status", "Resit / Receipts"]
    rows = ([e.name, e.id_number, m.month.strftime("%m/%Y"), "" if m.wages is None else m.wages,
             m.shares.socso_employer, m.shares.socso_employee, m.shares.skbbk_employee, m.shares.eis_employer,
             m.shares.eis_employee, " ".join(d.number or f"{d.kind} nil" for d in m.documents), STATES[m.state],
             " ".join(m.receipts)] for e in employees for m in e.months)
    return csv_text(header, rows)
