"""Yearly statements as a pure rule (core.statements): exact sen totals, live documents only, nil months,
SHORT top-ups adding to their month, receipts adding up to what was paid, and each employee's year."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader

from core.csvexport import BOM
from core.documents import statement as files
from core.errors import ValidationError
from core.statements import (
    Document,
    Line,
    Notice,
    Payment,
    employee_years,
    mask_identity,
    months_of,
    year_statement,
)

JAN, FEB, MAR, APR = (date(2025, m, 1) for m in (1, 2, 3, 4))
D = Decimal


def doc(kind, number, month, amount, status="paid", type_="monthly", submission=1, receipt="20250000000001",
        paid_on=date(2025, 2, 10), paid=None):
    payment = Payment(D(paid or amount), receipt, paid_on) if status == "paid" else None
    return Document(kind, number, month, type_, status, D(amount), submission, payment)


def year_of_documents():
    """January paid on time; February paid late (an FCLB notice, paid by another receipt), with a SHORT ACR
    on top; March a nil return; April's ACR cancelled and submitted again, unpaid; a 2024 ACR ignored."""
    return [
        doc("ACR", "ACR012250000001", JAN, "537.65", submission=1),
        doc("ECR", "ECR012250000001", JAN, "62.40", submission=1),
        doc("ACR", "ACR022250000002", FEB, "537.65", submission=2, receipt="20250000000002", paid_on=date(2025, 4, 1)),
        doc("ECR", "ECR022250000002", FEB, "62.40", submission=2, receipt="20250000000002", paid_on=date(2025, 4, 1)),
        doc("ACR", "ACR032250000003", FEB, "21.40", type_="short", submission=3, status="unpaid"),
        Document("ACR", None, MAR, "monthly", "nil", D("0.00"), 4),
        Document("ECR", None, MAR, "monthly", "nil", D("0.00"), 4),
        doc("ACR", "ACR042250000004", APR, "100.00", status="cancelled", submission=5),
        doc("ACR", "ACR042250000005", APR, "99.95", status="unpaid", submission=6),
        doc("ACR", "ACR122240000009", date(2024, 12, 1), "1000.00", submission=9),
    ]


NOTICES = [Notice("1101100932000001", FEB, "ACR022250000002", D("5.00"), "paid",
                  Payment(D("5.00"), "20250000000003", date(2025, 4, 2))),
           Notice("1101100932000002", FEB, "ECR022250000002", D("5.00"), "unpaid")]


def test_a_year_month_by_month_with_exact_totals():
    statement = year_statement(2025, year_of_documents(), NOTICES)
    rows = {row.month: row for row in statement.months}
    assert [row.month.month for row in statement.months] == list(range(1, 13))
    assert (rows[JAN].state, rows[JAN].socso, rows[JAN].eis, rows[JAN].paid) == ("paid", D("537.65"), D("62.40"),
                                                                                D("600.05"))
    feb = rows[FEB]  # the SHORT top-up adds to February
    assert (feb.state, feb.socso, feb.declared, feb.paid) == ("partly_paid", D("559.05"), D("621.45"), D("600.05"))
    assert (feb.interest, feb.interest_paid, feb.outstanding) == (D("10.00"), D("5.00"), D("26.40"))
    assert feb.receipts == ("20250000000002", "20250000000003")
    assert [d.number for d in feb.documents] == ["ACR022250000002", "ECR022250000002", "ACR032250000003"]
    assert (rows[MAR].state, rows[MAR].declared) == ("nil", D("0.00"))  # a nil return is a nil month
    assert [d.number for d in rows[APR].documents] == ["ACR042250000005"]  # the cancelled ACR is not counted
    assert (rows[APR].state, rows[APR].socso) == ("unpaid", D("99.95"))
    assert rows[date(2025, 5, 1)].state == "none"
    assert (statement.socso, statement.eis, statement.declared) == (D("1196.65"), D("124.80"), D("1321.45"))
    assert (statement.paid, statement.interest, statement.interest_paid) == (D("1200.10"), D("10.00"), D("5.00"))
    assert (statement.total_paid, statement.outstanding) == (D("1205.10"), D("126.35"))


def test_the_receipts_add_up_to_the_total_paid():
    statement = year_statement(2025, year_of_documents(), NOTICES)
    assert [(r.number, r.paid_on, r.amount) for r in statement.receipts] == [
        ("20250000000001", date(2025, 2, 10), D("600.05")), ("20250000000002", date(2025, 4, 1), D("600.05")),
        ("20250000000003", date(2025, 4, 2), D("5.00"))]
    assert sum(r.amount for r in statement.receipts) == statement.total_paid


def test_a_paid_document_counts_what_its_payment_recorded_or_its_amount_without_one():
    by_channel_without_item = Document("ECR", "ECR012250000007", JAN, "monthly", "paid", D("7.80"), 7)
    statement = year_statement(2025, [doc("ACR", "ACR012250000006", JAN, "43.90"), by_channel_without_item], [])
    assert statement.paid == D("51.70") and statement.receipts[0].amount == D("43.90")


def test_months_stop_at_today_in_the_current_year():
    assert months_of(2026, until=date(2026, 3, 20)) == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert len(months_of(2025, until=date(2026, 3, 20))) == 12 and months_of(2027, until=date(2026, 3, 20)) == []
    assert len(year_statement(2026, [], [], until=date(2026, 3, 20)).months) == 3


@pytest.mark.parametrize("year", [1999, 2100, 0, -2025])
def test_a_year_out_of_range_is_refused(year):
    with pytest.raises(ValidationError):
        year_statement(year, [], [])


@pytest.mark.parametrize(("number", "masked"), [("901225085344", "********5344"), ("A1234567", "****4567"),
                                                ("1234", "****"), ("", "")])
def test_identity_numbers_are_masked_but_for_the_last_four(number, masked):
    assert mask_identity(number) == masked


def line(submission, employment, month, wages, *shares, name="ALI"):
    return Line(submission, employment, name, "901225085344", month, None if wages is None else D(wages),
                *(D(s) for s in shares))


def test_each_employees_months_count_only_live_acts_and_add_short_top_ups():
    documents = year_of_documents() + [doc("ECR", "ECR042250000006", APR, "7.80", status="unpaid", submission=5)]
    lines = [
        line(1, 10, JAN, "2000.00", "34.15", "9.75", "0", "3.90", "3.90"),
        line(2, 10, FEB, "2000.00", "34.15", "9.75", "0", "3.90", "3.90"),
        line(3, 10, FEB, "2500.00", "8.75", "2.50", "0", "0", "0"),  # SHORT: corrected wages, the difference
        line(4, 10, MAR, None, "0", "0", "0", "0", "0"),  # no wages: the nil month
        line(5, 10, APR, "2000.00", "34.15", "9.75", "0", "3.90", "3.90"),  # its ACR cancelled: EIS only
        line(6, 10, APR, "2000.00", "34.15", "9.75", "0", "0", "0"),  # the SOCSO submitted again
        line(1, 11, JAN, "1000.00", "17.15", "4.75", "0", "1.90", "1.90", name="BALA"),
        line(99, 11, FEB, "9999.00", "1", "1", "1", "1", "1", name="BALA"),  # no live document: not counted
    ]
    ali, bala = employee_years(2025, lines, documents)
    assert (ali.name, bala.name, [m.month for m in bala.months]) == ("ALI", "BALA", [JAN])
    jan, feb, mar, apr = ali.months
    assert (feb.wages, feb.shares.socso_employer, feb.shares.socso_employee) == (D("2500.00"), D("42.90"), D("12.25"))
    assert [d.number for d in feb.documents] == ["ACR022250000002", "ECR022250000002", "ACR032250000003"]
    assert (feb.state, feb.receipts) == ("partly_paid", ("20250000000002",))
    assert (mar.wages, mar.shares.total, mar.documents) == (None, D("0"), ())
    assert (apr.shares.socso_employer, apr.shares.eis_employee) == (D("34.15"), D("3.90"))
    assert [d.number for d in apr.documents] == ["ACR042250000005", "ECR042250000006"]
    assert (jan.state, jan.receipts) == ("paid", ("20250000000001",))
    assert (ali.wages, ali.shares.employer, ali.shares.employee) == (D("6500.00"), D("122.90"), D("43.45"))
    assert ali.shares.total == D("166.35") and ali.shares.skbbk_employee == D("0")


def test_the_files_carry_the_same_figures_in_both_languages():
    statement = year_statement(2025, year_of_documents(), NOTICES)
    lines = [line(1, 10, JAN, "2000.00", "34.15", "9.75", "0", "3.90", "3.90", name="=HYPERLINK(1)")]
    [person] = employee_years(2025, lines, year_of_documents())
    heading = files.Heading("E1101100932Z", "KEDAI RUNCIT MAJU SDN. BHD.", 2025, datetime(2025, 12, 31, 9, 0))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(
        files.statement_pdf(heading, statement, [person]))).pages)
    for expected in ("PENYATA CARUMAN TAHUN 2025", "CONTRIBUTION STATEMENT FOR 2025", "1,321.45", "1,205.10",
                     "20250000000003", "ACR032250000003", "********5344", "Jumlah dibayar / Total paid"):
        assert expected in text, expected
    assert "901225085344" not in text
    proof = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(files.proof_pdf(heading, person))).pages)
    for expected in ("BUKTI CARUMAN PEKERJA 2025", "PROOF OF CONTRIBUTIONS FOR 2025", "********5344", "01/2025",
                     "2,000.00", "34.15", "ACR012250000001", "20250000000001", "Dibayar / Paid", "51.70"):
        assert expected in proof, expected
    rows = files.statement_csv(statement).removeprefix(BOM).splitlines()
    assert rows[0].startswith("Bulan / Month,ACR/ECR,") and rows[-1].startswith("JUMLAH / TOTAL,,1196.65,124.80")
    employees = files.employees_csv([person]).removeprefix(BOM).splitlines()
    assert employees[1].startswith("'=HYPERLINK(1),901225085344,01/2025,2000.00,34.15,9.75")  # no formula
