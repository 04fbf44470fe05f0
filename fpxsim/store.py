"""The simulator's state in its own SQLite file (stdlib sqlite3): it survives a restart of the process.

One connection shared by every thread, guarded by one lock: the simulator is small and its writes are tiny,
so serialising them is simpler than pooling and cannot deadlock. `transaction()` holds the lock and wraps a
BEGIN IMMEDIATE ... COMMIT, so a compound change is atomic; WAL with synchronous=NORMAL survives a killed process.
"""

import json
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS txn (
    fpx_txn_id TEXT PRIMARY KEY,
    seller_ex_order_no TEXT NOT NULL UNIQUE,
    seller_order_no TEXT NOT NULL,
    msg_token TEXT NOT NULL,
    buyer_bank_id TEXT NOT NULL,
    amount_sen INTEGER,
    ar TEXT NOT NULL,
    fpx_txn_time TEXT NOT NULL,
    created_at REAL NOT NULL,
    status TEXT,
    plan TEXT NOT NULL,
    indirect TEXT NOT NULL DEFAULT '{}',
    indirect_served INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS event (
    id INTEGER PRIMARY KEY,
    fpx_txn_id TEXT NOT NULL REFERENCES txn(fpx_txn_id),
    code TEXT NOT NULL,
    fields TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS delivery (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES event(id),
    fpx_txn_id TEXT NOT NULL,
    fields TEXT NOT NULL,
    knobs TEXT NOT NULL,
    signature_valid INTEGER NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at REAL,
    hold_final INTEGER NOT NULL DEFAULT 0,
    hold_indirect REAL,
    release_after INTEGER,
    last_result TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS delivery_due ON delivery(state, next_at);
CREATE TABLE IF NOT EXISTS log (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    sim_time TEXT NOT NULL,
    direction TEXT NOT NULL,
    kind TEXT NOT NULL,
    fpx_txn_id TEXT,
    seller_ex_order_no TEXT,
    fields TEXT NOT NULL,
    signature_valid INTEGER,
    code TEXT,
    note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS mandate (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL
);
"""
TABLES = ("log", "delivery", "event", "txn", "mandate")


class Store:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # WAL: survives a killed process; a test tool needs no more
        self.db.executescript(SCHEMA)
        self._depth = 0

    @contextmanager
    def transaction(self):
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.db
                finally:
                    self._depth -= 1
                return
            self.db.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            else:
                self.db.execute("COMMIT")
            finally:
                self._depth = 0

    def one(self, sql: str, *params):
        with self.lock:
            return self.db.execute(sql, params).fetchone()

    def all(self, sql: str, *params):
        with self.lock:
            return self.db.execute(sql, params).fetchall()

    def get(self, key: str, default=None):
        row = self.one("SELECT value FROM kv WHERE key = ?", key)
        return json.loads(row["value"]) if row else default

    def put(self, key: str, value) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO kv(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       (key, json.dumps(value)))

    def next_number(self, name: str) -> int:
        with self.transaction():
            number = self.get(name, 0) + 1
            self.put(name, number)
            return number

    def log(self, *, sim_time: str, direction: str, kind: str, fields: dict, fpx_txn_id=None, signature_valid=None,
            code=None, note: str = "") -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO log(at, sim_time, direction, kind, fpx_txn_id, seller_ex_order_no, fields,"
                       " signature_valid, code, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (time.time(), sim_time, direction, kind, fpx_txn_id, fields.get("fpx_sellerExOrderNo"),
                        json.dumps(fields), None if signature_valid is None else int(signature_valid), code, note))

    def reset(self) -> None:
        """Forget everything but the counters: an fpxTxnId or auth number is never handed out twice."""
        with self.transaction() as db:
            for table in TABLES:
                db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            db.execute("DELETE FROM kv WHERE key NOT IN ('txn_seq', 'auth_no')")

    def close(self) -> None:
        with self.lock:
            self.db.close()
