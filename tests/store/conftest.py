"""Fixtures the store and service tests share."""

from datetime import date

import pytest

from tests.conftest import make_user
from tests.factories import registered_employer
from tests.mandates_support import stub_mandate_gateway
from tests.payments_support import Exchange
from tests.store.test_contributions import employer_with
from webapp.db import database


@pytest.fixture
def setup(app):
    """A registered employer with two employees, ALI (a citizen) and EKO (not): (user, employer)."""
    return employer_with(("ALI", date(1990, 1, 1), date(2020, 1, 1), None, True),
                         ("EKO", date(1990, 1, 1), date(2020, 1, 1), None, False))


@pytest.fixture(scope="module")
def exchange(tmp_path_factory):
    return Exchange(tmp_path_factory.mktemp("exchange"))


@pytest.fixture
def world(app, exchange):
    with database.connection_context():
        user = make_user()
        employer, _ = registered_employer(user)
        yield user, employer, stub_mandate_gateway(exchange)
