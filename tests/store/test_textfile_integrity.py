"""Text files that never lose a sen, through the text-file service on the store (SQLite and PostgreSQL)."""

from datetime import date
from decimal import Decimal as D

import pytest

from core.errors import ValidationError
from core.filecheck import lawful_shares
from core.textfile import Layout, Record, generate, parse
from tests.store.test_contributions import employer_with
from webapp.db import database
from webapp.models import Acknowledgement, Employer, Submission
from webapp.services import contributions, textfiles
from webapp.services.employees import coverage_now

TODAY = date(2026, 11, 22)
JUNE = date(2026, 6, 1)
OCT = date(2026, 10, 1)


@pytest.fixture
def setup(app):
    """ALI (36, First Category), BAKAR (66, Second Category), EKO (foreign: no EIS), CHONG (new in October)."""
    return employer_with(("ALI", date(1990, 1, 1), date(2020, 1, 1), None, True),
                         ("BAKAR", date(1960, 1, 1), date(2020, 1, 1), None, True),
                         ("CHONG", date(1990, 1, 1), date(2026, 10, 20), None, True),
                         ("EKO", date(1990, 1, 1), date(2020, 1, 1), None, False))


def people(employer):
    return {e.person.name: e for e in contributions.employments_in(employer, OCT)}


def file_of(employer, layout, month, amounts: dict) -> bytes:
    return generate([Record(employer_code=employer.code, id_number=e.person.id_number, name=e.person.name,
                            month=month, amount=D(amounts[name]))
                     for name, e in people(employer).items() if name in amounts], layout)


def test_a_first_category_total_for_a_second_category_employee_is_an_error_not_a_guess(setup):
    user, employer = setup
    with database.connection_context():
        data = file_of(employer, Layout.SOCSO, OCT, {"ALI": "58.55", "BAKAR": "58.55", "CHONG": "0", "EKO": "58.55"})
        checked = textfiles.check_upload(employer, "socso", data, TODAY)
        assert [(e.line, e.field) for e in checked.errors] == [(2, "Contribution Amount")]
        assert "RM 39.05" in str(checked.errors[0])  # BAKAR: 24.40 + SKBBK 14.65 for the same wages
        assert not Submission.select().exists()  # nothing saved


def test_eis_lines_for_someone_eis_does_not_cover_are_errors(setup):
    user, employer = setup
    with database.connection_context():
        data = file_of(employer, Layout.EIS, OCT, {"ALI": "7.80", "EKO": "7.80"})
        checked = textfiles.check_upload(employer, "eis", data, TODAY)
        assert len(checked.errors) == 1 and "not covered by EIS" in str(checked.errors[0])


def test_a_clean_socso_file_is_saved_exactly_as_it_says_and_keeps_new_and_left(setup):
    user, employer = setup
    with database.connection_context():
        amounts = {"ALI": "58.55", "BAKAR": "39.05", "CHONG": "58.55", "EKO": "58.55"}
        checked = textfiles.check_upload(employer, "socso", file_of(employer, Layout.SOCSO, OCT, amounts), TODAY)
        assert checked.errors == []
        draft = textfiles.to_draft(employer, user, "socso", checked, TODAY)
        lines = {line.employment.person.name: line for line in contributions.lines(draft, 1, 50)}
        for name, amount in amounts.items():
            line = lines[name]
            assert line.socso_employer + line.socso_employee + line.skbbk_employee == int(D(amount) * 100)
        assert (lines["BAKAR"].socso_employer, lines["BAKAR"].skbbk_employee) == (2440, 1465)
        assert lines["CHONG"].status == "new"  # registration knows CHONG started in October


def test_socso_file_round_trip_from_june_2026_agrees_with_the_pencil_and_the_acr(setup):
    """Pencil, CONFIRM, export the 223 layout, read it back: the amounts carry SKBBK and equal the ACR."""
    user, employer = setup
    with database.connection_context():
        draft = contributions.open_submission(employer, user, "socso", JUNE, "arrears", TODAY)
        for line in contributions.lines(draft, 1, 50):
            contributions.update_line(draft, line.id, "active", D("2000.00"))
        contributions.complete(draft)
        [acr] = contributions.confirm(draft, Submission.get_by_id(draft.id).confirm_token)
        exported = textfiles.export(Submission.get_by_id(draft.id), Layout.SOCSO)
        parsed = parse(exported, Layout.SOCSO)
        assert parsed.ok and sum(r.amount for r in parsed.records) * 100 == acr.amount
        by_id = {e.person.id_number: e for e in contributions.employments_in(employer, JUNE)}
        for record in parsed.records:
            shares = lawful_shares(Layout.SOCSO, record.amount, JUNE, coverage_now(by_id[record.id_number], JUNE))
            assert shares is not None and shares["skbbk_employee"] == D("14.65")
        assert textfiles.check_upload(employer, "socso", exported, TODAY).errors == []


def test_a_file_for_a_month_without_a_schedule_is_an_error_not_a_crash(setup):
    user, employer = setup
    with database.connection_context():
        Employer.update(first_employment_date=date(2010, 1, 1)).where(Employer.id == employer.id).execute()
        employer = Employer.get_by_id(employer.id)
        data = generate([Record(employer_code=employer.code, id_number="999999999999", name="NOBODY",
                                month=date(2010, 5, 1), amount=D("10.10"))], Layout.SOCSO)
        checked = textfiles.check_upload(employer, "socso", data, TODAY)
        assert checked.errors and "schedule" in str(checked.errors[0])


def test_a_file_for_a_month_already_billed_is_refused_with_a_pointer_to_short(setup):
    user, employer = setup
    with database.connection_context():
        amounts = {"ALI": "58.55", "BAKAR": "39.05", "CHONG": "0", "EKO": "58.55"}
        data = file_of(employer, Layout.SOCSO, OCT, amounts)
        draft = textfiles.to_draft(employer, user, "socso", textfiles.check_upload(employer, "socso", data, TODAY),
                                   TODAY)
        contributions.complete(draft)
        contributions.confirm(draft, Submission.get_by_id(draft.id).confirm_token)
        with pytest.raises(Exception, match="SHORT CONTRIBUTION"):
            textfiles.to_draft(employer, user, "socso", textfiles.check_upload(employer, "socso", data, TODAY),
                               TODAY)
        assert Acknowledgement.select().count() == 1


def test_a_file_that_leaves_employees_out_lists_them_for_the_employer_to_decide(setup):
    user, employer = setup
    with database.connection_context():
        draft = contributions.open_submission(employer, user, "socso", OCT, "monthly", TODAY)
        lines = {line.employment.person.name: line for line in contributions.lines(draft, 1, 50)}
        contributions.update_line(draft, lines["EKO"].id, "active", D("1500.00"))
        data = file_of(employer, Layout.SOCSO, OCT, {"ALI": "58.55", "BAKAR": "39.05"})
        draft = textfiles.to_draft(employer, user, "socso", textfiles.check_upload(employer, "socso", data, TODAY),
                                   TODAY)
        assert textfiles.file_counts(draft) == {"in_file": 2, "left_out": 2, "undecided": 2}
        left_out = {line.employment.person.name: line for line in textfiles.left_out(draft)}
        assert set(left_out) == {"CHONG", "EKO"} and left_out["EKO"].wages == 150000  # kept from the draft
        with pytest.raises(ValidationError, match="not in the text file"):
            contributions.complete(draft)
        with pytest.raises(ValidationError, match="each employee"):
            textfiles.decide_left_out(draft, {left_out["EKO"].id: "keep"})
        textfiles.decide_left_out(draft, {left_out["EKO"].id: "keep", left_out["CHONG"].id: "no_wages"})
        assert textfiles.left_out(draft) == []
        contributions.complete(draft)
        rows = {line.employment.person.name: line for line in contributions.lines(draft, 1, 50)}
        assert (rows["EKO"].wages, rows["CHONG"].status) == (150000, "no_wages")
