"""The store: one Peewee DatabaseProxy, a (pooled) connection per request, and the locking helper.

SQLite (the branch server's embedded store) runs in WAL mode with synchronous=FULL, so a confirmed payment
survives a power cut. PostgreSQL is used when DATABASE_URL names it.
"""

import inspect
import logging
import os
import weakref
from contextlib import contextmanager, suppress
from pathlib import Path

from peewee import DatabaseProxy, PostgresqlDatabase, SqliteDatabase, Value
from playhouse.db_url import connect, parse
from playhouse.pool import PooledSqliteDatabase

log = logging.getLogger("assist.db")

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": 2,  # FULL
    "cache_size": -16000,
    "busy_timeout": 5000,  # ms: a writer waits this long for another writer's lock
}


def open_database(url: str):
    """Create (without connecting) the database named by a DATABASE_URL.

    SQLite connections are pooled (one per thread at a time, kept open between requests): opening one per
    request re-read the schema, emptied the page cache and, when the last connection closed, checkpointed
    and deleted the WAL with an fsync, about half a millisecond of every request. The file is private (0600).
    """
    if url.startswith("sqlite:///"):
        options = parse(url)
        make_private(options["database"])
        return PooledSqliteDatabase(options.pop("database"), max_connections=None, pragmas=SQLITE_PRAGMAS,
                                    check_same_thread=False, **options)
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
    anonymous visitor) cost no connection at all; teardown closes whatever was opened (a pooled SQLite
    connection goes back to the pool, any transaction left open rolled back).
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


class _Slot:
    """Stands for the n-th argument of a prepared query while peewee builds its SQL."""

    def __init__(self, index: int):
        self.index = index


# What a peewee cursor wrapper keeps of one run; the rest it works out from the first row's columns (which
# fields, which converters, which joined models), the same for every run of the same SQL, and for a model
# of twenty columns that costs more than SQLite's own work. Prepared works it out once.
_ONE_RUN = frozenset(("cursor", "count", "index", "populated", "row_cache"))


def _constants_written_in(sql: str, params: list) -> tuple[str, list]:
    """On SQLite, the query's own constants (a status such as 'registered', a LIMIT) written into its SQL.

    SQLite prepares a statement again at every run when a bound value could change its plan (a status
    compared where a partial index has a WHERE on it), which made a one-row query four times slower. Only
    the build's constants are written in, never an argument (`_Slot`); only plain str and int.
    """
    if not is_sqlite():
        return sql, params
    pieces = sql.split("?")
    if len(pieces) != len(params) + 1:  # a "?" that is not a parameter: leave the SQL as peewee wrote it
        return sql, params
    text, kept = [pieces[0]], []
    for param, piece in zip(params, pieces[1:], strict=True):
        if type(param) is str:
            text.append("'" + param.replace("'", "''") + "'")
        elif type(param) is int:
            text.append(str(param) if param >= 0 else f"({param})")  # never "--", which starts an SQL comment
        else:
            text.append("?")
            kept.append(param)
        text.append(piece)
    return "".join(text), kept


class Prepared:
    """A SELECT whose SQL peewee builds once per database; each call only binds new parameters.

    Building the SQL of a query over wide models costs peewee 0.2-0.4 ms, several times running it on
    SQLite, and every logged-in request runs a few (the session, the employer, the page's rows). `build`
    receives one placeholder (a peewee `Value`) per argument, to put where the argument goes, and returns a
    peewee query whose SQL does not depend on the argument values (no None, no IN lists). Arguments are
    passed to the driver as they are: ids, strings, limits. Rows come back exactly as the built query would
    give them (models with their joins, tuples, `.objects()`).
    """

    def __init__(self, build):
        self.build = build
        self.arity = sum(p.default is p.empty for p in inspect.signature(build).parameters.values())
        self.plans = weakref.WeakKeyDictionary()  # database -> (query, sql, params with placeholders)
        self.layouts = weakref.WeakKeyDictionary()  # database -> what peewee worked out from the first rows

    def __call__(self, *args) -> list:
        if len(args) != self.arity:
            raise TypeError(f"expected {self.arity} arguments, got {len(args)}")
        plan = self.plans.get(database.obj)
        if plan is None:
            query = self.build(*(Value(_Slot(n), converter=False) for n in range(self.arity)))
            plan = self.plans[database.obj] = (query, *_constants_written_in(*query.sql()))
        query, sql, params = plan
        cursor = database.execute_sql(sql, [args[p.index] if isinstance(p, _Slot) else p for p in params])
        rows = query._get_cursor_wrapper(cursor)  # noqa: SLF001 - how peewee itself reads a query's rows
        layout = self.layouts.get(database.obj)
        if layout is not None:
            rows.__dict__.update(layout)
        found = list(rows)
        if layout is None and rows.initialized:
            self.layouts[database.obj] = {k: v for k, v in rows.__dict__.items() if k not in _ONE_RUN}
        return found

    def first(self, *args):
        """The first row for `args`, or None."""
        rows = self(*args)
        return rows[0] if rows else None
