"""The embedded server's settings (webapp.serve) and login storms: hashes are bounded, other pages go on."""

import http.client
import threading
import time

import pytest
from waitress.server import create_server
from werkzeug.middleware.proxy_fix import ProxyFix

from tests.conftest import PASSWORD, app_config, make_user
from tests.support import CSRF_META
from webapp import create_app, serve
from webapp.services import hashing


def test_waitress_defaults_suit_a_branch_server_on_deadline_day():
    options = serve.settings({})
    assert options["connection_limit"] >= 1000  # waitress's own default is 100
    assert options["channel_timeout"] <= 30  # idle keep-alive connections go after 30 s (waitress: 120 s)
    assert options["cleanup_interval"] <= options["channel_timeout"]
    assert options["threads"] > hashing.cores() + 2  # logins waiting for a hash slot leave threads for pages
    assert options["asyncore_use_poll"]  # select() stops at 1024 sockets
    assert options["max_request_body_size"] < 16 * 1024 * 1024  # not waitress's 1 GiB
    assert options["host"] == "127.0.0.1" and "trusted_proxy" not in options


def test_waitress_settings_come_from_the_environment():
    options = serve.settings({"HOST": "0.0.0.0", "PORT": "8080", "THREADS": "4", "CONNECTION_LIMIT": "500",  # noqa: S104
                              "CHANNEL_TIMEOUT": "5", "BACKLOG": "64"})
    assert (options["host"], options["port"], options["threads"]) == ("0.0.0.0", 8080, 4)  # noqa: S104
    assert (options["connection_limit"], options["channel_timeout"], options["backlog"]) == (500, 5, 64)
    assert options["cleanup_interval"] == 5


def test_trusted_proxies_configure_waitress():
    options = serve.settings({"TRUSTED_PROXIES": "1"})
    assert options["trusted_proxy"] == "*" and options["trusted_proxy_count"] == 1
    assert options["trusted_proxy_headers"] == {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"}
    assert serve.settings({"TRUSTED_PROXIES": "2", "TRUSTED_PROXY_ADDRESS": "10.0.0.2"})["trusted_proxy"] == \
        "10.0.0.2"


def _middlewares(app):
    layer, found = app.wsgi_app, []
    while layer is not None:
        found.append(layer)
        layer = getattr(layer, "application", None) or getattr(layer, "app", None)
    return found


def test_proxy_fix_only_when_waitress_does_not_read_the_proxy_headers(app, tmp_path, smtp):
    settings = {**app_config(tmp_path, smtp.port, app.config["DATABASE_URL"]), "TRUSTED_PROXIES": 1}
    assert any(isinstance(m, ProxyFix) for m in _middlewares(create_app(settings)))  # gunicorn, flask run
    assert not any(isinstance(m, ProxyFix) for m in _middlewares(create_app({**settings, "PROXY_FIX": False})))


class GatedHasher:
    """The real hasher behind a gate: counts the hashes in progress and holds them until the test opens it."""

    def __init__(self, real):
        self.real, self.inside, self.most = real, 0, 0
        self.lock, self.gate = threading.Lock(), threading.Event()

    def verify(self, stored_hash, password):
        with self.lock:
            self.inside += 1
            self.most = max(self.most, self.inside)
        try:
            self.gate.wait(timeout=60)
            return self.real.verify(stored_hash, password)
        finally:
            with self.lock:
                self.inside -= 1

    def hash(self, password):
        return self.real.hash(password)

    def check_needs_rehash(self, stored_hash):
        return self.real.check_needs_rehash(stored_hash)


class Visitor:
    """One browser: its own connection and cookie, talking HTTP to the server under test."""

    def __init__(self, port: int):
        self.port, self.cookie, self.token = port, "", ""

    def request(self, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            headers = {"Cookie": self.cookie, "Accept-Language": "en"}
            body = None
            if form is not None:
                body = "&".join(f"{k}={v}" for k, v in {"csrf_token": self.token, **form}.items())
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            for value in response.headers.get_all("Set-Cookie") or []:
                self.cookie = value.split(";", 1)[0]
            if found := CSRF_META.search(text):
                self.token = found.group(1)
            return response.status, text
        finally:
            connection.close()

    def up_to_password(self, email: str) -> None:
        assert self.request("GET", "/employer/login")[0] == 200
        assert self.request("POST", "/employer/login", {"step": "email", "email": email})[0] == 200

    def password_step(self, email: str, password: str):
        return self.request("POST", "/employer/login", {"step": "password", "email": email, "password": password})


@pytest.fixture
def waitress_app(app):
    """The test app under a real waitress server in this process (so the hasher can be watched)."""
    server = create_server(app, host="127.0.0.1", port=0, threads=12, ident="")
    closing = threading.Event()

    def run():
        try:
            server.run()
        except OSError:  # the socket closed under the loop's select() at teardown (a race of closing only)
            if not closing.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield server.effective_port
    closing.set()
    server.close()
    server.task_dispatcher.shutdown()
    thread.join(timeout=10)


def wait_until(condition, what: str, limit: float = 30.0) -> None:
    """Poll `condition` (a bounded wait for a state, not a measurement of speed)."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never reached: {what}")
        time.sleep(0.01)


def test_a_login_storm_hashes_two_at_a_time_and_other_pages_are_served(waitress_app, monkeypatch):
    logins = 6
    emails = [f"storm{n}@example.com" for n in range(logins)]
    for email in [*emails, "working@example.com", "late@example.com"]:
        make_user(email)
    working = Visitor(waitress_app)
    working.up_to_password("working@example.com")
    assert working.password_step("working@example.com", PASSWORD)[0] == 303  # logged in before the storm
    gated = GatedHasher(hashing._hasher)
    monkeypatch.setattr(hashing, "_hasher", gated)
    monkeypatch.setattr(hashing, "pool", hashing.HashPool(2, queue=logins - 2))
    visitors = [Visitor(waitress_app) for _ in emails]
    for visitor, email in zip(visitors, emails, strict=True):
        visitor.up_to_password(email)
    results = {}

    def log_in(n):
        results[n] = visitors[n].password_step(emails[n], PASSWORD)[0]

    threads = [threading.Thread(target=log_in, args=(n,)) for n in range(logins)]
    for thread in threads:
        thread.start()
    try:
        # Every login has reached the hashing step: hashing, or waiting for a slot.
        wait_until(lambda: gated.inside + hashing.pool.waiting == logins, "all logins at the hashing step")
        assert gated.inside == 2 and hashing.pool.waiting == logins - 2
        # With the hashes held, other pages answer: a logged-in page that reads the store, and a public one.
        status, page = working.request("GET", "/employer/dashboard")
        assert status == 200 and "working@example.com" in page
        assert Visitor(waitress_app).request("GET", "/calculator")[0] == 200
        # One login more than may wait: told at once to try again, instead of holding a web thread too.
        late = Visitor(waitress_app)
        late.up_to_password("late@example.com")
        status, page = late.password_step("late@example.com", PASSWORD)
        assert status == 503 and "Many employers are logging in right now" in page
        assert not results  # no login finished while the hashes were held
    finally:
        gated.gate.set()
        for thread in threads:
            thread.join(timeout=60)
        hashing.pool.shutdown()
    assert results == dict.fromkeys(range(logins), 303)  # every login got its turn and succeeded
    assert gated.most == 2
    assert hashing.pool.busy == 0 and hashing.pool.waiting == 0
