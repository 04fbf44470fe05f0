"""A team behind each employer (issue 13): invitations, roles enforced on every route, removal, the audit
trail."""

import re

import pytest
from peewee import IntegrityError

from tests.conftest import PASSWORD, make_user
from tests.support import csrf_token, login
from tests.web.test_contributions import confirmed_month, edit, open_month
from tests.web.test_registration import post, registered
from webapp.db import database
from webapp.models import AuditEvent, AuthSession, EmployerAccess, Invitation, Submission, SubmissionLine, User

LINK = re.compile(r"(/team/accept/[A-Za-z0-9_-]+)")


def invite(admin, email, role):
    response = post(admin, "/team/invite", {"email": email, "role": role})
    assert response.status_code == 303, response.get_data(as_text=True)[-1500:]


def accept_as_new(app, smtp, email, name="Kerani Baru"):
    [mail] = [m for m in smtp.wait_for(email)][-1:]
    path = LINK.search(mail.get_content()).group(1)
    newcomer = app.test_client()
    token = csrf_token(newcomer, path)
    response = newcomer.post(path, data={"csrf_token": token, "name": name, "password": "a long new password 42",
                                         "confirm": "a long new password 42"})
    assert response.status_code == 303 and response.headers["Location"] == "/employer/terms"
    newcomer.post("/employer/terms", data={"csrf_token": csrf_token(newcomer, "/employer/terms")})
    return newcomer


@pytest.fixture
def admin(app, employer):
    client = app.test_client()
    login(client, employer.email, PASSWORD)
    registered(client)
    return client


def test_an_invited_clerk_enters_salaries_but_cannot_confirm_and_an_approver_can(app, admin, smtp, runner):
    invite(admin, "clerk@syarikat.com.my", "clerk")
    invite(admin, "approver@syarikat.com.my", "approver")
    runner.invoke(args=["deliver-mail"])
    clerk = accept_as_new(app, smtp, "clerk@syarikat.com.my")
    approver = accept_as_new(app, smtp, "approver@syarikat.com.my", "Pelulus")
    assert {a.role for a in EmployerAccess.select()} == {"administrator", "clerk", "approver"}

    submission_id = open_month(clerk, "2024-10")
    for line in SubmissionLine.select().where(SubmissionLine.submission == submission_id):
        assert edit(clerk, submission_id, line.id, "2000").status_code == 200
    assert post(clerk, f"/contribution/s/{submission_id}/complete", {}).status_code == 303
    token = Submission.get_by_id(submission_id).confirm_token
    refused = post(clerk, f"/contribution/s/{submission_id}/confirm", {"token": token})
    assert refused.status_code == 403 and "does not allow" in refused.get_data(as_text=True)
    assert clerk.get("/team/").status_code == 403 and approver.get("/team/").status_code == 403
    confirmed = post(approver, f"/contribution/s/{submission_id}/confirm", {"token": token})
    assert confirmed.headers["Location"].endswith("/acknowledgement")
    trail = admin.get(f"/contribution/s/{submission_id}/audit").get_data(as_text=True)
    assert "Kerani Baru" in trail and "RM 2,000.00" in trail and "CONFIRM: ACR/ECR issued" in trail
    assert "Pelulus" in trail


def test_roles_are_enforced_on_every_change_and_every_team_page(app, admin):
    """The route map walked as a clerk and as an approver, like the tenancy test walks it for employers."""
    submission_id = confirmed_month(admin)
    employer_id = EmployerAccess.get().employer_id
    for role in ("clerk", "approver"):
        member = make_user(f"{role}@example.com")
        EmployerAccess.create(user=member, employer=employer_id, role=role)
        browser = app.test_client()
        login(browser, member.email, PASSWORD)
        token = csrf_token(browser, "/employer/dashboard")
        refused, allowed = [], []
        for rule in app.url_map.iter_rules():
            prefix = rule.rule.split("/")[1]
            if prefix not in ("contribution", "employees", "payment", "team", "registration") or "accept" in rule.rule:
                continue
            url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: {"submission_id": str(submission_id)}.get(m.group(1), "1"),
                         rule.rule).replace("any(combined, socso, eis)", "combined")
            for method in rule.methods & {"POST"}:
                status = browser.open(url, method=method, data={"csrf_token": token}).status_code
                (refused if status == 403 else allowed).append((rule.endpoint, status))
        refused_endpoints = {endpoint for endpoint, _ in refused}
        assert "team.invite" in refused_endpoints and "team.remove" in refused_endpoints
        if role == "clerk":
            assert {"contributions.confirm", "payment.cancel", "employees.terminate"} <= refused_endpoints
            assert not {"contributions.complete", "contributions.line"} & refused_endpoints
        else:
            assert "contributions.confirm" not in refused_endpoints
        assert len(refused) + len(allowed) >= 15


def test_removing_a_member_ends_their_sessions_and_the_last_administrator_stays(app, admin, employer):
    member = make_user("leaving@example.com")
    EmployerAccess.create(user=member, employer=EmployerAccess.get().employer_id, role="approver")
    browser = app.test_client()
    login(browser, member.email, PASSWORD)
    assert browser.get("/contribution/").status_code == 200
    removed = post(admin, f"/team/members/{member.id}/remove", {})
    assert removed.status_code == 303
    assert AuthSession.select().where((AuthSession.user == member.id) & AuthSession.revoked_at.is_null()).count() == 0
    assert browser.get("/contribution/").status_code == 303  # logged out
    refused = post(admin, f"/team/members/{employer.id}/role", {"role": "clerk"})
    assert "at least one administrator" in admin.get(refused.headers["Location"]).get_data(as_text=True)
    assert EmployerAccess.get(EmployerAccess.user == employer.id).role == "administrator"


def test_an_invitation_works_once_and_for_the_account_it_was_sent_to(app, admin, smtp, runner):
    invite(admin, "someone@example.com", "clerk")
    runner.invoke(args=["deliver-mail"])
    accept_as_new(app, smtp, "someone@example.com")
    [mail] = smtp.wait_for("someone@example.com")
    again = app.test_client().get(LINK.search(mail.get_content()).group(1))
    assert again.status_code == 404 and "expired or was already used" in again.get_data(as_text=True)
    assert Invitation.get().used_at is not None and "a long new" not in Invitation.get().token_hash


def test_the_audit_trail_cannot_be_changed(app, admin):
    confirmed_month(admin)
    with database.connection_context():
        assert AuditEvent.select().count() >= 3
        with pytest.raises(IntegrityError), database.atomic():
            AuditEvent.update(action="forged").execute()
        with pytest.raises(IntegrityError), database.atomic():
            AuditEvent.delete().execute()


def test_officers_read_an_employers_audit_trail(app, admin, officer):
    confirmed_month(admin)
    browser = app.test_client()
    login(browser, officer.email, PASSWORD)
    page = browser.get(f"/officer/employers/{EmployerAccess.get().employer_id}/audit")
    assert page.status_code == 200 and "COMPLETE" in page.get_data(as_text=True)
    assert User.select().count() >= 2


def test_a_clerk_sees_what_is_due_but_is_not_offered_paying_or_cancelling(app, admin):
    confirmed_month(admin)
    employer_id = EmployerAccess.get().employer_id
    clerk = make_user("clerk@example.com")
    EmployerAccess.create(user=clerk, employer=employer_id, role="clerk")
    browser = app.test_client()
    login(browser, clerk.email, PASSWORD)
    page = browser.get("/payment/").get_data(as_text=True)
    assert 'id="payer-needed"' in page and "ADD TO CART" not in page and "Cancel" not in page
    own = admin.get("/payment/").get_data(as_text=True)
    assert "ADD TO CART" in own and 'id="payer-needed"' not in own
