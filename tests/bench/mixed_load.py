"""Mixed load: 50, 100 and 200 virtual employers doing the real journey against `python -m webapp.serve`.

The server runs as a branch server would: waitress with its default settings, SQLite, the demo data of
`make run` and the production argon2 profile. The bench seeds one more employer account per virtual employer
(each with 25 employees and a draft of its own), so the virtual employers do not all edit one draft.
Figures are printed beside their budgets; nothing is asserted. `python -m tests.bench.mixed_load` runs it alone.
"""

import json
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from core.identifiers import crn_number, issue_employer_code
from core.periods import add_months
from tests.bench import row
from tests.conftest import app_config
from tests.support import ROOT, LiveServer, free_port
from webapp import create_app
from webapp.clock import malaysia_today, utcnow
from webapp.db import database
from webapp.models import (
    Employer,
    EmployerAccess,
    Employment,
    Person,
    RegistrationBatch,
    SubmissionLine,
    User,
)
from webapp.services import contributions, hashing

LEVELS = (50, 100, 200)
SECONDS = 30  # measured per level, after everyone has logged in once
EMPLOYEES = 25
PASSWORD = "Bench-Password-2026"
P95_BUDGET_MS = 1000  # at 100 virtual employers, with no errors


def seed_accounts(database_url: str, workdir: Path, count: int) -> list[dict]:
    """`count` employer accounts (one password hash shared), each with a registered employer, its employees
    and an open draft; returns what the virtual employers need: email, draft id, line ids."""
    create_app({**app_config(workdir / "seed", 25, database_url), "ARGON2_PROFILE": "RFC_9106_LOW_MEMORY"})
    password_hash, now, today = hashing.hash_password(PASSWORD), utcnow(), malaysia_today()
    month = add_months(today.replace(day=1), -3)
    accounts = []
    with database.connection_context():
        for n in range(count):
            with database.atomic():
                user = User.create(email=f"bench{n:03d}@bench.assist.test", name=f"Majikan Bench {n:03d}",
                                   role="employer", password_hash=password_hash, password_is_temporary=False,
                                   password_changed_at=now, terms_accepted_at=now)
                employer = Employer.create(
                    code=issue_employer_code("E", 700_000_000 + n), kind="business", name=f"SYARIKAT BENCH {n:03d}",
                    business_entity="COMPANY", sub_entity="SDN_BHD", registration_number=f"2024010{n:05d}",
                    industry="G", address="Jalan Bench", postcode="50400", state="W.P. Kuala Lumpur",
                    phone="0312345678", first_employment_date=date(2020, 1, 1), induction_venue="PERKESO",
                    status="registered", created_by=user, registered_at=now)
                EmployerAccess.create(user=user, employer=employer)
                batch = RegistrationBatch.create(crn=crn_number(date(2024, 1, 1), 50_000 + n), employer=employer,
                                                 kind="new_employer", status="submitted", created_by=user)
                for e in range(EMPLOYEES):
                    person = Person.create(id_type="NEW_IC", id_number=f"{900101140000 + n * 100 + e}",
                                           name=f"PEKERJA {n:03d}-{e:02d}", birth_date=date(1990, 1, 1), gender="M",
                                           first_insured_on=date(2020, 1, 1))
                    Employment.create(employer=employer, person=person, batch=batch, start_date=date(2020, 1, 1),
                                      status="active")
            draft = contributions.open_submission(employer, user, "combined", month, "arrears", today)
            lines = [line.id for line in SubmissionLine.select(SubmissionLine.id)
                     .where(SubmissionLine.submission == draft)]
            accounts.append({"email": user.email, "password": PASSWORD, "draft": draft.id, "lines": lines})
    return accounts


def run_level(url: str, users: int, accounts_file: Path) -> dict:
    result = subprocess.run([sys.executable, "-m", "tests.bench.journey", url, str(users), str(SECONDS),
                             str(accounts_file)], cwd=ROOT, capture_output=True, text=True, timeout=SECONDS + 300)
    if result.returncode != 0:
        raise RuntimeError(f"the load generator failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure(levels=LEVELS, server_env: dict | None = None) -> list[dict]:
    """Start the server, seed the accounts, run each level; returns the figures of each level."""
    with tempfile.TemporaryDirectory() as workdir:
        work = Path(workdir)
        server = LiveServer(work, smtp_port=free_port(), extra_env={
            "MAIL_WORKER": "0", "ARGON2_PROFILE": "RFC_9106_LOW_MEMORY", **(server_env or {})}).start()
        try:
            accounts = seed_accounts(server.env["DATABASE_URL"], work, max(levels))
            accounts_file = work / "accounts.json"
            accounts_file.write_text(json.dumps(accounts))
            return [run_level(server.url, users, accounts_file) for users in levels]
        finally:
            server.stop()


def report(results: list[dict]) -> None:
    """Print each level's figures beside the budgets (0 errors and p95 <= 1 s at 100 virtual employers)."""
    for figures in results:
        users = figures["users"]
        budgeted = users == 100
        row(f"Mixed load, {users} virtual employers: requests/s", f"{figures['rps']:,.0f} req/s",
            f"{figures['logins']} logins in {figures['seconds']:.0f} s")
        latency = f"{figures['p50_ms']:,.0f}/{figures['p95_ms']:,.0f}/{figures['p99_ms']:,.0f} ms"
        row("  p50 / p95 / p99", latency, f"budget p95 {P95_BUDGET_MS} ms" if budgeted else "",
            figures["p95_ms"] <= P95_BUDGET_MS if budgeted else None)
        row("  errors", str(figures["errors"]), "budget 0" if budgeted else "",
            figures["errors"] == 0 if budgeted else None)
        for kind, count in sorted(figures["error_kinds"].items(), key=lambda item: -item[1])[:3]:
            row(f"    {kind[:46]}", str(count), "")
        row("  logins told to retry in a few seconds (503)", str(figures["login_retries"]), "not errors: by design")
        row("  pages (all but the login steps): p95", f"{figures['pages_p95_ms']:,.0f} ms", "")
        row("  the password step (argon2): p95", f"{figures['login_p95_ms']:,.0f} ms", "")
        row("  a new visitor's login page: p50 / p95 / max",
            f"{figures['new_visitor_p50_ms']:,.0f}/{figures['new_visitor_p95_ms']:,.0f}/"
            f"{figures['new_visitor_max_ms']:,.0f} ms", f"{figures['new_visitor_errors']} failed")


def main() -> None:
    print("\nMixed load (waitress defaults, SQLite, production argon2; load generator on the same cores)\n")
    report(measure())
    print()


if __name__ == "__main__":
    main()
