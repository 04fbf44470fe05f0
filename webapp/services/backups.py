"""The backup set of a branch server: the SQLite database and the uploaded documents, and checking one.

A backup is a directory, written under a temporary name and renamed when complete (a half-written backup
never looks like a finished one):

    TARGET/assist.sqlite3     SQLite's online backup API copy, `PRAGMA integrity_check` ok, rollback-journal
                              mode (one self-contained file), mode 0600
    TARGET/uploads/<name>     every document the copied database points to, mode 0600 (directory 0700)

The documents are listed from the *copy*, after it is made: a file is written before the row that points
to it, so every row in the copy has its file already on disk.
"""

import hashlib
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from webapp.db import database
from webapp.models import StoredFile

DATABASE_NAME = "assist.sqlite3"
UPLOADS_NAME = "uploads"
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Document:
    """A stored document as the database records it."""

    stored_name: str
    original_name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Problem:
    document: Document
    what: str  # "missing" | "wrong sha256"

    def __str__(self) -> str:
        d = self.document
        return f"{self.what}: {d.stored_name} ({d.original_name}, {d.size} bytes, sha256 {d.sha256})"


@dataclass
class Report:
    """What a backup or a check found."""

    integrity: str = "ok"
    documents: int = 0
    problems: list[Problem] = field(default_factory=list)
    unreferenced: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.integrity == "ok" and not self.problems


def _private_file(path: Path):
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _documents_in(connection: sqlite3.Connection) -> list[Document]:
    table = StoredFile._meta.table_name
    rows = connection.execute(
        f'SELECT stored_name, original_name, size, sha256 FROM "{table}" ORDER BY id')  # noqa: S608 - our table
    return [Document(*row) for row in rows]


def _live_documents() -> list[Document]:
    return [Document(f.stored_name, f.original_name, f.size, f.sha256)
            for f in StoredFile.select().order_by(StoredFile.id)]


def compare(documents: Iterable[Document], folder: Path) -> Report:
    """Each document's file in `folder` exists and has the recorded sha256; files nobody points to are listed."""
    report = Report()
    known = set()
    for document in documents:
        report.documents += 1
        known.add(document.stored_name)
        path = folder / document.stored_name
        if not path.is_file():
            report.problems.append(Problem(document, "missing"))
        elif _sha256_of(path) != document.sha256:
            report.problems.append(Problem(document, "wrong sha256"))
    if folder.is_dir():
        report.unreferenced = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name not in known)
    return report


def write(target: Path, upload_dir: Path) -> Report:
    """Write the backup set of the live SQLite database and `upload_dir` to the new directory `target`.

    Documents whose live file is missing or damaged are reported (and not copied); the rest is written.
    """
    if target.exists():
        raise FileExistsError(f"{target} already exists: choose a new directory for each backup.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.parent / f".{target.name}.partial-{uuid.uuid4().hex[:8]}"
    partial.mkdir(mode=0o700)
    try:
        copy_path = partial / DATABASE_NAME
        _private_file(copy_path).close()
        copy = sqlite3.connect(copy_path)
        try:
            with database.connection_context():
                database.connection().backup(copy, pages=1024, sleep=0.05)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            integrity = copy.execute("PRAGMA integrity_check").fetchone()[0]
            documents = _documents_in(copy)
        finally:
            copy.close()
        report = _copy_documents(documents, upload_dir, partial / UPLOADS_NAME)
        report.integrity = integrity
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return report


def _copy_documents(documents: list[Document], source: Path, destination: Path) -> Report:
    destination.mkdir(mode=0o700)
    report = Report(documents=len(documents))
    for document in documents:
        origin = source / document.stored_name
        if not origin.is_file():
            report.problems.append(Problem(document, "missing"))
            continue
        digest = hashlib.sha256()
        with origin.open("rb") as fh, _private_file(destination / document.stored_name) as out:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != document.sha256:
            report.problems.append(Problem(document, "wrong sha256"))
    return report


def check(backup: Path) -> Report:
    """Check a backup directory: the database copy opens and passes its integrity check, every document it
    records is in uploads/ with the recorded sha256."""
    copy_path = backup / DATABASE_NAME
    if not copy_path.is_file():
        return Report(integrity=f"{copy_path} is missing")
    try:
        connection = sqlite3.connect(f"{copy_path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
            documents = _documents_in(connection)
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        return Report(integrity=f"{copy_path} cannot be read: {exc}")
    report = compare(documents, backup / UPLOADS_NAME)
    report.integrity = integrity
    return report


def check_live(upload_dir: Path) -> Report:
    """The same check on the running installation (any database): rows against UPLOAD_DIR."""
    with database.connection_context():
        documents = _live_documents()
    return compare(documents, upload_dir)
