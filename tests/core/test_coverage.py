"""Who contributes to what (domain.md 1.5, 2, 3), including the choices documented in core/coverage.py."""

from datetime import date

import pytest

from core.coverage import Employee, coverage
from core.rates import Category

FIRST, SECOND = Category.FIRST, Category.SECOND
NOV_2026 = date(2026, 11, 1)


def local(**facts):
    return Employee(**{"birth_date": date(1990, 5, 1), "employment_start": date(2015, 1, 1), **facts})


def foreign(**facts):
    return local(citizen=False, **facts)


def test_local_under_60():
    c = coverage(local(), NOV_2026)
    assert (c.socso, c.eis, c.skbbk) == (FIRST, True, True)
    assert "Under 60" in str(c.socso_reason) and c.employment is None


def test_turning_60_switches_category_and_ends_eis_in_that_month():
    person = local(birth_date=date(1966, 11, 30))
    october, november = coverage(person, date(2026, 10, 1)), coverage(person, NOV_2026)
    assert (october.socso, october.eis) == (FIRST, True)
    assert (november.socso, november.eis) == (SECOND, False)
    assert "60 or over" in str(november.socso_reason) and "60 or over" in str(november.eis_reason)
    assert november.skbbk  # SKBBK applies in both categories


def test_first_insured_at_55_or_over_is_second_category():
    person = local(birth_date=date(1970, 1, 1), employment_start=date(2025, 3, 1))
    c = coverage(person, NOV_2026)
    assert c.socso is SECOND and "First insured at age 55" in str(c.socso_reason)
    assert c.eis  # 55 at first employment: still under 57
    earlier = local(birth_date=date(1970, 1, 1), employment_start=date(2025, 3, 1),
                    first_insured_on=date(1995, 1, 1))
    assert coverage(earlier, NOV_2026).socso is FIRST


def test_first_employed_at_57_or_over_is_exempt_from_eis():
    person = local(birth_date=date(1968, 1, 1), employment_start=date(2025, 6, 1))
    c = coverage(person, NOV_2026)
    assert not c.eis and "before age 57" in str(c.eis_reason) and c.socso is SECOND


def test_eis_exemption_at_57_follows_eis_history_not_socso_insurance():
    """Born 1960-06, insured with SOCSO since 1990: in January 2018 (EIS's first month) aged 57, so no EIS
    contribution was ever made before 57 and the person is exempt, however long they were insured."""
    veteran = local(birth_date=date(1960, 6, 1), employment_start=date(1990, 3, 1),
                    first_insured_on=date(1990, 3, 1))
    january_2018 = coverage(veteran, date(2018, 1, 1))
    assert not january_2018.eis and "before age 57" in str(january_2018.eis_reason)
    assert january_2018.socso is FIRST  # SOCSO history is another matter: insured at 29


def test_re_employed_at_57_after_contributing_to_eis_before_57_is_covered():
    """Worked under EIS from 2018 at 52, left, re-employed in 2022 at 57: contributions before 57, so covered."""
    again = local(birth_date=date(1965, 3, 1), employment_start=date(2022, 4, 1),
                  first_insured_on=date(1990, 1, 1), first_eis_on=date(2018, 1, 1))
    assert coverage(again, date(2022, 5, 1)).eis
    never = local(birth_date=date(1965, 3, 1), employment_start=date(2022, 4, 1),
                  first_insured_on=date(1990, 1, 1))  # the portal knows no earlier employment under EIS
    assert not coverage(never, date(2022, 5, 1)).eis


def test_a_first_insured_date_after_the_start_of_employment_counts_as_the_start():
    person = local(birth_date=date(1970, 1, 1), employment_start=date(2020, 1, 1), first_insured_on=date(2026, 1, 1))
    assert coverage(person, NOV_2026).socso is FIRST  # insured at 50 (the start), not at 56


def test_eis_from_18():
    person = local(birth_date=date(2008, 11, 15), employment_start=date(2026, 1, 1))
    assert not coverage(person, date(2026, 10, 1)).eis
    assert coverage(person, NOV_2026).eis
    assert coverage(person, date(2026, 10, 1)).socso is FIRST  # SOCSO has no minimum age


def test_no_eis_before_2018():
    c = coverage(local(), date(2017, 12, 1))
    assert not c.eis and "January 2018" in str(c.eis_reason) and c.socso is FIRST


@pytest.mark.parametrize(("month", "category"), [
    (date(2018, 12, 1), None), (date(2019, 1, 1), SECOND), (date(2024, 6, 1), SECOND), (date(2024, 7, 1), FIRST),
])
def test_foreign_workers_before_and_after_july_2024(month, category):
    c = coverage(foreign(), month)
    assert c.socso is category and not c.eis
    assert "not covered by EIS" in str(c.eis_reason)


def test_foreign_worker_first_insured_at_55_stays_second_category():
    person = foreign(birth_date=date(1968, 1, 1), employment_start=date(2024, 1, 1))
    assert coverage(person, NOV_2026).socso is SECOND


def test_domestic_workers_from_june_2021():
    maid = local(domestic=True, employment_start=date(2019, 1, 1))
    before, after = coverage(maid, date(2021, 5, 1)), coverage(maid, date(2021, 6, 1))
    assert (before.socso, before.eis) == (None, False) and "June 2021" in str(before.socso_reason)
    assert (after.socso, after.eis) == (FIRST, True)
    foreign_maid = foreign(domestic=True, employment_start=date(2019, 1, 1))
    assert coverage(foreign_maid, date(2021, 5, 1)).socso is None
    assert coverage(foreign_maid, date(2022, 1, 1)).socso is SECOND
    assert coverage(foreign_maid, NOV_2026).socso is FIRST and not coverage(foreign_maid, NOV_2026).eis


def test_invalidity_pensioner_is_second_category():
    assert coverage(local(invalidity_pensioner=True), NOV_2026).socso is SECOND


def test_employment_starting_or_ending_within_the_month_still_contributes():
    starter = coverage(local(employment_start=date(2026, 11, 20)), NOV_2026)
    assert starter.socso is FIRST and "Started work on 20/11/2026" in str(starter.employment)
    leaver = coverage(local(employment_end=date(2026, 11, 3)), NOV_2026)
    assert leaver.socso is FIRST and "Left work on 03/11/2026" in str(leaver.employment)


def test_not_employed_in_the_month():
    for person in (local(employment_start=date(2026, 12, 1)), local(employment_end=date(2026, 10, 31))):
        c = coverage(person, NOV_2026)
        assert (c.socso, c.eis, c.skbbk) == (None, False, False)
        assert "Not employed" in str(c.socso_reason)


def test_skbbk_from_june_2026_only():
    assert not coverage(local(), date(2026, 5, 1)).skbbk
    assert coverage(local(), date(2026, 6, 1)).skbbk
    assert not coverage(foreign(), date(2018, 6, 1)).skbbk
