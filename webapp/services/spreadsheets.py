"""SALARY SPREADSHEET (issue 13): an uploaded CSV or XLSX becomes the wages of a draft.

The upload is read once (core.spreadsheet) and kept, as its cells, in a private file of the instance
folder under a random token until the employer puts it into the draft (or for an hour): choosing other
columns re-reads nothing. Nothing reaches the draft while a row is wrong.
"""

import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from core import spreadsheet
from core.errors import N_, NotFound, ValidationError
from core.money import sen
from webapp.db import locked
from webapp.models import Employer, Employment, Person, Submission, SubmissionLine
from webapp.services import audit, contributions, drafts

KEEP_SECONDS = 3600
TOKEN_LENGTH = 32


def _folder(instance_dir: str) -> Path:
    folder = Path(instance_dir) / "sheets"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _path(instance_dir: str, token: str) -> Path:
    if len(token) != TOKEN_LENGTH or not token.isascii() or not token.isalnum():
        raise NotFound(N_("This spreadsheet is no longer here: upload it again."))
    return _folder(instance_dir) / f"{token}.json"


def keep(data: bytes, filename: str, instance_dir: str) -> tuple[str, spreadsheet.Sheet]:
    """Read an upload and keep its cells for the next steps; returns (token, sheet)."""
    sheet = spreadsheet.read(data, filename)
    folder = _folder(instance_dir)
    for old in folder.glob("*.json"):  # forget what was never put into a draft
        if old.stat().st_mtime < time.time() - KEEP_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(TOKEN_LENGTH // 2)
    descriptor = os.open(folder / f"{token}.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        json.dump({"headings": sheet.headings, "rows": sheet.rows}, out)
    return token, sheet


def kept(token: str, instance_dir: str) -> spreadsheet.Sheet:
    try:
        stored = json.loads(_path(instance_dir, token).read_text())
    except (OSError, ValueError):
        raise NotFound(N_("This spreadsheet is no longer here: upload it again.")) from None
    return spreadsheet.Sheet(stored["headings"], [(n, cells) for n, cells in stored["rows"]])


def default_columns(employer: Employer, sheet: spreadsheet.Sheet) -> tuple[int, int]:
    """The identification-number and wages columns to offer: last upload's (by heading), else guessed."""
    return spreadsheet.guess_columns(sheet.headings, (employer.sheet_id_column, employer.sheet_wages_column))


@dataclass(frozen=True)
class Preview:
    sheet: spreadsheet.Sheet
    id_column: int
    wage_column: int
    matched: list  # (Matched, employment)
    problems: list
    not_listed: int  # employees of the month the spreadsheet does not list (they keep what the draft has)


def preview(submission: Submission, sheet: spreadsheet.Sheet, id_column: int, wage_column: int) -> Preview:
    """Every row matched to an employee of the month or explained."""
    width = len(sheet.headings)
    if not (0 <= id_column < width and 0 <= wage_column < width) or id_column == wage_column:
        raise ValidationError(N_("Choose two different columns."), field="columns")
    working = {e.person.id_number: e for e in drafts.employments_in(submission.employer_id, submission.month)}
    left = {number for (number,) in Employment.select(Person.id_number).join(Person).where(
        (Employment.employer == submission.employer_id) & (Employment.status != "pending")).tuples()} - set(working)
    matched, problems = spreadsheet.match(sheet, id_column, wage_column, set(working), left)
    pairs = [(m, working[m.id_number]) for m in matched]
    return Preview(sheet, id_column, wage_column, pairs, problems, len(working) - len(pairs))


def apply(submission: Submission, token: str, id_column: int, wage_column: int, instance_dir: str,
          by=None) -> int:
    """Put a clean spreadsheet into the draft (one locked transaction); remembers the columns chosen."""
    shown = preview(submission, kept(token, instance_dir), id_column, wage_column)
    if shown.problems:
        raise ValidationError(N_("Correct the spreadsheet first: nothing is saved while a row is wrong."))
    with locked():
        contributions.claim_draft(submission)
        drafts.follow(submission)  # an employee registered since the draft was shown gets a line first
        lines = {line.employment_id: line.id for line in SubmissionLine.select(
            SubmissionLine.id, SubmissionLine.employment).where(SubmissionLine.submission == submission)}
        for row, employment in shown.matched:
            wages = sen(row.wages)
            status = "no_wages" if wages == 0 else drafts.line_status(employment, submission.month)
            shares = drafts.amounts_for(submission, employment, wages or None)
            SubmissionLine.update(wages=None if wages == 0 else wages, status=status, carried_accepted=False,
                                  **shares).where(SubmissionLine.id == lines[employment.id]).execute()
        audit.record(by, "month.spreadsheet", employer=submission.employer_id, submission=submission,
                     subject=submission.month.strftime("%m/%Y"), details={"salaries": len(shown.matched)})
        Employer.update(sheet_id_column=shown.sheet.headings[id_column][:100],
                        sheet_wages_column=shown.sheet.headings[wage_column][:100]).where(
            Employer.id == submission.employer_id).execute()
    _path(instance_dir, token).unlink(missing_ok=True)
    return len(shown.matched)
