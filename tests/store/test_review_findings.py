"""Defects a hostile review found in one bill per month, SHORT CONTRIBUTION and CONFIRM; each test failed
before its fix (SQLite and PostgreSQL)."""

from datetime import date
from decimal import Decimal as D

import pytest

from core.errors import Conflict, NotAllowed, ValidationError
from core.textfile import Layout, Record, generate
from tests.store.test_contributions import employer_with
from webapp.db import database
from webapp.models import Acknowledgement, Employment, Person, Submission
from webapp.services import bills, contributions, textfiles

TODAY = date(2026, 11, 22)
AUG = date(2026, 8, 1)


@pytest.fixture
def setup(app):
    return employer_with(("ALI", date(1990, 1, 1), date(2020, 1, 1), None, True),
                         ("BAKAR", date(1988, 1, 1), date(2020, 1, 1), None, True))


def declare(employer, user, scheme, month, wages, type_="arrears"):
    draft = contributions.open_submission(employer, user, scheme, month, type_, TODAY)
    for line in contributions.lines(draft, 1, 50):
        contributions.update_line(draft, line.id, "active", D(wages))
    contributions.complete(draft)
    return contributions.confirm(draft, Submission.get_by_id(draft.id).confirm_token)


def test_short_after_cancelling_only_the_acr_charges_the_whole_socso_difference(setup):
    user, employer = setup
    with database.connection_context():
        acr, _ecr = declare(employer, user, "combined", AUG, "2000.00")
        bills.cancel(employer, [acr.number])
        declare(employer, user, "socso", AUG, "2000.00")
        short = {a.kind: a.amount for a in declare(employer, user, "combined", AUG, "3000.00", "short")}
        # RM2,000 -> RM3,000 in 08/2026: SOCSO 43.90 -> 66.40, SKBBK 14.65 -> 22.15, EIS 7.80 -> 11.80, each x2
        assert short == {"ACR": 2 * ((6640 - 4390) + (2215 - 1465)), "ECR": 2 * (1180 - 780)}


def test_a_combined_file_for_a_month_whose_acr_exists_bills_only_eis(setup):
    user, employer = setup
    with database.connection_context():
        declare(employer, user, "socso", AUG, "2000.00")
        people = list(contributions.employments_in(employer, AUG))
        data = generate([Record(employer_code=employer.code, id_number=e.person.id_number, name=e.person.name,
                                month=AUG, wages=D("2000.00"), socso_employer=D("34.15"), socso_employee=D("9.75"),
                                eis_employer=D("3.90"), eis_employee=D("3.90"), skbbk_employee=D("14.65"))
                         for e in people], Layout.COMBINED)
        checked = textfiles.check_upload(employer, "combined", data, TODAY)
        assert checked.errors == []
        draft = textfiles.to_draft(employer, user, "combined", checked, TODAY)
        assert (draft.with_socso, draft.with_eis) == (False, True)
        figures = contributions.totals(draft)
        assert (figures.socso, figures.eis) == (0, 2 * 780)  # the summary shows what CONFIRM bills
        contributions.complete(draft)
        [ecr] = contributions.confirm(draft, Submission.get_by_id(draft.id).confirm_token)
        assert (ecr.kind, ecr.amount) == ("ECR", 2 * 780)


def test_the_regular_bill_cannot_be_cancelled_under_a_live_short(setup):
    user, employer = setup
    with database.connection_context():
        acr, ecr = declare(employer, user, "combined", AUG, "2000.00")
        declare(employer, user, "combined", AUG, "2500.00", "short")
        with pytest.raises(NotAllowed, match="SHORT CONTRIBUTION on top of it"):
            bills.cancel(employer, [acr.number, ecr.number])
        assert Acknowledgement.get_by_id(acr.id).status == "unpaid"


def test_a_short_with_nothing_to_top_up_is_refused_not_recorded_and_shorts_may_follow_one_another(setup):
    user, employer = setup
    with database.connection_context():
        declare(employer, user, "combined", AUG, "2000.00")
        short = contributions.open_submission(employer, user, "combined", AUG, "short", TODAY)
        with pytest.raises(ValidationError, match="Nothing to top up"):
            contributions.complete(short)  # the declared wages unchanged
        assert Submission.get_by_id(short.id).status == "draft"
        first = declare(employer, user, "combined", AUG, "2500.00", "short")
        second = declare(employer, user, "combined", AUG, "3000.00", "short")
        assert {a.kind for a in first} == {a.kind for a in second} == {"ACR", "ECR"}
        # the second charges 2,500 -> 3,000 only: EIS 9.80 -> 11.80 for each of the two
        assert {a.kind: a.amount for a in second}["ECR"] == 2 * (1180 - 980)
        assert not Acknowledgement.select().where(Acknowledgement.status == "nil").exists()


def test_confirm_refuses_when_an_employee_was_registered_after_complete(setup):
    user, employer = setup
    with database.connection_context():
        draft = contributions.open_submission(employer, user, "combined", AUG, "arrears", TODAY)
        for line in contributions.lines(draft, 1, 50):
            contributions.update_line(draft, line.id, "active", D("2000.00"))
        contributions.complete(draft)
        token = Submission.get_by_id(draft.id).confirm_token
        person = Person.create(id_type="NEW_IC", id_number="960606145067", name="CHONG", birth_date=date(1996, 6, 6),
                               gender="M", citizen=True, first_insured_on=date(2026, 8, 5))
        Employment.create(employer=employer, person=person, batch=Employment.get().batch, start_date=date(2026, 8, 5),
                          status="active")
        with pytest.raises(Conflict, match="employees changed since COMPLETE"):
            contributions.confirm(draft, token)
        assert not Acknowledgement.select().exists()
        names = [line.employment.person.name for line in contributions.lines(draft, 1, 50)]
        assert "CHONG" in names and Submission.get_by_id(draft.id).status == "draft"


def test_a_summary_shown_before_another_tabs_change_cannot_confirm(setup):
    user, employer = setup
    with database.connection_context():
        draft = contributions.open_submission(employer, user, "combined", AUG, "arrears", TODAY)
        lines = contributions.lines(draft, 1, 50)
        for line in lines:
            contributions.update_line(draft, line.id, "active", D("2000.00"))
        contributions.complete(draft)
        tab_a = Submission.get_by_id(draft.id).confirm_token  # tab A shows the summary
        contributions.update_line(draft, lines[0].id, "active", D("5000.00"))  # tab B edits, COMPLETE again
        contributions.complete(draft)
        with pytest.raises(Conflict, match="out of date"):
            contributions.confirm(draft, tab_a)
        assert contributions.confirm(draft, Submission.get_by_id(draft.id).confirm_token)
