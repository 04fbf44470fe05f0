"""The schedules, held to every official row quoted in domain.md (sections 1.2, 1.4, 1.7, 2)."""

import subprocess
import sys
from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ValidationError
from core.rates import Category, Share, eis, schedule_for, schedules, skbbk, socso

FIRST, SECOND = Category.FIRST, Category.SECOND
OCT_2024 = date(2024, 10, 1)

# (wages within the band, employer, employee, second category) for the RM6,000 table, domain.md 1.2
OFFICIAL_2024 = [
    ("30", "0.40", "0.10", "0.30"), ("50", "0.70", "0.20", "0.50"), ("70", "1.10", "0.30", "0.80"),
    ("100", "1.50", "0.40", "1.10"), ("140", "2.10", "0.60", "1.50"), ("200", "2.95", "0.85", "2.10"),
    ("300", "4.35", "1.25", "3.10"), ("400", "6.15", "1.75", "4.40"), ("500", "7.85", "2.25", "5.60"),
    ("1000", "16.65", "4.75", "11.90"), ("1600", "27.15", "7.75", "19.40"), ("2000", "34.15", "9.75", "24.40"),
    ("3000", "51.65", "14.75", "36.90"), ("4000", "69.15", "19.75", "49.40"), ("5000", "86.65", "24.75", "61.90"),
    ("6000", "104.15", "29.75", "74.40"), ("6000.01", "104.15", "29.75", "74.40"),
    ("25000", "104.15", "29.75", "74.40"),
]


@pytest.mark.parametrize(("wages", "employer", "employee", "second"), OFFICIAL_2024)
def test_official_rows_of_the_rm6000_table(wages, employer, employee, second):
    assert socso(D(wages), OCT_2024, FIRST) == Share(D(employer), D(employee))
    assert socso(D(wages), OCT_2024, SECOND) == Share(D(second), D("0.00"))


@pytest.mark.parametrize(("month", "wages", "employer", "employee", "total", "second"), [
    (date(2016, 5, 1), "5000", "51.65", "14.75", "66.40", "36.90"),  # before June 2016: exceeds 2,900
    (date(2016, 5, 31), "2900.01", "51.65", "14.75", "66.40", "36.90"),
    (date(2016, 6, 1), "4000", "69.05", "19.75", "88.80", "49.40"),  # the RM4,000 era's irregular top rows
    (date(2021, 5, 15), "4000.01", "69.05", "19.75", "88.80", "49.40"),
    (date(2022, 8, 31), "3950", "69.05", "19.75", "88.80", "49.40"),
    (date(2022, 9, 1), "3950", "69.15", "19.75", "88.90", "49.40"),  # September 2022 replaced them
    (date(2022, 9, 1), "9000", "86.65", "24.75", "111.40", "61.90"),
    (date(2024, 9, 30), "5000.01", "86.65", "24.75", "111.40", "61.90"),
    (date(2024, 10, 1), "6000.01", "104.15", "29.75", "133.90", "74.40"),
])
def test_top_rows_of_every_era(month, wages, employer, employee, total, second):
    share = socso(D(wages), month, FIRST)
    assert share == Share(D(employer), D(employee)) and share.total == D(total)
    assert socso(D(wages), month, SECOND).employer == D(second)


def test_the_ceiling_follows_the_contribution_month_not_the_payment_date():
    assert socso(D("5500"), date(2024, 9, 1), FIRST).total == D("111.40")
    assert socso(D("5500"), date(2024, 10, 1), FIRST).total == D("122.60")


@pytest.mark.parametrize(("wages", "share"), [
    ("30", "0.05"), ("50", "0.10"), ("70", "0.15"), ("100", "0.20"), ("200", "0.35"), ("1000", "1.90"),
    ("2000", "3.90"), ("3000", "5.90"), ("4000", "7.90"), ("6000", "11.90"), ("7000", "11.90"),
])
def test_eis_official_rows(wages, share):
    assert eis(D(wages), OCT_2024) == Share(D(share), D(share))


@pytest.mark.parametrize(("month", "wages", "share"), [
    (date(2018, 1, 1), "4500", "7.90"), (date(2022, 8, 1), "9000", "7.90"),
    (date(2022, 9, 1), "9000", "9.90"), (date(2024, 10, 1), "9000", "11.90"),
])
def test_eis_ceilings(month, wages, share):
    assert eis(D(wages), month) == Share(D(share), D(share))


@pytest.mark.parametrize(("wages", "amount"), [
    ("30", "0.20"), ("50", "0.30"), ("100", "0.65"), ("2000", "14.65"), ("6000", "44.65"), ("10000", "44.65"),
])
def test_skbbk_provisional_table(wages, amount):
    assert skbbk(D(wages), date(2026, 6, 1)) == D(amount)
    assert skbbk(D(wages), date(2026, 5, 31)) == D("0.00")


def test_skbbk_equals_second_category_less_first_category_employee_except_70_to_100():
    month = date(2026, 11, 1)
    for schedule_band in schedule_for("socso", month).bands:
        wages = schedule_band.upper or schedule_band.lower + 1
        expected = socso(wages, month, SECOND).employer - socso(wages, month, FIRST).employee
        if schedule_band.lower == 70:
            expected = D("0.65")
        assert skbbk(wages, month) == expected, wages


@pytest.mark.parametrize(("wages", "band_total"), [
    ("0.01", "0.50"), ("30.00", "0.50"), ("30.01", "0.90"), ("70.01", "1.90"), ("100.00", "1.90"),
    ("2000.00", "43.90"), ("2000.01", "46.10"),
])
def test_band_edges(wages, band_total):
    assert socso(D(wages), OCT_2024, FIRST).total == D(band_total)


def test_zero_wages_give_nothing():
    assert socso(D("0"), OCT_2024, FIRST) == Share(D("0"), D("0"))
    assert eis(D("0.00"), OCT_2024).total == 0 and skbbk(D("0"), date(2026, 7, 1)) == 0


@pytest.mark.parametrize("wages", ["-1", "100.001", "NaN", "Infinity"])
def test_bad_wages_are_refused_with_a_message(wages):
    with pytest.raises(ValidationError):
        socso(D(wages), OCT_2024, FIRST)


def test_months_before_the_schedules_begin():
    with pytest.raises(ValidationError, match="EIS.*01/2018"):
        eis(D("1000"), date(2017, 12, 1))
    with pytest.raises(ValidationError, match="SOCSO"):
        socso(D("1000"), date(2012, 12, 1), FIRST)


def test_row_counts_match_the_official_tables():
    assert [len(s.bands) for s in schedules("socso")] == [34, 45, 55, 65]
    assert [len(s.bands) for s in schedules("eis")] == [45, 55, 65]
    assert len(schedules("skbbk")[0].bands) == 65


def test_no_amount_is_a_float():
    for scheme in ("socso", "eis", "skbbk"):
        for schedule in schedules(scheme):
            for band in schedule.bands:
                assert all(isinstance(v, D) for v in (band.employer, band.employee, band.second_category))


wages_strategy = st.decimals(min_value=0, max_value=20000, places=2, allow_nan=False, allow_infinity=False)
month_strategy = st.builds(date, st.integers(2018, 2027), st.integers(1, 12), st.just(1))


@given(wages_strategy, wages_strategy, month_strategy, st.sampled_from(list(Category)))
def test_shares_never_decrease_as_wages_grow(a, b, month, category):
    low, high = sorted((a, b))
    assert socso(low, month, category).total <= socso(high, month, category).total
    assert eis(low, month).total <= eis(high, month).total
    assert skbbk(low, month) <= skbbk(high, month)


@given(st.decimals(min_value=0, max_value=50000, places=2, allow_nan=False, allow_infinity=False), month_strategy)
def test_shares_are_constant_above_the_ceiling(extra, month):
    ceiling = schedule_for("socso", month).ceiling
    assert socso(ceiling + D("0.01") + extra, month, Category.FIRST) == socso(ceiling, month, Category.FIRST)
    assert eis(ceiling + D("0.01") + extra, month) == eis(ceiling, month)


def test_command_prints_the_schedule_of_a_month():
    result = subprocess.run([sys.executable, "-m", "core.rates", "2026-11"], capture_output=True, text=True,
                            check=True)
    assert "104.15" in result.stdout and "44.65" in result.stdout and "11.90" in result.stdout
    assert len([line for line in result.stdout.splitlines() if line.strip()[:2].strip().isdigit()]) == 65
