"""Fixtures shared by every test: a real SMTP server, the app on a temporary database, users, a client.

With TEST_DATABASE_URL set (scripts/pg-throwaway.sh does), the store runs on that PostgreSQL database.
"""

import os
import threading
import time
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient

from tests.support import csrf_token, free_port, login
from webapp import create_app
from webapp.cli import apply_migrations
from webapp.clock import utcnow
from webapp.counter_models import COUNTER_MODELS
from webapp.db import database, is_postgres
from webapp.mandate_models import MandateMessage
from webapp.models import ALL_MODELS, AuditEvent, User
from webapp.payment_models import GatewayMessage
from webapp.services import hashing

PASSWORD = "correct horse battery staple"


class Inbox:
    """What a real SMTP server (aiosmtpd) received; tests read the mail here."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"

    def clear(self):
        with self.lock:
            self.messages.clear()

    def to(self, address):
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    def wait_for(self, address, count=1, timeout=15.0):
        """The messages to `address`, once at least `count` have arrived."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(address)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"no mail for {address} within {timeout}s; got {[m['To'] for m in self.messages]}")


@pytest.fixture(scope="session")
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


def app_config(tmp_path, smtp_port, database_url=None):
    """Settings for an app under test: cheap hashing, real SMTP to the test server, files under tmp_path."""
    return {
        "ASSIST_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "DATABASE_URL": database_url or f"sqlite:///{tmp_path / 'assist.sqlite3'}",
        "INSTANCE_DIR": str(tmp_path),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "STATIC_BUILD_DIR": str(tmp_path / "static-build"),
        "ARGON2_PROFILE": "CHEAPEST",
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "MAIL_WORKER": False,
        "REMINDER_WORKER": False,
        "PUBLIC_URL": "http://localhost",
        "RATELIMIT_ENABLED": False,  # on only in the rate-limit tests, which build their own app
    }


def drop_all_tables():
    tables = database.get_tables()
    if is_postgres():
        for table in tables:
            database.execute_sql(f'DROP TABLE IF EXISTS "{table}" CASCADE')
    else:
        database.execute_sql("PRAGMA foreign_keys=OFF")
        for table in tables:
            database.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
        database.execute_sql("PRAGMA foreign_keys=ON")


class EnglishClient(FlaskClient):
    """A test client whose browser asks for English (the portal's default is Bahasa Melayu)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture(scope="session")
def app(tmp_path_factory, smtp):
    tmp_path = tmp_path_factory.mktemp("app")
    application = create_app(app_config(tmp_path, smtp.port, os.environ.get("TEST_DATABASE_URL")))
    application.test_client_class = EnglishClient
    with database.connection_context():
        drop_all_tables()
    apply_migrations()
    yield application


@pytest.fixture(autouse=True)
def _clean_store(request):
    """Every test starts with empty tables and an empty inbox."""
    yield
    if "app" not in request.fixturenames:
        return
    with database.connection_context():
        for model in reversed(ALL_MODELS):
            if model in APPEND_ONLY:
                purge_append_only(model)
            else:
                model.delete().execute()
    request.getfixturevalue("smtp").clear()


APPEND_ONLY = (AuditEvent, GatewayMessage, MandateMessage)
APPEND_ONLY += tuple(COUNTER_MODELS)  # issue 12: the bank counter's records


def purge_append_only(model):
    """Empty an append-only table between tests: its triggers refuse DELETE, so they are lifted for it (the
    portal itself has no way to delete such rows)."""
    table = model._meta.table_name
    if is_postgres():
        database.execute_sql(f'TRUNCATE "{table}" CASCADE')  # row triggers do not fire on TRUNCATE; CASCADE:
        # an append-only table another one points at (collection_file) is emptied with it
        return
    with database.atomic():
        database.execute_sql(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        model.delete().execute()
        database.execute_sql(f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                             f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")


@pytest.fixture
def client(app):
    return app.test_client()


class AuthActions:
    """Logging in and out as a user would (flaskr's `auth` fixture): both login steps, then LOGOUT."""

    def __init__(self, client):
        self._client = client

    def login(self, email: str = "employer@example.com", password: str = PASSWORD, **headers):
        return login(self._client, email, password, **headers)

    def logout(self):
        return self._client.post("/employer/logout", data={"csrf_token": csrf_token(self._client, "/help")})


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def make_user(email="employer@example.com", *, role="employer", password=PASSWORD, temporary=False,
              terms=True, name="Test Employer"):
    """A user straight in the store (for tests that are not about how users come to exist)."""
    with database.connection_context():
        user = User(email=email, name=name, role=role, password_hash=hashing.hash_password(password),
                    password_is_temporary=temporary, terms_accepted_at=utcnow() if terms else None)
        if temporary:
            user.temp_password_expires_at = utcnow() + timedelta(hours=72)
        user.save()
        return user


@pytest.fixture
def employer(app):
    return make_user()


@pytest.fixture
def officer(app):
    return make_user("officer@example.com", role="officer", name="Test Officer")


def pytest_collection_modifyitems(config, items):
    """tests/store holds the store and service tests, which run again on PostgreSQL (`-m store`)."""
    for item in items:
        if "/tests/store/" in str(item.path):
            item.add_marker(pytest.mark.store)
        if "/tests/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)
