"""drafts.differs, the one query run before every draft page: it agrees with drafts.differences on each kind of
change (a new employee, one who left before the month, a registration that says New or Left)."""

from datetime import date

import pytest

from tests.store.test_contributions import OCT, TODAY, employer_with
from webapp.db import database
from webapp.models import Employment, Person, SubmissionLine
from webapp.services import contributions, drafts


@pytest.fixture
def draft(app):
    user, employer = employer_with(("ALI", date(1990, 1, 1), date(2020, 1, 1), None, True),
                                   ("EKO", date(1990, 1, 1), date(2020, 1, 1), None, False))
    with database.connection_context():
        return contributions.open_submission(employer, user, "combined", OCT, "monthly", TODAY)


def agree(draft) -> bool:
    found = drafts.differs(draft)
    assert found == any(drafts.differences(draft))
    return found


def test_nothing_to_follow(draft):
    with database.connection_context():
        assert not agree(draft)


def test_a_new_employee(draft):
    with database.connection_context():
        ali = Employment.select().join(Person).where(Person.name == "ALI").get()
        person = Person.create(id_type="NEW_IC", id_number="950101140009", name="ZAINAB", birth_date=date(1995, 1, 1),
                               gender="F", citizen=True, first_insured_on=date(2026, 10, 5))
        Employment.create(employer=draft.employer_id, person=person, batch=ali.batch, start_date=date(2026, 10, 5),
                          status="active")
        assert agree(draft)


def test_an_employee_who_left_before_the_month(draft):
    with database.connection_context():
        Employment.update(end_date=date(2026, 9, 20), status="terminated").where(
            Employment.id == Employment.select(Employment.id).join(Person).where(Person.name == "EKO")).execute()
        assert agree(draft)


def test_a_registration_that_says_left_this_month(draft):
    with database.connection_context():
        Employment.update(end_date=date(2026, 10, 20), status="terminated").where(
            Employment.id == Employment.select(Employment.id).join(Person).where(Person.name == "EKO")).execute()
        assert agree(draft)
        assert contributions.follow_registrations(draft)
        assert SubmissionLine.select().where(SubmissionLine.status == "left").count() == 1
        assert not agree(draft)
