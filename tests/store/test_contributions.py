"""Contribution services on the store: drafts, amounts, COMPLETE, CONFIRM exactly once, cancel."""

import threading
from datetime import date
from decimal import Decimal as D

import pytest

from core.errors import Conflict, NotAllowed, ValidationError
from tests.conftest import make_user
from tests.factories import registered_employer
from webapp.db import database
from webapp.models import Acknowledgement, Employment, Person, Submission
from webapp.services import bills, contributions

TODAY = date(2026, 11, 22)
OCT = date(2026, 10, 1)


def employer_with(*people):
    user = make_user("pay@example.com")
    with database.connection_context():
        employer, batch = registered_employer(user)
        for n, (name, birth, start, end, citizen) in enumerate(people):
            person = Person.create(id_type="NEW_IC", id_number=f"{800101140000 + n}", name=name, birth_date=birth,
                                   gender="M", citizen=citizen, first_insured_on=start)
            Employment.create(employer=employer, person=person, batch=batch, start_date=start, end_date=end,
                              status="terminated" if end else "active")
    return user, employer


def completed(employer, user, scheme: str, wages: str | None, month=OCT, type_="monthly"):
    """A draft with every employee at `wages` (None: no wages this month), COMPLETE pressed."""
    draft = contributions.open_submission(employer, user, scheme, month, type_, TODAY)
    for line in contributions.lines(draft, 1, 50):
        contributions.update_line(draft, line.id, "no_wages" if wages is None else "active",
                                  None if wages is None else D(wages))
    contributions.complete(draft)
    return draft, Submission.get_by_id(draft.id).confirm_token


@pytest.fixture
def setup(app):
    return employer_with(("ALI", date(1990, 1, 1), date(2020, 1, 1), None, True),
                         ("BAKAR", date(1960, 1, 1), date(2020, 1, 1), None, True),
                         ("CHONG", date(1990, 1, 1), date(2026, 10, 20), None, True),
                         ("DEVI", date(1990, 1, 1), date(2020, 1, 1), date(2026, 9, 30), True),
                         ("EKO", date(1990, 1, 1), date(2020, 1, 1), None, False))


def test_pending_list_and_draft_lines(setup):
    user, employer = setup
    with database.connection_context():
        due = contributions.pending(employer, "combined", TODAY)
        assert due[:3] == [(date(2026, 11, 1), "monthly"), (OCT, "arrears"), (date(2026, 9, 1), "arrears")]
        draft = contributions.open_submission(employer, user, "combined", OCT, "monthly", TODAY)
        rows = contributions.lines(draft, 1, 50)
        assert [(r.employment.person.name, r.status) for r in rows] == [
            ("ALI", "active"), ("BAKAR", "active"), ("CHONG", "new"), ("EKO", "active")]  # DEVI left before
        assert contributions.open_submission(employer, user, "combined", OCT, "monthly", TODAY).id == draft.id


def test_amounts_follow_the_schedule_and_the_coverage(setup):
    user, employer = setup
    with database.connection_context():
        draft = contributions.open_submission(employer, user, "combined", OCT, "monthly", TODAY)
        ali, bakar, chong, eko = contributions.lines(draft, 1, 50)
        line = contributions.update_line(draft, ali.id, "active", D("2000.00"))
        assert (line.socso_employer, line.socso_employee, line.eis_employer, line.eis_employee) == (3415, 975, 390, 390)
        line = contributions.update_line(draft, bakar.id, "active", D("2000.00"))
        assert (line.socso_employer, line.socso_employee, line.eis_employer) == (2440, 0, 0)  # 66: Second Category
        line = contributions.update_line(draft, eko.id, "active", D("2000.00"))
        assert (line.socso_employer, line.eis_employer) == (3415, 0)  # foreign: First Category, no EIS
        with pytest.raises(ValidationError, match="salary"):
            contributions.complete(draft)
        contributions.update_line(draft, chong.id, "no_wages", None)
        contributions.complete(draft)
        figures = contributions.totals(draft)
        skbbk = 3 * 1465  # SKBBK from June 2026 travels on the ACR, in both categories and for foreign workers
        assert (figures.employees, figures.socso, figures.eis) == (3, 3415 + 975 + 2440 + 3415 + 975 + skbbk, 780)


def test_confirm_gives_one_acr_and_one_ecr_even_when_pressed_twice(setup):
    user, employer = setup
    with database.connection_context():
        draft, token = completed(employer, user, "combined", "1500.00")
    results, errors = [], []

    def press():
        try:
            with database.connection_context():
                results.append([a.number for a in contributions.confirm(draft, token)])
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=press) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len({tuple(r) for r in results}) == 1
    with database.connection_context():
        assert Acknowledgement.select().count() == 2
        kinds = sorted(a.kind for a in Acknowledgement.select())
        assert kinds == ["ACR", "ECR"]
        assert (OCT, "arrears") not in contributions.pending(employer, "combined", TODAY)
        with pytest.raises(NotAllowed):
            contributions.update_line(draft, contributions.lines(draft)[0].id, "active", D("1.00"))
        with pytest.raises(Conflict):
            contributions.open_submission(employer, user, "combined", OCT, "monthly", TODAY)


def test_cancel_puts_the_month_back(setup):
    user, employer = setup
    with database.connection_context():
        draft, token = completed(employer, user, "socso", "1500.00")
        [acr] = contributions.confirm(draft, token)
        assert acr.kind == "ACR" and acr.number.startswith("ACR")
        assert (OCT, "arrears") not in contributions.pending(employer, "socso", TODAY)
        assert (OCT, "arrears") in contributions.pending(employer, "eis", TODAY)
        bills.cancel(employer, [acr.number])
        assert (OCT, "arrears") in contributions.pending(employer, "socso", TODAY)
        again = contributions.open_submission(employer, user, "socso", OCT, "monthly", TODAY)
        assert again.id != draft.id


def test_paid_acknowledgements_cannot_be_cancelled(setup):
    user, employer = setup
    with database.connection_context():
        draft, token = completed(employer, user, "eis", "1500.00")
        [ecr] = contributions.confirm(draft, token)
        Acknowledgement.update(status="paid").execute()
        with pytest.raises(NotAllowed):
            bills.cancel(employer, [ecr.number])


def test_future_months_and_months_before_first_employment_are_refused(setup):
    user, employer = setup
    with database.connection_context():
        with pytest.raises(ValidationError, match="future"):
            contributions.open_submission(employer, user, "combined", date(2026, 12, 1), "monthly", TODAY)
        with pytest.raises(ValidationError, match="first employment"):
            contributions.open_submission(employer, user, "combined", date(2014, 12, 1), "arrears", TODAY)


def test_short_contribution_charges_only_the_difference(setup):
    user, employer = setup
    with database.connection_context():
        draft, token = completed(employer, user, "combined", "2000.00")
        contributions.confirm(draft, token)
        with pytest.raises(ValidationError, match="ARREARS"):
            contributions.open_submission(employer, user, "combined", date(2026, 8, 1), "short", TODAY)
        short = contributions.open_submission(employer, user, "combined", OCT, "short", TODAY)
        rows = contributions.lines(short, 1, 50)
        assert all(row.wages == 200000 for row in rows)  # what was declared, ready to be corrected
        ali = rows[0]
        line = contributions.update_line(short, ali.id, "active", D("2500.00"))
        # RM2,500 in October 2026: SOCSO 42.85 + 12.25, EIS 4.90 + 4.90, SKBBK 18.35; minus what RM2,000 gave
        assert (line.socso_employer, line.socso_employee, line.eis_employer, line.eis_employee,
                line.skbbk_employee) == (4285 - 3415, 1225 - 975, 490 - 390, 490 - 390, 1835 - 1465)
        for other in rows[1:]:
            contributions.update_line(short, other.id, other.status, D("2000.00"))
        contributions.complete(short)
        issued = contributions.confirm(short, Submission.get_by_id(short.id).confirm_token)
        assert sorted((a.kind, a.type, a.amount) for a in issued) == [
            ("ACR", "short", (4285 - 3415) + (1225 - 975) + (1835 - 1465)), ("ECR", "short", 200)]
