"""Commands for the branch administrator: `flask --app wsgi <command>`."""

import json
import os
from pathlib import Path

import click
from playhouse.migrations import Runner

from webapp import demo, fpx_gateway, mailer, reconciler, reminder_worker
from webapp.clock import malaysia_today, utcnow
from webapp.config import ROOT
from webapp.db import database, is_sqlite
from webapp.models import LoginThrottle, User
from webapp.services import auth, backups, hashing, tellers, uploads

MIGRATIONS = ROOT / "migrations"
DEMO_EMPLOYER = "employer@demo.assist.test"
DEMO_OFFICER = "officer@demo.assist.test"
DEMO_SECOND_EMPLOYER = "employer2@demo.assist.test"
DEMO_CLERK = "clerk@demo.assist.test"  # the demo employer's team (issue 13)
DEMO_APPROVER = "approver@demo.assist.test"
DEMO_TELLER = "teller@demo.assist.test"  # a bank teller at the counter (issue 12)
DEMO_SECOND_OFFICER = "officer2@demo.assist.test"  # EFT maker-checker: a second officer (issue 12)


def apply_migrations() -> list[str]:
    """Apply every pending migration in migrations/; returns the names applied."""
    with database.connection_context():
        return Runner(database, directory=str(MIGRATIONS)).up()


def seed_demo(password: str, settings) -> None:
    """The demo accounts, active with `password` and unlocked, and their employers (idempotent)."""
    now = utcnow()
    with database.connection_context(), database.atomic():
        for email, name, role in ((DEMO_OFFICER, "Pegawai Demo", "officer"),
                                  (DEMO_EMPLOYER, "Majikan Demo", "employer"),
                                  (DEMO_SECOND_EMPLOYER, "Majikan Kedua", "employer"),
                                  (DEMO_CLERK, "Kerani Demo", "employer"), (DEMO_APPROVER, "Pelulus Demo", "employer"),
                                  (DEMO_SECOND_OFFICER, "Pegawai Kedua", "officer")):
            user = User.get_or_none(User.email == email) or User(email=email, name=name, role=role)
            if not user.id or not hashing.verify(user.password_hash, password):
                user.password_hash = hashing.hash_password(password)
            user.password_is_temporary = False
            user.temp_password_expires_at = None
            user.password_changed_at = user.password_changed_at or now
            user.terms_accepted_at = user.terms_accepted_at or now
            user.is_active = True
            user.save()
            LoginThrottle.delete().where(LoginThrottle.email == email).execute()
        demo.seed_employers(settings, malaysia_today())
        demo.seed_team({DEMO_CLERK: "clerk", DEMO_APPROVER: "approver"})
        tellers.ensure_demo(DEMO_TELLER, "Juruwang Demo", password)
        demo.seed_eft(DEMO_EMPLOYER)
        demo.seed_mandate(malaysia_today())  # an approved SOCSO direct-debit mandate (issue 12)


def init_app(app) -> None:
    @app.cli.command("migrate")
    def migrate_command():
        """Apply pending database migrations."""
        applied = apply_migrations()
        click.echo("Applied: " + ", ".join(applied) if applied else "Database is up to date.")

    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Create the demo officer and employer (password from DEMO_PASSWORD)."""
        password = os.environ.get("DEMO_PASSWORD", "Demo-Password-2026")
        seed_demo(password, app.config)
        click.echo(f"Demo logins ready: {DEMO_EMPLOYER} (its team: {DEMO_CLERK}, {DEMO_APPROVER}), "
                   f"{DEMO_SECOND_EMPLOYER}, {DEMO_OFFICER} and {DEMO_SECOND_OFFICER} (password from DEMO_PASSWORD).")
        click.echo(f"Bank teller: {DEMO_TELLER} (the bank counter at /counter/).")

    @app.cli.command("demo-mandates")
    def demo_mandates_command():
        """Print the demo employer's approved mandate for `python -m fpxsim add-mandates` (JSON lines)."""
        with database.connection_context():
            for entry in demo.mandates_for_simulator():
                click.echo(json.dumps(entry))

    @app.cli.command("create-officer")
    @click.argument("email")
    @click.option("--name", default="PERKESO Officer", help="The officer's name as shown in the back office.")
    def create_officer_command(email, name):
        """Create an officer with a temporary password, printed once here."""
        email = auth.normalize_email(email)
        with database.connection_context(), database.atomic():
            if User.select().where(User.email == email).exists():
                raise click.ClickException(f"{email} already has a portal account.")
            user = User(email=email, name=name, role="officer")
            password = auth.issue_temporary_password(user, app.config)
            user.save()
        click.echo(f"Officer {email} created. Temporary password (shown once): {password}")

    @app.cli.command("send-reminders")
    @click.option("--loop", is_flag=True, help="Keep running (a service beside gunicorn; then REMINDER_WORKER=0).")
    def send_reminders_command(loop):
        """Queue the deadline and unpaid reminders due today (never twice for one month and reason)."""
        if loop:
            reminder_worker.start(app.config).join()
        click.echo(f"Queued {reminder_worker.run_once(app.config)} reminder(s).")

    @app.cli.command("deliver-mail")
    @click.option("--loop", is_flag=True, help="Keep delivering (run as a service beside gunicorn).")
    def deliver_mail_command(loop):
        """Send the queued emails (with retries)."""
        if loop:
            mailer.start_worker(app.config).join()
        click.echo(f"Sent {mailer.deliver_once(app.config)} message(s).")

    @app.cli.command("reconcile-payments")
    @click.option("--loop", is_flag=True, help="Keep reconciling (a service beside gunicorn; set PAYMENT_WORKER=0).")
    @click.option("--all", "everything", is_flag=True, help="Ask about every payment without a final answer now.")
    def reconcile_payments_command(loop, everything):
        """Ask FPX (AE) about payments without a final answer, on their back-off schedule."""
        if fpx_gateway.from_config(app.config) is None:
            raise click.ClickException("FPX is not configured (FPX_URL, FPX_SELLER_ID, FPX_EXCHANGE_ID).")
        if loop:
            reconciler.start_worker(app.config).join()
        summary = reconciler.run_once(app.config, everything)
        answers = ", ".join(f"{status} {count}" for status, count in sorted(summary.answers.items())) or "none"
        click.echo(f"Asked FPX about {summary.checked} payment(s): {answers}; {summary.errors} without an answer.")

    @app.cli.command("clean-uploads")
    @click.option("--delete", is_flag=True, help="Delete them (otherwise only list them).")
    def clean_uploads_command(delete):
        """List (or delete) uploaded files no record points to, left by interrupted transactions."""
        with database.connection_context():
            found = uploads.orphans(app.config["UPLOAD_DIR"])
        for path in found:
            click.echo(f"{'deleted' if delete else 'orphan'}: {path}")
            if delete:
                path.unlink()
        click.echo(f"{len(found)} orphan file(s).")

    @app.cli.command("backup")
    @click.argument("target", type=click.Path(file_okay=False))
    def backup_command(target):
        """Write the backup set (database + uploaded documents) to the new directory TARGET."""
        if not is_sqlite():
            raise click.ClickException("backup is for SQLite; use pg_dump for PostgreSQL (and copy UPLOAD_DIR).")
        try:
            report = backups.write(Path(target), Path(app.config["UPLOAD_DIR"]))
        except FileExistsError as exc:
            raise click.ClickException(str(exc)) from None
        if report.integrity != "ok":
            raise click.ClickException(f"The copy failed its integrity check: {report.integrity}")
        click.echo(f"Backup written to {target}: database (integrity check ok) and {report.documents} document(s).")
        _fail_on_problems(report, "The live upload folder lacks")

    @app.cli.command("restore-check")
    @click.argument("backup", required=False, type=click.Path(file_okay=False, exists=True))
    def restore_check_command(backup):
        """Check a backup directory (or, without BACKUP, the live database and UPLOAD_DIR) for missing files."""
        report = backups.check(Path(backup)) if backup else backups.check_live(Path(app.config["UPLOAD_DIR"]))
        where = backup or app.config["UPLOAD_DIR"]
        if report.integrity != "ok":
            raise click.ClickException(f"The database of {where} failed its check: {report.integrity}")
        for name in report.unreferenced:
            click.echo(f"not referenced (harmless): {name}")
        click.echo(f"{report.documents} document(s) recorded, {report.documents - len(report.problems)} present "
                   "with the recorded sha256.")
        _fail_on_problems(report, f"{where} lacks")


def _fail_on_problems(report, heading: str) -> None:
    if report.problems:
        for problem in report.problems:
            click.echo(str(problem))
        raise click.ClickException(f"{heading} {len(report.problems)} document(s) listed above.")
