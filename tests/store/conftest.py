"""Fixtures the store and service tests share."""

from datetime import date

import pytest

from tests.store.test_contributions import employer_with


@pytest.fixture
def setup(app):
    """A registered employer with two employees, ALI (a citizen) and EKO (not): (user, employer)."""
    return employer_with(("ALI", date(1990, 1, 1), date(2020, 1, 1), None, True),
                         ("EKO", date(1990, 1, 1), date(2020, 1, 1), None, False))
