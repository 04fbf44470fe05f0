"""The store: one Peewee DatabaseProxy, a connection per request, and the locking helper.

SQLite (the branch server's embedded store) runs in WAL mode with synchronous=FULL, so a confirmed payment
survives a power cut. PostgreSQL is used when DATABASE_URL names it.
"""

from contextlib import contextmanager

from peewee import DatabaseProxy, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect

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
        return connect(url, pragmas=SQLITE_PRAGMAS, timeout=BUSY_TIMEOUT_SECONDS)
    return connect(url)


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
