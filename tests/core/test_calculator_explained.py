"""How an amount is made (core.calculator.explain) and the calculator's answers for a real employee
(core.calculator.inputs_for): the same coverage, so the same amounts, as the pencil."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from core.calculator import calculate, explain, inputs_for
from core.coverage import EIS_START, Employee, coverage
from core.periods import add_months
from core.rates import Category, schedule_for


def parts_of(**kwargs):
    defaults = {"wages": Decimal("2000"), "month": date(2024, 10, 1), "age": 30}
    return {part.scheme: part for part in explain(calculate(**{**defaults, **kwargs}))}


def test_rm2000_in_october_2024_is_row_24_of_the_rm6000_schedules():
    parts = parts_of()
    socso = parts["socso"]
    assert socso.covered and socso.category is Category.FIRST
    assert (socso.band.number, socso.band.rows, socso.band.lower, socso.band.upper) == (
        24, 65, Decimal("1900"), Decimal("2000"))
    assert socso.band.schedule.effective_from == date(2024, 10, 1) and socso.band.schedule.ceiling == 6000
    assert "A1724" in socso.band.schedule.source
    assert (socso.share.employer, socso.share.employee) == (Decimal("34.15"), Decimal("9.75"))
    assert parts["eis"].band.number == 24 and parts["eis"].share.total == Decimal("7.80")
    assert not parts["skbbk"].covered and parts["skbbk"].band is None  # before June 2026


def test_the_upper_bound_is_in_the_band_and_a_sen_more_is_the_next_row():
    assert parts_of(wages=Decimal("2000.00"))["socso"].band.number == 24
    assert parts_of(wages=Decimal("2000.01"))["socso"].band.number == 25
    assert parts_of(wages=Decimal("0.01"))["socso"].band.number == 1


def test_wages_above_the_ceiling_use_the_last_row():
    socso = parts_of(wages=Decimal("9000"))["socso"]
    assert socso.above_ceiling and socso.band.number == socso.band.rows == 65
    assert socso.band.lower == Decimal("6000") and socso.share.total == Decimal("133.90")


def test_second_category_is_the_employers_amount_and_the_reason_says_why():
    parts = parts_of(age=64)
    socso = parts["socso"]
    assert socso.category is Category.SECOND and socso.share.employee == 0
    assert socso.share.employer == schedule_for("socso", date(2024, 10, 1)).band(Decimal("2000")).second_category
    assert "60" in str(socso.reason)
    assert not parts["eis"].covered and parts["eis"].band is None and "60" in str(parts["eis"].reason)


def test_no_wages_means_no_band():
    parts = parts_of(wages=Decimal("0"))
    assert parts["socso"].covered and parts["socso"].band is None and parts["socso"].share.total == 0


def test_skbbk_from_june_2026_has_its_own_band():
    skbbk = parts_of(month=date(2026, 11, 1))["skbbk"]
    assert skbbk.covered and skbbk.band.schedule.scheme == "skbbk" and skbbk.share.employee == Decimal("14.65")


def test_first_employed_under_eis_at_57_is_exempt_from_eis():
    assert not parts_of(age=58, eis_late=True)["eis"].covered
    assert "57" in str(parts_of(age=58, eis_late=True)["eis"].reason)
    assert parts_of(age=58)["eis"].covered
    assert parts_of(age=56, eis_late=True)["eis"].covered  # only from 57


@settings(max_examples=300, deadline=None)
@given(wages=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("20000"), places=2),
       month=st.dates(min_value=date(2018, 1, 1), max_value=date(2027, 12, 1)))
def test_the_band_holds_the_wages_and_its_amounts_are_the_table_rows(wages, month):
    for part in explain(calculate(wages, month, 30)):
        if part.band is None:
            continue
        row = part.band.schedule.bands[part.band.number - 1]
        assert part.band.lower < wages and (part.band.upper is None or wages <= part.band.upper)
        assert (row.lower, row.upper) == (part.band.lower, part.band.upper)
        expected = row.employee if part.scheme == "skbbk" else row.employer
        assert (part.share.employee if part.scheme == "skbbk" else part.share.employer) == expected


people = st.builds(
    lambda birth, start_after, insured_before, eis_before, citizen, domestic: Employee(
        birth_date=birth, employment_start=birth + timedelta(days=start_after), citizen=citizen, domestic=domestic,
        first_insured_on=birth + timedelta(days=max(0, start_after - insured_before)),
        first_eis_on=max(EIS_START, birth + timedelta(days=max(0, start_after - eis_before)))),
    birth=st.dates(min_value=date(1950, 1, 1), max_value=date(2008, 12, 31)),
    start_after=st.one_of(st.integers(min_value=14 * 366, max_value=70 * 366),  # and often near 55 to 60:
                          st.integers(min_value=53 * 365, max_value=61 * 366)),  # the ages that change things
    insured_before=st.integers(min_value=0, max_value=40 * 366),
    eis_before=st.integers(min_value=0, max_value=10 * 366),
    citizen=st.booleans(), domestic=st.booleans())


@settings(max_examples=500, deadline=None)
@given(person=people, months_in=st.one_of(st.integers(min_value=0, max_value=36),
                                          st.integers(min_value=0, max_value=240)))
def test_the_calculators_answers_for_an_employee_give_the_pencils_coverage(person, months_in):
    """inputs_for(employee, month) fed to calculate() gives the coverage core.coverage gives the employee."""
    month = add_months(max(person.employment_start, date(2013, 1, 1)).replace(day=1), months_in)
    answers = inputs_for(person, month)
    if not 14 <= answers.age <= 99:
        return  # the calculator's form takes ages 14 to 99
    real = coverage(person, month)
    calculated = calculate(Decimal("2500"), month, answers.age, citizen=answers.citizen, domestic=answers.domestic,
                           first_insured_late=answers.first_insured_late, eis_late=answers.eis_late).coverage
    assert (calculated.socso, calculated.eis, calculated.skbbk) == (real.socso, real.eis, real.skbbk)
    # The reasons are the same rules; the calculator's "first insured at 55 or over" says "at 55" (and "at 57"
    # for EIS) where the employee's own might say 56.
    assert calculated.socso_reason.message == real.socso_reason.message
    assert calculated.eis_reason.message == real.eis_reason.message


def test_a_leap_day_birthday_counts_from_1_march():
    """Born 29 February: first insured "at 55" in a year without 29 February is 1 March (aged 55 by then)."""
    born = date(2000, 2, 29)
    person = Employee(birth_date=born, employment_start=date(2056, 1, 1), citizen=False)
    answers = inputs_for(person, date(2056, 2, 1))
    assert answers.age == 56 and answers.first_insured_late
    assert calculate(Decimal("2500"), date(2056, 2, 1), 56, citizen=False, first_insured_late=True
                     ).coverage.socso is Category.SECOND
