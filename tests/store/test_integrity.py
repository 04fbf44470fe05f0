"""Integrity before money (issue 8), on the store and the services; these run on SQLite and on PostgreSQL.

One bill per month and act, nil returns, the wage ceiling, edits that cannot slip past CONFIRM, the schema's
constraints, and a lockout that holds against parallel guesses.
"""

import threading
import time
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from peewee import IntegrityError

from core.errors import Conflict, NotAllowed, ValidationError
from tests.conftest import PASSWORD, make_user
from tests.store.test_contributions import OCT, TODAY, completed
from webapp.db import database
from webapp.models import Acknowledgement, LoginThrottle, Submission, SubmissionLine
from webapp.services import auth, bills, contributions, hashing

SETTINGS = {"LOCKOUT_THRESHOLD": 5, "LOCKOUT_BASE": timedelta(minutes=15)}
AFTER_DEADLINE = date(2026, 11, 22)  # October's deadline (15 November) has passed
BEFORE_DEADLINE = date(2026, 11, 10)


def run_together(*targets):
    """Start every target in its own thread with its own connection; returns the exceptions raised."""
    errors = []

    def wrap(target):
        try:
            with database.connection_context():
                target()
        except Exception as exc:  # collected for the test to assert on
            errors.append(exc)

    threads = [threading.Thread(target=wrap, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


# One bill per month and act ------------------------------------------------------------------------------

def test_a_month_confirmed_as_monthly_cannot_be_billed_again_as_arrears(setup):
    user, employer = setup
    with database.connection_context():
        draft = contributions.open_submission(employer, user, "combined", OCT, "monthly", BEFORE_DEADLINE)
        for line in contributions.lines(draft, 1, 50):
            contributions.update_line(draft, line.id, "active", D("2000.00"))
        contributions.complete(draft)
        contributions.confirm(draft, Submission.get_by_id(draft.id).confirm_token)
        assert all(month != OCT for month, _ in contributions.pending(employer, "combined", AFTER_DEADLINE))
        with pytest.raises(Conflict, match="SHORT CONTRIBUTION"):  # an old tab still offering Arrears
            contributions.open_submission(employer, user, "combined", OCT, "arrears", AFTER_DEADLINE)
        with pytest.raises(Conflict, match="SHORT CONTRIBUTION"):
            contributions.open_submission(employer, user, "socso", OCT, "arrears", AFTER_DEADLINE)
        assert Acknowledgement.select().where(Acknowledgement.status != "cancelled").count() == 2


def test_the_database_refuses_a_second_live_bill_whatever_the_type(setup):
    user, employer = setup
    with database.connection_context():
        draft, token = completed(employer, user, "socso", "2000.00")
        [acr] = contributions.confirm(draft, token)
        second = {**{f.name: getattr(acr, f.name) for f in Acknowledgement._meta.sorted_fields if f.name != "id"},
                  "number": "ACR112600099999", "type": "monthly" if acr.type == "arrears" else "arrears"}
        with pytest.raises(IntegrityError), database.atomic():
            Acknowledgement.create(**second)
        Acknowledgement.create(**{**second, "type": "short"})  # a SHORT top-up is the way to add to a month


def test_two_drafts_of_one_month_confirmed_from_two_tabs_give_one_bill(setup):
    """A Monthly draft opened before the deadline and the month opened again as Arrears after it are one
    draft; confirmed after the deadline it is one bill, of type Arrears."""
    user, employer = setup
    with database.connection_context():
        monthly = contributions.open_submission(employer, user, "combined", OCT, "monthly", BEFORE_DEADLINE)
        arrears = contributions.open_submission(employer, user, "combined", OCT, "arrears", AFTER_DEADLINE)
        assert arrears.id == monthly.id
        for line in contributions.lines(monthly, 1, 50):
            contributions.update_line(monthly, line.id, "active", D("1500.00"))
        contributions.complete(monthly)
        issued = contributions.confirm(monthly, Submission.get_by_id(monthly.id).confirm_token)
        assert {(a.kind, a.type) for a in issued} == {("ACR", "arrears"), ("ECR", "arrears")}


def test_only_one_open_draft_per_month_and_schemes_even_on_parallel_opens(setup):
    user, employer = setup
    with database.connection_context():
        before = Submission.select().count()
    drafts = []
    errors = run_together(*[lambda: drafts.append(contributions.open_submission(
        employer, user, "combined", OCT, "arrears", TODAY).id)] * 4)
    assert errors == [] and len(set(drafts)) == 1
    with database.connection_context():
        assert Submission.select().count() == before + 1
        row = Submission.get_by_id(drafts[0])
        copy = {f.name: getattr(row, f.name) for f in Submission._meta.sorted_fields if f.name != "id"}
        with pytest.raises(IntegrityError), database.atomic():
            Submission.create(**{**copy, "type": "monthly"})  # the index ignores Monthly/Arrears


# Nil returns ---------------------------------------------------------------------------------------------

def test_a_month_without_wages_is_a_nil_return_not_a_bill(setup):
    user, employer = setup
    with database.connection_context():
        draft = contributions.open_submission(employer, user, "combined", OCT, "monthly", TODAY)
        for line in contributions.lines(draft, 1, 50):
            contributions.update_line(draft, line.id, "no_wages", None)
        figures = contributions.complete(draft)
        assert figures.nil
        issued = contributions.confirm(draft, Submission.get_by_id(draft.id).confirm_token)
        assert {(a.kind, a.status, a.number, a.amount) for a in issued} == {("ACR", "nil", None, 0),
                                                                             ("ECR", "nil", None, 0)}
        assert all(month != OCT for month, _ in contributions.pending(employer, "combined", TODAY))
        assert not list(bills.acknowledgements(employer, status="unpaid"))
        assert len(list(bills.acknowledgements(employer, OCT))) == 2  # in the history
        short = contributions.open_submission(employer, user, "combined", OCT, "short", TODAY)  # wages found later
        assert short.type == "short"


def test_a_scheme_with_nothing_due_gets_a_nil_return_beside_the_other_bill(setup):
    """Only the foreign worker has wages: SOCSO is due (an ACR), EIS is not (nil, no ECR to pay)."""
    user, employer = setup
    with database.connection_context():
        draft = contributions.open_submission(employer, user, "combined", OCT, "monthly", TODAY)
        ali, eko = contributions.lines(draft, 1, 50)
        contributions.update_line(draft, ali.id, "no_wages", None)
        contributions.update_line(draft, eko.id, "active", D("2000.00"))
        contributions.complete(draft)
        issued = {a.kind: a for a in contributions.confirm(draft, Submission.get_by_id(draft.id).confirm_token)}
        assert issued["ACR"].status == "unpaid" and issued["ACR"].number.startswith("ACR")
        assert (issued["ECR"].status, issued["ECR"].number, issued["ECR"].employees) == ("nil", None, 0)


def test_each_acknowledgement_counts_its_own_employees(setup):
    user, employer = setup
    with database.connection_context():
        draft, token = completed(employer, user, "combined", "2000.00")
        issued = {a.kind: a.employees for a in contributions.confirm(draft, token)}
        assert issued == {"ACR": 2, "ECR": 1}  # the foreign worker pays SOCSO but not EIS


# The wage ceiling ----------------------------------------------------------------------------------------

def test_wages_above_the_ceiling_are_refused_and_those_below_fit_the_text_file(setup):
    user, employer = setup
    with database.connection_context():
        draft = contributions.open_submission(employer, user, "combined", OCT, "monthly", TODAY)
        line = contributions.lines(draft, 1, 50)[0]
        with pytest.raises(ValidationError, match="999,999.99"):
            contributions.update_line(draft, line.id, "active", D("1000000.00"))
        saved = contributions.update_line(draft, line.id, "active", D("999999.99"))
        assert saved.wages == 99_999_999 and len(str(saved.wages)) <= 14


# Edits cannot slip past CONFIRM --------------------------------------------------------------------------

def test_a_pencil_save_racing_confirm_never_reopens_the_submission(setup, monkeypatch):
    # Before the fix the "still a draft?" check ran before the amounts were computed, outside the lock, and
    # the save then set the confirmed submission back to draft with its ACR still live for the old amount.
    """The other tab's CONFIRM lands while this tab's pencil save is computing the new amounts."""
    user, employer = setup
    with database.connection_context():
        draft, token = completed(employer, user, "combined", "2000.00")
        line = contributions.lines(draft, 1, 50)[0]
        computing = contributions.rules.line_amounts

        def confirm_meanwhile(*args, **kwargs):
            assert not run_together(lambda: contributions.confirm(draft, token))
            return computing(*args, **kwargs)

        monkeypatch.setattr(contributions.rules, "line_amounts", confirm_meanwhile)
        with pytest.raises(NotAllowed, match="already submitted"):
            contributions.update_line(draft, line.id, "active", D("5000.00"))
        assert Submission.get_by_id(draft.id).status == "confirmed"
        acr = Acknowledgement.get((Acknowledgement.submission == draft.id) & (Acknowledgement.kind == "ACR"))
        assert SubmissionLine.get_by_id(line.id).wages == 200000  # the line still says what the ACR billed
        assert acr.amount == contributions.totals(draft).socso


def test_complete_pressed_in_other_tabs_while_confirm_lands_never_reopens_the_submission(setup):
    """COMPLETE is one locked transaction whose "still a draft?" check is the conditional UPDATE itself: it
    either runs before CONFIRM (which is then out of date: its summary no longer shows the latest figures) or
    is refused after it; never "complete" with a bill, never a bill for figures the summary did not show."""
    user, employer = setup
    with database.connection_context():
        draft, token = completed(employer, user, "combined", "2000.00")
    refused = []

    def press_complete():
        try:
            contributions.complete(draft)
        except NotAllowed:
            refused.append("complete")

    def press_confirm():
        try:
            contributions.confirm(draft, token)
        except Conflict:
            refused.append("confirm")

    assert run_together(press_complete, press_complete, press_confirm, press_complete, press_complete) == []
    with database.connection_context():
        status = Submission.get_by_id(draft.id).status
        bills = Acknowledgement.select().where(Acknowledgement.submission == draft.id).count()
        assert (status, bills) in (("confirmed", 2), ("complete", 0))
        if status == "confirmed":
            with pytest.raises(NotAllowed):
                contributions.complete(draft)


def test_pencil_saves_and_confirm_in_parallel_keep_the_bill_equal_to_its_lines(setup):
    user, employer = setup
    with database.connection_context():
        draft, token = completed(employer, user, "combined", "2000.00")
        line_ids = [line.id for line in contributions.lines(draft, 1, 50)]
    refused = []

    def save(wages):
        def target():
            try:
                contributions.update_line(draft, line_ids[0], "active", D(wages))
            except NotAllowed:
                refused.append(wages)
        return target

    def confirm():
        try:
            contributions.confirm(draft, token)
        except (NotAllowed, Conflict):  # a save got in first: back to draft, and the summary out of date
            refused.append("confirm")

    assert run_together(*[save(f"{3000 + n}.00") for n in range(6)], confirm) == []
    with database.connection_context():
        status = Submission.get_by_id(draft.id).status
        if status == "confirmed":
            bills = {a.kind: a.amount for a in Acknowledgement.select().where(Acknowledgement.submission == draft.id)}
            figures = contributions.totals(draft)
            assert bills == {"ACR": figures.socso, "ECR": figures.eis}
        else:  # a save got in before CONFIRM: it sent the submission back to draft and CONFIRM was refused
            assert status == "draft" and not Acknowledgement.select().exists()


# The schema ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("model", "column", "value"), [
    (Submission, "status", "sent"), (Submission, "type", "weekly"), (Submission, "medium", "FAX"),
    (SubmissionLine, "status", "fired"), (SubmissionLine, "socso_employer", -1), (SubmissionLine, "wages", -100),
    (Acknowledgement, "kind", "XCR"), (Acknowledgement, "status", "lost"), (Acknowledgement, "amount", -1),
])
def test_the_database_refuses_unknown_statuses_and_negative_amounts(setup, model, column, value):
    user, employer = setup
    with database.connection_context():
        draft, token = completed(employer, user, "combined", "2000.00")
        contributions.confirm(draft, token)
        row = model.select().first()
        with pytest.raises(IntegrityError), database.atomic():
            model.update({getattr(model, column): value}).where(model.id == row.id).execute()


def test_money_columns_hold_more_than_32_bits(setup):
    user, employer = setup
    with database.connection_context():
        draft, token = completed(employer, user, "combined", "2000.00")
        [acr, _] = contributions.confirm(draft, token)
        big = 3_000_000_000  # RM 30 million in sen: past a 32-bit integer
        Acknowledgement.update(amount=big).where(Acknowledgement.id == acr.id).execute()
        SubmissionLine.update(wages=big).where(SubmissionLine.submission == draft.id).execute()
        assert Acknowledgement.get_by_id(acr.id).amount == big
        assert {line.wages for line in SubmissionLine.select()} == {big}


# A lockout that holds ------------------------------------------------------------------------------------

def test_twenty_parallel_guesses_verify_at_most_five_and_the_lock_stands(app, monkeypatch):
    user = make_user("target@example.com")
    verified, verify = [], hashing.verify

    def slow_verify(stored, password):
        verified.append(password)
        time.sleep(0.1)  # every guess is in flight at once, as in a real burst
        return verify(stored, password)

    monkeypatch.setattr(hashing, "verify", slow_verify)
    outcomes = []

    def guess(password):
        def target():
            try:
                auth.authenticate(user.email, password, SETTINGS, kiosk=False)
                outcomes.append("in")
            except auth.LoginFailed as exc:
                outcomes.append(type(exc).__name__)
            except auth.AccountLocked:
                outcomes.append("locked")
        return target

    assert run_together(*[guess(f"wrong guess {n}") for n in range(20)]) == []
    wrong = [p for p in verified if p.startswith("wrong")]
    assert 1 <= len(wrong) <= 5 and "in" not in outcomes
    with database.connection_context():
        if len(wrong) == 5:  # every allowed guess was wrong: the account is locked, the right password too
            with pytest.raises(auth.AccountLocked):
                auth.authenticate(user.email, PASSWORD, SETTINGS, kiosk=False)
            assert LoginThrottle.get(LoginThrottle.email == user.email).locked_until is not None


def test_a_burst_with_the_right_password_among_the_guesses_never_gets_past_five_checks(app, monkeypatch):
    """Twelve at once, the right password among them (today: 9-10 wrong passwords checked, then the right one
    logs in and lifts the lock just set). Now five checks at most: either the right one is among them and
    four wrong ones cannot lock, or five wrong ones lock the account and the right one is never checked."""
    user = make_user("burst@example.com")
    verified, verify = [], hashing.verify

    def slow_verify(stored, password):
        verified.append(password)
        time.sleep(0.1)
        return verify(stored, password)

    monkeypatch.setattr(hashing, "verify", slow_verify)
    outcomes = []

    def attempt(password):
        def target():
            try:
                auth.authenticate(user.email, password, SETTINGS, kiosk=False)
                outcomes.append("in")
            except (auth.LoginFailed, auth.AccountLocked) as exc:
                outcomes.append(type(exc).__name__)
        return target

    passwords = [f"wrong {n}" for n in range(6)] + [PASSWORD] + [f"wrong {n}" for n in range(6, 11)]
    assert run_together(*[attempt(p) for p in passwords]) == []
    assert len(outcomes) == 12 and 1 <= len(verified) <= 5
    with database.connection_context():
        throttle = LoginThrottle.get(LoginThrottle.email == user.email)
        if "in" in outcomes:
            assert PASSWORD in verified and len(verified) - 1 <= 4 and throttle.locked_until is None
        else:
            assert PASSWORD not in verified and throttle.locked_until is not None
            with pytest.raises(auth.AccountLocked):
                auth.authenticate(user.email, PASSWORD, SETTINGS, kiosk=False)


def test_the_audit_trail_is_append_only_on_this_database(setup):
    from webapp.models import AuditEvent
    from webapp.services import audit

    user, employer = setup
    with database.connection_context():
        audit.record(user, "month.completed", employer=employer, subject="10/2026")
        with pytest.raises(IntegrityError), database.atomic():
            AuditEvent.update(subject="forged").execute()
        with pytest.raises(IntegrityError), database.atomic():
            AuditEvent.delete().execute()
        assert AuditEvent.get().subject == "10/2026"
