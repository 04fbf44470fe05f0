"""The store: one Peewee DatabaseProxy, a connection per request, and the locking helper.

SQLite (the branch server's embedded store) runs in WAL mode with synchronous=FULL, so a confirmed payment
survives a power cut. PostgreSQL is used when DATABASE_URL names it.
"""

import logging
import os
from contextlib import contextmanager, suppress
from pathlib import Path

from peewee import DatabaseProxy, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect, parse

log = logging.getLogger("assist.db")

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": 2,  # FULL
    "cache_size": -16000,
}
BUSY_TIMEOUT_SECONDS = 5


def open_database(url: str):
    """Create (without connecting) the database named by a DATABASE_URL."""
    if url.startswith("sqlite"):
        make_private(parse(url)["database"])
        return connect(url, pragmas=SQLITE_PRAGMAS, timeout=BUSY_TIMEOUT_SECONDS)
    return connect(url)


def make_private(path: str) -> None:
    """The SQLite file readable by the portal's user only (0600), created so if it does not exist yet.

    SQLite gives its -wal and -shm files the mode of the database file, so they are 0600 too; files left
    0644 by an older version are tightened here (and their -wal/-shm with them).
    """
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    database_file = Path(path)
    if not database_file.exists():
        database_file.parent.mkdir(parents=True, exist_ok=True)
        with suppress(FileExistsError):  # another process created it meanwhile: tightened below
            os.close(os.open(database_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for candidate in (database_file, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            if candidate.exists() and candidate.stat().st_mode & 0o077:
                candidate.chmod(0o600)
        except PermissionError:
            log.warning("cannot make %s private (owned by another user): chmod 600 it", candidate)


def init_app(app) -> None:
    """Bind the proxy to the configured database; a request connects at its first query, closes at the end.

    Peewee's autoconnect opens the connection lazily, so pages that read nothing (the login page of an
    anonymous visitor) cost no connection at all; teardown closes whatever was opened.
    """
    db = open_database(app.config["DATABASE_URL"])
    database.initialize(db)

    @app.teardown_appcontext
    def _close(exc):
        if not database.is_closed():
            database.close()


def is_sqlite() -> bool:
    return isinstance(database.obj, SqliteDatabase)


def is_postgres() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)


@contextmanager
def locked():
    """A write transaction that reads first without racing another writer.

    SQLite: BEGIN IMMEDIATE takes the write lock up front (a deferred transaction that read first gets
    SQLITE_BUSY at once when it tries to write, whatever the busy timeout). PostgreSQL: a plain transaction;
    callers lock the rows they read with `for_update(query)`.
    """
    if is_sqlite():
        with database.atomic("IMMEDIATE") as txn:
            yield txn
    else:
        with database.atomic() as txn:
            yield txn


def for_update(query):
    """Add FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transaction already holds the write lock."""
    return query if is_sqlite() else query.for_update()
