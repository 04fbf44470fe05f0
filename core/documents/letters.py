"""The registration letters (QRG 4) and the generated forms (Borang SIP 1, Borang Pendaftaran DS).

Malay first, as PERKESO writes them, with the English below in smaller type.
"""

from dataclasses import dataclass, field
from datetime import date

from core.documents import Document


@dataclass(frozen=True)
class EmployerInfo:
    name: str
    code: str
    registration_number: str
    address: str
    postcode: str
    state: str
    phone: str
    email: str
    induction_venue: str
    first_employment_date: date
    registered_on: date
    domestic: bool = False


@dataclass(frozen=True)
class EmployeeInfo:
    id_number: str
    name: str
    birth_date: date
    gender: str
    start_date: date
    foreign: bool = False
    eis: bool = True
    details: dict = field(default_factory=dict)


TITLES = {
    "acknowledgement": "LETTER OF REGISTRATION ACKNOWLEDGEMENT",
    "induction": "LETTER OF INDUCTION",
    "successful": "LETTER OF SUCCESSFUL REGISTRATION",
    "eis_rejection": "LETTER OF EIS REJECTION",
    "sip1": "BORANG SIP 1 - PENDAFTARAN MAJIKAN",
    "ds": "BORANG PENDAFTARAN PEKERJA DOMESTIK",
}


def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _addressee(doc: Document, employer: EmployerInfo, reference: str) -> None:
    doc.set_font("DejaVu", "", 9)
    doc.cell(0, 5, f"Rujukan / Reference: {reference}", new_x="LMARGIN", new_y="NEXT")
    doc.cell(0, 5, f"Tarikh / Date: {_dmy(employer.registered_on)}", new_x="LMARGIN", new_y="NEXT")
    doc.ln(3)
    doc.set_font("DejaVu", "B", 10)
    doc.cell(0, 5, employer.name, new_x="LMARGIN", new_y="NEXT")
    doc.set_font("DejaVu", "", 10)
    for line in (*employer.address.splitlines(), f"{employer.postcode} {employer.state}"):
        doc.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)


def _employer_block(doc: Document, employer: EmployerInfo) -> None:
    doc.pairs([("Kod Majikan / Employer Code", employer.code), ("Nama / Name", employer.name),
               ("No. Pendaftaran / Registration No.", employer.registration_number),
               ("Tarikh Mula Menggaji / First Employment", _dmy(employer.first_employment_date))])


def _employee_table(doc: Document, employees: list[EmployeeInfo]) -> None:
    doc.grid(["No.", "No. Pengenalan / ID No.", "Nama / Name", "Tarikh Mula / Start", "SIP / EIS"],
             [[str(n), e.id_number, e.name, _dmy(e.start_date), "Ya / Yes" if e.eis else "Tidak / No"]
              for n, e in enumerate(employees, start=1)], widths=(8, 34, 74, 28, 22))


def _signature(doc: Document) -> None:
    doc.ln(4)
    doc.paragraph("Sekian, terima kasih.\n\n\"BERKHIDMAT UNTUK NEGARA\"\n\nPERTUBUHAN KESELAMATAN SOSIAL\n"
                  "(Surat ini dijana oleh komputer dan tidak memerlukan tandatangan / This letter is computer "
                  "generated and needs no signature.)", size=9)


def letter(kind: str, employer: EmployerInfo, employees: list[EmployeeInfo], reference: str) -> bytes:
    """One of the registration letters as PDF bytes; `kind` is a key of TITLES."""
    doc = Document(TITLES[kind])
    _addressee(doc, employer, reference)
    doc.heading(TITLES[kind])
    if kind == "acknowledgement":
        doc.paragraph("Tuan/Puan,\n\nPERKESO mengesahkan penerimaan pendaftaran majikan dan pekerja melalui Portal "
                      "ASSIST seperti butiran di bawah.")
        doc.paragraph("PERKESO acknowledges the registration of the employer and employees below, received "
                      "through the ASSIST Portal.", size=8)
        _employer_block(doc, employer)
        _employee_table(doc, employees)
    elif kind == "induction":
        doc.paragraph(f"Tuan/Puan,\n\nAnda dijemput menghadiri taklimat induksi majikan di {employer.induction_venue}. "
                      "Taklimat ini menerangkan tanggungjawab majikan di bawah Akta 4 dan Akta 800: pendaftaran "
                      "pekerja, caruman bulanan selewat-lewatnya 15hb bulan berikutnya, dan laporan bencana.")
        doc.paragraph(f"You are invited to the employer induction briefing at {employer.induction_venue}. It explains "
                      "your duties under Act 4 and Act 800: registering employees, paying monthly contributions by "
                      "the 15th of the following month, and reporting accidents. The office will contact you with "
                      "the date.", size=8)
        _employer_block(doc, employer)
    elif kind == "successful":
        doc.paragraph(f"Tuan/Puan,\n\nDimaklumkan bahawa pendaftaran {employer.name} sebagai majikan di bawah "
                      f"Akta Keselamatan Sosial Pekerja 1969 (Akta 4) dan Akta Sistem Insurans Pekerjaan 2017 "
                      f"(Akta 800) telah berjaya. Kod Majikan anda ialah {employer.code}. Sila gunakan kod ini "
                      "dalam semua urusan dengan PERKESO.")
        doc.paragraph(f"The registration of {employer.name} as an employer under Act 4 and Act 800 is successful. "
                      f"Your Employer Code is {employer.code}; quote it in all dealings with PERKESO. Monthly "
                      "contributions are due by the 15th of the following month.", size=8)
        _employer_block(doc, employer)
        _employee_table(doc, employees)
    elif kind == "eis_rejection":
        doc.paragraph("Tuan/Puan,\n\nDimaklumkan bahawa pendaftaran di bawah Akta Sistem Insurans Pekerjaan 2017 "
                      "(Akta 800) tidak diluluskan kerana tiada pekerja yang layak dilindungi SIP (contohnya "
                      "pekerja asing atau pekerja domestik asing sahaja). Pendaftaran di bawah Akta 4 kekal.")
        doc.paragraph("Registration under the Employment Insurance System Act 2017 (Act 800) is not approved "
                      "because no employee is covered by EIS (for example, foreign workers or foreign domestic "
                      "workers only). Registration under Act 4 stands.", size=8)
        _employer_block(doc, employer)
    _signature(doc)
    return doc.output_bytes()


def form(kind: str, employer: EmployerInfo, employees: list[EmployeeInfo]) -> bytes:
    """Borang SIP 1 ("sip1") or Borang Pendaftaran DS ("ds"), pre-filled from what was entered."""
    doc = Document(TITLES[kind])
    doc.heading(TITLES[kind])
    doc.paragraph("Borang ini dijana daripada maklumat yang dimasukkan di Portal ASSIST. Semak, tandatangan dan "
                  "muat naik semula sebagai Dokumen Sokongan. / Generated from what was entered in the ASSIST "
                  "Portal: check it, sign it and upload it as a Supporting Document.", size=8)
    doc.pairs([("Nama Majikan / Employer", employer.name), ("No. Pendaftaran / Registration No.",
                                                             employer.registration_number),
               ("Alamat / Address", " ".join(employer.address.splitlines()) + f", {employer.postcode} "
                                                                             f"{employer.state}"),
               ("Telefon / Phone", employer.phone), ("E-mel / Email", employer.email or "-"),
               ("Tarikh Mula Menggaji / First Employment", _dmy(employer.first_employment_date))])
    doc.grid(["No.", "No. Pengenalan / ID No.", "Nama / Name", "Tarikh Lahir / Birth", "Jantina", "Mula / Start"],
             [[str(n), e.id_number, e.name, _dmy(e.birth_date), e.gender, _dmy(e.start_date)]
              for n, e in enumerate(employees, start=1)], widths=(8, 32, 66, 24, 16, 24))
    doc.ln(10)
    doc.paragraph("Tandatangan majikan / Employer's signature: ______________________    Tarikh / Date: __________",
                  size=9)
    return doc.output_bytes()
