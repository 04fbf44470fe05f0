"""The branch administrator's commands."""

import re

from tests.support import login
from webapp.eft_models import EftRegistration
from webapp.models import Acknowledgement, Employer, Outbox, User
from webapp.services import outbox


def test_create_officer_prints_a_temporary_password_that_must_be_changed(runner, client):
    result = runner.invoke(args=["create-officer", "New.Officer@perkeso.gov.my", "--name", "Aminah"])
    assert result.exit_code == 0, result.output
    password = re.search(r"shown once\): (\S+)", result.output).group(1)
    officer = User.get(User.email == "new.officer@perkeso.gov.my")
    assert officer.role == "officer" and officer.password_is_temporary
    login(client, officer.email, password)
    assert client.get("/officer/").headers["Location"] == "/employer/change-password"
    again = runner.invoke(args=["create-officer", "new.officer@perkeso.gov.my"])
    assert again.exit_code != 0 and "already has a portal account" in again.output


def test_seed_demo_is_idempotent(runner, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "a demo password for tests")
    for _ in range(2):
        assert runner.invoke(args=["seed-demo"]).exit_code == 0
    users = {u.email: u for u in User.select()}
    assert set(users) == {"employer@demo.assist.test", "employer2@demo.assist.test", "officer@demo.assist.test",
                          "clerk@demo.assist.test", "approver@demo.assist.test",  # the demo employer's team
                          "teller@demo.assist.test",  # a bank teller (issue 12)
                          "officer2@demo.assist.test"}  # EFT maker-checker
    assert users["teller@demo.assist.test"].role == "teller"
    assert Employer.select().where(Employer.status == "registered").count() == 2
    demo = Employer.get(Employer.registration_number == "201901000005")
    assert demo.employments.count() == 25
    assert sorted(a.kind for a in Acknowledgement.select()) == ["ACR", "ECR"]  # an unpaid month to show
    assert [r.scheme for r in EftRegistration.select().where(EftRegistration.employer == demo)] == ["socso"]
    assert not users["employer@demo.assist.test"].password_is_temporary
    assert users["employer@demo.assist.test"].terms_accepted_at is not None


def test_migrate_twice_changes_nothing(runner):
    assert "up to date" in runner.invoke(args=["migrate"]).output


def test_deliver_mail_sends_the_outbox(runner, smtp, app):
    with app.app_context():
        outbox.enqueue("someone@example.com", "Hello", "Body text")
    result = runner.invoke(args=["deliver-mail"])
    assert "Sent 1 message" in result.output
    assert smtp.wait_for("someone@example.com")[0]["Subject"] == "Hello"
    assert Outbox.get().status == "sent"


def test_clean_uploads_lists_then_deletes_files_no_record_points_to(runner, app):
    from pathlib import Path

    directory = Path(app.config["UPLOAD_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    orphan = directory / "0123456789abcdef0123456789abcdef"
    orphan.write_bytes(b"%PDF-1.4 left by a rolled-back transaction")
    assert "orphan: " in runner.invoke(args=["clean-uploads"]).output and orphan.exists()
    assert "deleted: " in runner.invoke(args=["clean-uploads", "--delete"]).output and not orphan.exists()
