"""Drafts that follow the employer's people until CONFIRM (issue 10), a cancelled month that reopens, and the
month in a minute (issue 13). drafts.differs, the one query run before every draft page, agrees with
drafts.differences on each kind of change (a new employee, one who left before the month, New or Left)."""

from datetime import date
from decimal import Decimal as D

import pytest

from core.errors import Conflict, ValidationError
from tests.store.test_contributions import OCT, TODAY, completed
from webapp.db import database
from webapp.models import Employment, Person, Submission, SubmissionLine
from webapp.services import bills, contributions, drafts


@pytest.fixture
def draft(setup):
    user, employer = setup
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


# The draft follows the employer's people until CONFIRM (issue 10) ----------------------------------------

def test_a_draft_follows_registrations_and_terminations_until_confirm(setup):
    user, employer = setup
    with database.connection_context():
        draft = contributions.open_submission(employer, user, "combined", OCT, "monthly", TODAY)
        ali, eko = contributions.lines(draft, 1, 50)
        contributions.update_line(draft, ali.id, "active", D("2000.00"))
        contributions.update_line(draft, eko.id, "active", D("1800.00"))
        contributions.complete(draft)
        batch = Employment.get().batch
        person = Person.create(id_type="NEW_IC", id_number="950101140009", name="ZAINAB", birth_date=date(1995, 1, 1),
                               gender="F", citizen=True, first_insured_on=date(2026, 10, 5))
        Employment.create(employer=employer, person=person, batch=batch, start_date=date(2026, 10, 5), status="active")
        Employment.update(end_date=date(2026, 10, 20), status="terminated").where(
            Employment.id == eko.employment_id).execute()
        assert contributions.follow_registrations(draft)
        rows = {r.employment.person.name: r for r in contributions.lines(draft, 1, 50)}
        assert (rows["ZAINAB"].status, rows["ZAINAB"].wages) == ("new", None)
        assert (rows["EKO"].status, rows["EKO"].wages) == ("left", 180000)  # the salary is kept
        assert Submission.get_by_id(draft.id).status == "draft"  # COMPLETE must be pressed again
        with pytest.raises(ValidationError, match="ZAINAB"):
            contributions.complete(draft)
        assert not contributions.follow_registrations(draft)  # nothing more to follow


def test_a_cancelled_month_reopens_with_its_salaries(setup):
    user, employer = setup
    with database.connection_context():
        draft = contributions.open_submission(employer, user, "combined", OCT, "monthly", TODAY)
        ali, eko = contributions.lines(draft, 1, 50)
        contributions.update_line(draft, ali.id, "active", D("2345.00"))
        contributions.update_line(draft, eko.id, "no_wages", None)
        contributions.complete(draft)
        issued = contributions.confirm(draft, Submission.get_by_id(draft.id).confirm_token)
        bills.cancel(employer, [a.number for a in issued if a.number])
        again = contributions.open_submission(employer, user, "socso", OCT, "monthly", TODAY)
        rows = {r.employment.person.name: r for r in contributions.lines(again, 1, 50)}
        assert (rows["ALI"].wages, rows["ALI"].status, rows["EKO"].status) == (234500, "active", "no_wages")
        assert rows["ALI"].eis_employer == 0 and rows["ALI"].socso_employer > 0  # amounts for the new schemes


def test_a_confirm_token_with_letters_beyond_ascii_is_refused_not_a_crash(setup):
    user, employer = setup
    with database.connection_context():
        draft, _ = completed(employer, user, "combined", "2000.00")
        with pytest.raises(Conflict, match="out of date"):
            contributions.confirm(draft, "tökén²")


# The month in a minute (issue 13) ---------------------------------------------------------------------

def test_last_months_wages_are_shown_not_counted_until_accepted_and_undo_takes_them_back(setup):
    user, employer = setup
    with database.connection_context():
        september = date(2026, 9, 1)
        draft = contributions.open_submission(employer, user, "combined", september, "arrears", TODAY)
        ali, eko = contributions.lines(draft, 1, 50)
        contributions.update_line(draft, ali.id, "active", D("2100.00"))
        contributions.update_line(draft, eko.id, "no_wages", None)
        contributions.complete(draft)
        contributions.confirm(draft, Submission.get_by_id(draft.id).confirm_token)

        october = contributions.open_submission(employer, user, "combined", OCT, "monthly", TODAY)
        rows = {r.employment.person.name: r for r in contributions.lines(october, 1, 50)}
        assert (rows["ALI"].wages, rows["ALI"].carried_wages, rows["ALI"].carried_from) == (None, 210000, september)
        assert rows["EKO"].carried_wages is None  # no wages last month: nothing to carry
        assert contributions.totals(october).amount == 0  # shown, not counted
        assert contributions.totals(october).carried_waiting == 1

        assert contributions.same_as_last_month(october) == 1
        ali = contributions.line_for(october, rows["ALI"].id)
        assert ali.wages == 210000 and ali.socso_employer > 0 and contributions.totals(october).amount > 0
        assert contributions.undo_same_as_last_month(october) == 1
        assert contributions.line_for(october, rows["ALI"].id).wages is None
        assert contributions.totals(october).amount == 0

        contributions.same_as_last_month(october)
        contributions.update_line(october, rows["ALI"].id, "active", D("2500.00"))  # the one that differs
        assert contributions.undo_same_as_last_month(october) == 0  # an edited line is not taken back
        assert contributions.line_for(october, rows["ALI"].id).wages == 250000
