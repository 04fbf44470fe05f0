"""The employees list query: counts, pages, searching and the clamp past the last page (SQLite and PostgreSQL)."""

from datetime import date

from tests.conftest import make_user
from tests.factories import registered_employer
from webapp.db import database
from webapp.models import Employer, Employment, Person
from webapp.services import employees


def employer_with(count: int) -> Employer:
    user = make_user("list@example.com")
    with database.connection_context():
        employer, batch = registered_employer(user, "LIST SDN BHD")
        for n in range(count):
            person = Person.create(id_type="NEW_IC", id_number=f"{800101140000 + n}", name=f"PEKERJA {n:03d}",
                                   birth_date=date(1980, 1, 1), gender="M", first_insured_on=date(2015, 1, 1))
            Employment.create(employer=employer, person=person, batch=batch, start_date=date(2020, 1, 1),
                              status="terminated" if n % 10 == 0 else "active",
                              end_date=date(2025, 1, 1) if n % 10 == 0 else None)
    return employer


def test_counts_pages_and_search(app):
    employer = employer_with(120)
    with database.connection_context():
        active = employees.search(employer, "", "active", 1)
        assert (active.total, active.pages, len(active.rows)) == (108, 3, 50)
        assert [row.name for row in active.rows[:2]] == ["PEKERJA 001", "PEKERJA 002"]
        last = employees.search(employer, "", "active", 99)
        assert (last.page, len(last.rows)) == (3, 8)
        everyone = employees.search(employer, "", "all", 1)
        assert everyone.total == 120
        found = employees.search(employer, "pekerja 11", "all", 1)
        assert found.total == 10 and {row.name for row in found.rows} == {f"PEKERJA 11{n}" for n in range(10)}
        by_number = employees.search(employer, "800101-140-005", "all", 1)
        assert [row.id_number for row in by_number.rows] == ["800101140005"]
        past = employees.search(employer, "PEKERJA", "terminated", 5)
        assert (past.total, past.page, len(past.rows)) == (12, 1, 12)
        assert employees.search(employer, "nobody", "all", 3).total == 0
        assert "PEKERJA 000" in employees.csv_export(employer, "", "all")
