"""The store: migrations match the models, connection settings, the locking helper, running numbers."""

import threading

import pytest
from peewee import SqliteDatabase
from playhouse.migrations import Runner

from webapp.cli import MIGRATIONS
from webapp.db import database, is_sqlite, open_database
from webapp.models import ALL_MODELS
from webapp.services import counters


def describe(db, schema=None) -> dict:
    """Tables, columns (name, type, nullability, primary key), indexes and foreign keys of a database."""
    found = {}
    for table in sorted(t for t in db.get_tables(schema=schema) if t != "schema_migration"):
        columns = sorted((c.name, c.data_type.lower(), c.null, c.primary_key)
                         for c in db.get_columns(table, schema=schema))
        indexes = sorted((tuple(i.columns), i.unique) for i in db.get_indexes(table, schema=schema))
        keys = sorted((f.column, f.dest_table, f.dest_column) for f in db.get_foreign_keys(table, schema=schema))
        found[table] = (columns, indexes, keys)
    return found


def test_migrations_build_exactly_the_schema_of_the_models(app, tmp_path):
    """No drift: an empty database migrated step by step equals one created from the models."""
    if is_sqlite():
        migrated = SqliteDatabase(str(tmp_path / "migrated.sqlite3"))
        from_models = SqliteDatabase(str(tmp_path / "models.sqlite3"))
    else:
        # On PostgreSQL: the session database is the migrated one; build the models' copy in a schema.
        migrated = database.obj
        from_models = open_database(app.config["DATABASE_URL"])
        from_models.connect()
        from_models.execute_sql("DROP SCHEMA IF EXISTS models_copy CASCADE")
        from_models.execute_sql("CREATE SCHEMA models_copy")
        from_models.execute_sql("SET search_path TO models_copy")
    if is_sqlite():
        with migrated.connection_context():
            Runner(migrated, directory=str(MIGRATIONS)).up()
            expected_tables = describe(migrated)
    else:
        with database.connection_context():
            expected_tables = describe(migrated, "public")
    with from_models.bind_ctx(ALL_MODELS):
        from_models.create_tables(ALL_MODELS)
        actual = describe(from_models, None if is_sqlite() else "models_copy")
    if not is_sqlite():
        from_models.execute_sql("DROP SCHEMA models_copy CASCADE")
        from_models.close()
    assert {"user", "auth_session", "portal_application", "outbox"} <= set(expected_tables)
    assert expected_tables == actual


def test_sqlite_connections_are_durable_and_checked(app):
    if not is_sqlite():
        pytest.skip("the pragmas are SQLite's; PostgreSQL is durable by its own settings")
    with database.connection_context():
        assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert database.execute_sql("PRAGMA synchronous").fetchone()[0] == 2
        assert database.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_running_numbers_are_unique_under_concurrent_writers(app):
    taken, errors = [], []

    def worker():
        try:
            with database.connection_context():
                for _ in range(25):
                    taken.append(counters.next_value("concurrency-test"))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(taken) == list(range(1, 151))
