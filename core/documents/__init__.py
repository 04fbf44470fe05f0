"""PDF documents built with fpdf2 from plain data (a new FPDF per document, bundled DejaVu fonts)."""

from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).parent / "fonts"
PERKESO_HQ = ("PERTUBUHAN KESELAMATAN SOSIAL (PERKESO)", "Menara PERKESO, 281 Jalan Ampang, 50538 Kuala Lumpur",
              "Talian Khidmat Pelanggan: 1-300-22-8000 · www.perkeso.gov.my")


class Document(FPDF):
    """An A4 page with the PERKESO heading, Unicode fonts and a page-number footer."""

    def __init__(self, title: str, office: tuple[str, ...] = PERKESO_HQ):
        super().__init__(format="A4")
        self.doc_title, self.office = title, office
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_title(title)
        self.set_author("PERKESO ASSIST")
        self.set_auto_page_break(True, margin=18)
        self.add_page()

    def header(self):
        self.set_font("DejaVu", "B", 11)
        self.cell(0, 6, self.office[0], new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", "", 8)
        for line in self.office[1:]:
            self.cell(0, 4, line, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(4)

    def footer(self):
        self.set_y(-12)
        self.set_font("DejaVu", "", 7)
        self.cell(0, 5, f"{self.doc_title} · {self.page_no()}/{{nb}}", align="C")

    def heading(self, text: str) -> None:
        self.set_font("DejaVu", "B", 13)
        self.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def paragraph(self, text: str, size: int = 10) -> None:
        self.set_font("DejaVu", "", size)
        self.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def pairs(self, rows: list[tuple[str, str]], label_width: float = 75) -> None:
        """Label : value lines (EMPLOYER DETAILS and the like)."""
        for label, value in rows:
            self.set_font("DejaVu", "B", 9)
            self.cell(label_width, 5, label)
            self.set_font("DejaVu", "", 9)
            self.multi_cell(0, 5, f": {value}", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def grid(self, headings: list[str], rows: list[list[str]], widths: tuple[int, ...] | None = None) -> None:
        self.set_font("DejaVu", "", 8)
        with self.table(col_widths=widths, line_height=5, text_align="LEFT") as table:
            table.row(headings)
            for row in rows:
                table.row(row)
        self.ln(3)

    def output_bytes(self) -> bytes:
        return bytes(self.output())
