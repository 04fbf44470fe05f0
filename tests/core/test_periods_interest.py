"""Deadlines, business days, the bank-counter rule and late-payment interest (domain.md 4)."""

from datetime import date, datetime, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ValidationError
from core.interest import late_interest
from core.periods import (
    add_months,
    contribution_month,
    counter_available_on,
    days_late,
    days_left,
    next_business_day,
    payment_deadline,
)

OCT_2026 = date(2026, 10, 1)


def test_deadline_is_the_15th_of_the_next_month():
    assert payment_deadline(OCT_2026) == date(2026, 11, 15)
    assert payment_deadline(date(2026, 12, 31)) == date(2027, 1, 15)
    assert payment_deadline(date(2026, 11, 15)) == date(2026, 12, 15)  # Sunday: no shift (documented choice)


def test_days_left_and_overdue():
    assert days_left(OCT_2026, date(2026, 11, 5)) == 10
    assert days_left(OCT_2026, date(2026, 11, 15)) == 0
    assert days_left(OCT_2026, date(2026, 11, 22)) == -7
    assert days_late(OCT_2026, date(2026, 11, 15)) == 0 and days_late(OCT_2026, date(2026, 11, 16)) == 1


def test_months():
    assert contribution_month(date(2026, 11, 22)) == date(2026, 11, 1)
    assert add_months(date(2026, 11, 1), 2) == date(2027, 1, 1)
    assert add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)


def test_next_business_day_skips_weekends_and_holidays():
    friday = date(2026, 11, 20)
    assert next_business_day(friday) == date(2026, 11, 23)
    assert next_business_day(friday, holidays={date(2026, 11, 23)}) == date(2026, 11, 24)
    assert next_business_day(date(2026, 11, 19), weekend={4, 5}) == date(2026, 11, 22)  # Friday-Saturday states


def test_bank_counter_next_business_day_before_6pm():
    assert counter_available_on(datetime(2026, 11, 19, 17, 59)) == date(2026, 11, 20)
    assert counter_available_on(datetime(2026, 11, 19, 18, 0)) == date(2026, 11, 23)
    assert counter_available_on(datetime(2026, 11, 21, 10, 0)) == date(2026, 11, 23)  # Saturday


@pytest.mark.parametrize(("amount", "paid_on", "interest"), [
    ("1000.00", date(2026, 11, 15), "0.00"),  # on the deadline
    ("1000.00", date(2026, 11, 16), "5.00"),  # 0.16 for a day: the minimum applies
    ("100000.00", date(2026, 12, 15), "493.15"),  # 30 days: 100,000 x 6% x 30/365
    ("50000.00", date(2027, 11, 15), "3000.00"),  # a whole year (365 days)
    ("12345.67", date(2027, 2, 13), "182.65"),  # 90 days: 182.648..., rounded to the sen
    ("100.75", date(2027, 11, 15), "6.05"),  # 6.045: half up, not half even
])
def test_late_interest(amount, paid_on, interest):
    assert late_interest(D(amount), OCT_2026, paid_on) == D(interest)


def test_no_interest_on_nothing():
    assert late_interest(D("0"), OCT_2026, date(2027, 1, 1)) == 0


def test_interest_refuses_bad_amounts():
    with pytest.raises(ValidationError):
        late_interest(D("-1"), OCT_2026, date(2027, 1, 1))


@given(st.decimals(min_value="0.01", max_value="1000000", places=2), st.integers(1, 2000))
def test_interest_is_at_least_the_minimum_and_grows_with_delay(amount, days):
    first = late_interest(amount, OCT_2026, date(2026, 11, 15) + timedelta(days=days))
    later = late_interest(amount, OCT_2026, date(2026, 11, 15) + timedelta(days=days + 1))
    assert D("5.00") <= first <= later
