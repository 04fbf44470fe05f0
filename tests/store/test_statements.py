"""Statements on the store (SQLite and PostgreSQL): a year declared with the contribution services and paid
with the payment services (a stand-in exchange signs the ACs), read back by webapp.services.statements.

2025, three employees at RM 2,000.00, RM 3,000.00 and (from May) RM 1,500.00:
- January: paid on time (10 February), no interest;
- February: paid late (10 April): two FCLB notices, then paid themselves;
- March: nobody had wages, a nil month;
- April: the ACR cancelled and declared again (SOCSO only), unpaid; the ECR kept;
- May: a SHORT top-up (one salary RM 500.00 higher), unpaid.
"""

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from core import fpx
from core.errors import NotFound, ValidationError
from tests.conftest import make_user
from tests.factories import registered_employer
from tests.payments_support import Exchange, stub_gateway
from webapp.db import database
from webapp.models import Acknowledgement, Employment, Person, Submission
from webapp.payment_models import FclbNotice, PaymentAttempt, Receipt
from webapp.services import bills, cart, contributions, fpx_answers, payments, statements

TODAY = date(2026, 11, 22)
JAN, FEB, MAR, APR, MAY = (date(2025, m, 1) for m in range(1, 6))


@pytest.fixture(scope="module")
def exchange(tmp_path_factory):
    return Exchange(tmp_path_factory.mktemp("exchange"))


def declare(employer, user, month, wages: dict, scheme="combined", type_="arrears") -> list[Acknowledgement]:
    """A month through the contribution services: each employee's wages (by name; absent: no wages)."""
    draft = contributions.open_submission(employer, user, scheme, month, type_, TODAY)
    for line in contributions.lines(draft, 1, 50):
        salary = wages.get(line.employment.person.name)
        contributions.update_line(draft, line.id, "active" if salary else "no_wages", D(salary) if salary else None)
    contributions.complete(draft)
    return contributions.confirm(draft, Submission.get_by_id(draft.id).confirm_token)


def pay(user, employer, gateway, exchange, numbers, when: datetime) -> Receipt:
    """Through the cart and FPX: a B2C payment the exchange approves (00) at `when`."""
    cart.add(user, employer, numbers)
    attempt = payments.start(user, employer, gateway, token=fpx.B2C, bank_id="TEST0021", email="pay@example.com",
                             now=when)
    fpx_answers.apply_form(exchange.ac(PaymentAttempt.get_by_id(attempt.id), "00"), "AC-direct",
                           exchange.certificate, when)
    return Receipt.get(Receipt.attempt == attempt.id)


def build_year(exchange):
    """The year 2025 of the module docstring for employer@example.com: (employer, receipts, another employer)."""
    user = make_user()
    employer, batch = registered_employer(user)
    for n, name in enumerate(("ALI BIN ABU", "BALA A/L RAMAN", "CHONG MEI")):
        person = Person.create(id_type="NEW_IC", id_number=f"{850101140001 + n}", name=name,
                               birth_date=date(1985, 1, 1), gender="M", first_insured_on=date(2020, 1, 1))
        Employment.create(employer=employer, person=person, batch=batch, status="active",
                          start_date=date(2025, 5, 1) if name == "CHONG MEI" else date(2020, 1, 1))
    gateway = stub_gateway(exchange)
    both = {"ALI BIN ABU": "2000.00", "BALA A/L RAMAN": "3000.00"}
    receipts = [pay(user, employer, gateway, exchange, [a.number for a in declare(employer, user, JAN, both)],
                    datetime(2025, 2, 10, 2, 0, tzinfo=UTC))]
    february = [a.number for a in declare(employer, user, FEB, both)]
    receipts.append(pay(user, employer, gateway, exchange, february, datetime(2025, 4, 10, 2, 0, tzinfo=UTC)))
    notices = [n.number for n in FclbNotice.select().order_by(FclbNotice.id)]
    receipts.append(pay(user, employer, gateway, exchange, notices, datetime(2025, 4, 11, 2, 0, tzinfo=UTC)))
    declare(employer, user, MAR, {})
    acr, _ = declare(employer, user, APR, both)
    bills.cancel(employer, [acr.number])
    declare(employer, user, APR, both, scheme="socso")
    declare(employer, user, MAY, {**both, "CHONG MEI": "1500.00"})
    declare(employer, user, MAY, {**both, "BALA A/L RAMAN": "3500.00", "CHONG MEI": "1500.00"}, type_="short")
    other_user = make_user("other@example.com")
    other, _ = registered_employer(other_user, "OTHER SDN BHD", "201901000006", code="E9000000002P")
    return employer, receipts, other


@pytest.fixture
def year(app, exchange):
    with database.connection_context():
        yield build_year(exchange)


def test_the_year_month_by_month_equals_the_receipts(year):
    employer, receipts, _ = year
    statement = statements.statement(employer, 2025, TODAY)
    rows = {row.month: row for row in statement.months}
    assert len(statement.months) == 12 and statements.years(employer) == [2025]
    # RM 2,000: SOCSO 34.15 + 9.75, EIS 3.90 + 3.90; RM 3,000: SOCSO 51.65 + 14.75, EIS 5.90 + 5.90
    assert (rows[JAN].state, rows[JAN].socso, rows[JAN].eis, rows[JAN].paid) == ("paid", D("110.30"), D("19.60"),
                                                                                D("129.90"))
    assert (rows[JAN].interest, rows[FEB].state) == (D("0.00"), "paid")
    assert rows[FEB].interest == rows[FEB].interest_paid == D("10.00")  # the RM 5.00 minimum, twice
    assert len(rows[FEB].notices) == 2 and rows[FEB].receipts == (receipts[1].number, receipts[2].number)
    assert (rows[MAR].state, rows[MAR].declared) == ("nil", D("0.00"))
    assert (rows[APR].state, rows[APR].socso, rows[APR].eis, rows[APR].paid) == ("unpaid", D("110.30"), D("19.60"),
                                                                                D("0.00"))
    assert [d.type for d in rows[APR].documents] == ["arrears", "arrears"]  # the cancelled ACR is not counted
    # May: CHONG MEI at RM 1,500 (25.35 + 7.25, EIS 2.90 + 2.90), and the SHORT top-up for BALA: RM 3,500
    # (60.35 + 17.25, EIS 6.90 + 6.90) less what RM 3,000 declared
    assert (rows[MAY].socso, rows[MAY].eis) == (D("142.90") + D("11.20"), D("25.40") + D("2.00"))
    assert [d.type for d in rows[MAY].documents] == ["arrears", "arrears", "short", "short"]
    assert statement.paid == D("259.80") and statement.total_paid == D("269.80")
    assert [r.number for r in statement.receipts] == [r.number for r in receipts]
    assert sum(r.amount for r in statement.receipts) == statement.total_paid
    assert statement.total_paid == sum(D(r.amount).scaleb(-2) for r in receipts)


def test_each_employee_month_by_month(year):
    employer, receipts, _ = year
    people = {p.name: p for p in statements.overview(employer, 2025, TODAY)[1]}
    assert list(people) == ["ALI BIN ABU", "BALA A/L RAMAN", "CHONG MEI"]
    bala = people["BALA A/L RAMAN"]
    assert [m.month.month for m in bala.months] == [1, 2, 3, 4, 5]
    may = bala.months[-1]
    assert may.wages == D("3500.00")  # the SHORT top-up's corrected wages
    assert (may.shares.socso_employer, may.shares.socso_employee, may.shares.eis_employee) == (
        D("60.35"), D("17.25"), D("6.90"))
    assert bala.months[2].wages is None and bala.months[2].shares.total == 0
    assert (bala.months[0].state, bala.months[0].receipts) == ("paid", (receipts[0].number,))
    assert bala.wages == D("3000.00") * 3 + D("3500.00")
    chong = people["CHONG MEI"]
    assert [m.month for m in chong.months] == [MAY] and chong.shares.total == D("25.35") + D("7.25") + D("5.80")
    one = statements.employee(employer, 2025, Employment.get(Employment.person == Person.get(
        Person.name == "BALA A/L RAMAN")).id)
    assert one == bala


def test_another_employers_employee_is_not_found_and_their_statement_is_empty(year):
    employer, _, other = year
    ali = Employment.get(Employment.person == Person.get(Person.name == "ALI BIN ABU"))
    with pytest.raises(NotFound):
        statements.employee(other, 2025, ali.id)
    assert not statements.statement(other, 2025, TODAY).has_data and statements.overview(other, 2025, TODAY)[1] == []
    assert statements.years(other) == []
    assert statements.employee(employer, 2024, ali.id).months == ()  # theirs, but nothing declared that year


def test_a_year_out_of_range_is_refused(year):
    employer, _, _ = year
    for wrong in (1999, 2100):
        with pytest.raises(ValidationError):
            statements.overview(employer, wrong, TODAY)
