"""`python -m webapp.serve` as a branch server runs it: idle phones do not lock new visitors out, and behind
a reverse proxy (TRUSTED_PROXIES=1) the portal sees HTTPS and the visitor's address."""

import http.client
import socket

import pytest

from tests.support import CSRF_META, LiveServer

IDLE_CONNECTIONS = 300
DEMO_EMAIL, DEMO_PASSWORD = "employer@demo.assist.test", "Demo-Password-2026"


@pytest.fixture(scope="module")
def server(tmp_path_factory, smtp):
    live = LiveServer(tmp_path_factory.mktemp("serve"), smtp.port, {"MAIL_WORKER": "0"}).start()
    yield live
    live.stop()


def keep_alive_request(port: int) -> socket.socket:
    """A phone's connection: one page over HTTP/1.1 keep-alive, then left open and idle."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(b"GET /employer/login HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: br\r\n\r\n")
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(65536)
    header, _, body = head.partition(b"\r\n\r\n")
    assert header.startswith(b"HTTP/1.1 200"), header[:80]
    lengths = [line.split(b":")[1] for line in header.split(b"\r\n") if line.lower().startswith(b"content-length")]
    length = int(lengths[0])
    while len(body) < length:
        body += sock.recv(65536)
    return sock


def test_idle_keep_alive_connections_do_not_lock_out_a_new_visitor(server):
    idle = []
    try:
        for _ in range(IDLE_CONNECTIONS):
            idle.append(keep_alive_request(server.port))
        assert len(idle) == IDLE_CONNECTIONS
        # A new visitor, with all of them still open: the login page within a second (a functional bound:
        # without room for new connections the request is never read and this times out).
        visitor = http.client.HTTPConnection("127.0.0.1", server.port, timeout=1)
        try:
            visitor.request("GET", "/employer/login")
            response = visitor.getresponse()
            assert response.status == 200 and b'name="email"' in response.read()
        finally:
            visitor.close()
    finally:
        for sock in idle:
            sock.close()


@pytest.fixture(scope="module")
def proxied(tmp_path_factory, smtp):
    """The portal behind one reverse proxy, with a kiosk network and secure cookies, as in production."""
    live = LiveServer(tmp_path_factory.mktemp("proxied"), smtp.port, {
        "MAIL_WORKER": "0", "TRUSTED_PROXIES": "1", "KIOSK_NETWORKS": "10.20.0.0/24", "SESSION_COOKIE_SECURE": "1"})
    yield live.start()
    live.stop()


class ProxiedBrowser:
    """Requests as nginx forwards them: X-Forwarded-For (the visitor) and X-Forwarded-Proto (https)."""

    def __init__(self, server, address: str):
        self.port, self.address, self.cookies, self.token = server.port, address, {}, ""
        self.origin = f"https://127.0.0.1:{server.port}"

    def request(self, method, path, form=None, referer="same", forwarded=True):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Accept-Language": "en", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if forwarded:
            headers.update({"X-Forwarded-For": self.address, "X-Forwarded-Proto": "https"})
        if referer:
            headers["Referer"] = self.origin + "/employer/login" if referer == "same" else referer
        body = None
        if form is not None:
            body = "&".join(f"{k}={v}" for k, v in {"csrf_token": self.token, **form}.items())
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        response.set_cookies = response.headers.get_all("Set-Cookie") or []
        for value in response.set_cookies:
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        if found := CSRF_META.search(text):
            self.token = found.group(1)
        return response, text

    def log_in(self):
        self.request("GET", "/employer/login")
        self.request("POST", "/employer/login", {"step": "email", "email": DEMO_EMAIL})
        response, _ = self.request("POST", "/employer/login", {"step": "password", "email": DEMO_EMAIL,
                                                               "password": DEMO_PASSWORD})
        assert response.status == 303, response.status
        return response


def test_behind_a_proxy_the_portal_sends_hsts_and_the_host_prefixed_secure_cookie(proxied):
    browser = ProxiedBrowser(proxied, "203.0.113.7")
    response, _ = browser.request("GET", "/employer/login")
    assert response.status == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = next(c for c in response.set_cookies if c.startswith("__Host-session="))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "path"} <= attributes and "domain" not in attributes
    # Straight to the server, not through the proxy: plain HTTP, so no HSTS.
    direct, _ = browser.request("GET", "/employer/login", forwarded=False)
    assert "Strict-Transport-Security" not in direct.headers


@pytest.mark.parametrize(("address", "idle_seconds"), [("10.20.0.15", 180), ("203.0.113.7", 1800)])
def test_behind_a_proxy_a_kiosk_is_recognised_by_the_forwarded_address(proxied, address, idle_seconds):
    browser = ProxiedBrowser(proxied, address)
    browser.log_in()
    response, page = browser.request("GET", "/employer/dashboard")
    assert response.status == 200
    assert f'data-idle-seconds="{idle_seconds}"' in page  # 3 minutes on a counter kiosk, 30 elsewhere


@pytest.mark.parametrize("referer", [None, "https://evil.example/employer/login", "http://127.0.0.1/"])
def test_behind_a_proxy_a_post_from_another_origin_is_refused(proxied, referer):
    browser = ProxiedBrowser(proxied, "203.0.113.7")
    browser.request("GET", "/employer/login")
    refused, _ = browser.request("POST", "/employer/login", {"step": "email", "email": DEMO_EMAIL}, referer=referer)
    assert refused.status == 400  # HTTPS: Flask-WTF requires a same-origin Referer
    accepted, _ = browser.request("POST", "/employer/login", {"step": "email", "email": DEMO_EMAIL})
    assert accepted.status == 200
