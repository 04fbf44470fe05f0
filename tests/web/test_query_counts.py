"""The pages an employer opens all day read the store a fixed number of times, however many employees and
ACR/ECRs there are (no query per row)."""

import logging
from datetime import date

import pytest

from tests.conftest import PASSWORD
from tests.factories import registered_employer
from tests.support import login
from webapp.db import database
from webapp.models import Acknowledgement, Employment, Person, Submission
from webapp.services import contributions

PAGES = ("/employer/dashboard", "/contribution/combined/", "/employees/", "/employees/?status=all",
         "/payment/", "/contribution/history", "/contribution/s/{draft}", "/contribution/s/{draft}?per=50")


class QueryLog(logging.Handler):
    """Counts the SQL statements peewee runs (it logs each one at DEBUG as (sql, params))."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.statements = []

    def emit(self, record):
        if isinstance(record.msg, tuple):
            self.statements.append(record.msg[0])


@pytest.fixture
def query_log():
    logger, handler = logging.getLogger("peewee"), QueryLog()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def add_employees(employer, batch, count: int, first: int) -> None:
    with database.connection_context():
        for n in range(first, first + count):
            person = Person.create(id_type="NEW_IC", id_number=f"{800101140000 + n}", name=f"PEKERJA {n:03d}",
                                   birth_date=date(1980, 1, 1), gender="M", first_insured_on=date(2015, 1, 1))
            Employment.create(employer=employer, person=person, batch=batch, start_date=date(2020, 1, 1),
                              status="active" if n % 5 else "terminated", end_date=None if n % 5 else date(2024, 1, 31))


def add_unpaid_months(employer, user, months: list[date]) -> None:
    """Confirmed, unpaid SOCSO + EIS months (an ACR and an ECR each), written straight to the store."""
    with database.connection_context():
        for n, month in enumerate(months):
            submission = Submission.create(employer=employer, month=month, type="arrears", with_socso=True,
                                           with_eis=True, status="confirmed", confirm_token="x" * 43, created_by=user)
            for kind in ("ACR", "ECR"):
                Acknowledgement.create(number=f"{kind}{month:%y%m}{n:07d}", kind=kind, submission=submission,
                                       employer=employer, month=month, type="arrears", medium="8A", employees=3,
                                       amount=10_000 + n)


def draft_for(employer, user, month: date) -> int:
    with database.connection_context():
        return contributions.open_submission(employer, user, "combined", month, "arrears", date.today()).id


def count_queries(client, query_log, draft: int) -> dict[str, int]:
    counts = {}
    for page in PAGES:
        path = page.format(draft=draft)
        client.get(path)  # once to settle anything the first request does (the employer choice in the session)
        query_log.statements.clear()
        response = client.get(path)
        assert response.status_code == 200, path
        counts[page] = len(query_log.statements)
    return counts


def test_page_queries_do_not_grow_with_employees_or_acknowledgements(app, employer, client, query_log):
    with database.connection_context():
        company, batch = registered_employer(employer)
    add_employees(company, batch, 3, first=0)
    add_unpaid_months(company, employer, [date(2025, 1, 1)])
    login(client, employer.email, PASSWORD)
    small = count_queries(client, query_log, draft_for(company, employer, date(2025, 6, 1)))

    add_employees(company, batch, 120, first=3)
    add_unpaid_months(company, employer, [date(2025, month, 1) for month in range(2, 6)])
    large = count_queries(client, query_log, draft_for(company, employer, date(2025, 7, 1)))

    assert large == small
    # the session, the employer, the page, the cart badge in the header (one count); a draft's page also
    # checks that its lines follow the month's registrations (three reads on indexed columns, whatever the
    # number of employees); the dashboard reads the unpaid FCLB notices too (one query)
    budgets = {page: 10 if "{draft}" in page else 8 if "dashboard" in page else 7 for page in small}
    assert all(1 <= count <= budgets[page] for page, count in small.items()), str(small)
