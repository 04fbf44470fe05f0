"""Small helpers for tests: free ports, CSRF tokens, logging in with the test client."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0, process=None) -> None:
    """Return once something listens on 127.0.0.1:`port` (or raise after `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            if process is not None and process.poll() is not None:
                break
            time.sleep(0.1)
    raise RuntimeError(f"nothing is listening on 127.0.0.1:{port}")


def csrf_token(client, path: str = "/employer/login") -> str:
    """The CSRF token of a page, read from its meta tag as the browser's script does."""
    html = client.get(path).get_data(as_text=True)
    return CSRF_META.search(html).group(1)


def login(client, email: str, password: str, **extra_headers):
    """Both steps of the login form; returns the response of the password step."""
    token = csrf_token(client)
    client.post("/employer/login", data={"csrf_token": token, "step": "email", "email": email})
    return client.post("/employer/login", data={"csrf_token": token, "step": "password", "email": email,
                                                "password": password}, headers=extra_headers)


class LiveServer:
    """The portal as `make run` serves it (waitress, real SQLite file), in its own process on 127.0.0.1."""

    def __init__(self, workdir, smtp_port: int, extra_env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "ASSIST_ENV": "testing",
            "SECRET_KEY": "live-server-secret-key-0123456789abcdef",
            "ASSIST_INSTANCE": str(workdir),
            "DATABASE_URL": f"sqlite:///{workdir}/assist.sqlite3",
            "ARGON2_PROFILE": "CHEAPEST",
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(smtp_port),
            "MAIL_POLL_SECONDS": "1",
            "PUBLIC_URL": self.url,
            "PORT": str(self.port),
            "DEMO_PASSWORD": "Demo-Password-2026",
            "RATELIMIT_ENABLED": "0",  # browser journeys log in often from 127.0.0.1; limits have their own tests
            "REMINDER_WORKER": "0",  # reminders have their own tests (the demo months would mail the test inbox)
            **(extra_env or {}),
        }
        self.log = open(Path(workdir) / "server.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = None

    def flask(self, *args: str) -> None:
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], env=self.env, cwd=ROOT,
                       check=True, stdout=self.log, stderr=self.log)

    def start(self) -> "LiveServer":
        self.flask("migrate")
        self.flask("seed-demo")
        self.process = subprocess.Popen([sys.executable, "-m", "webapp.serve"], env=self.env, cwd=ROOT,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        try:
            wait_for_port(self.port, process=self.process)
        except RuntimeError:
            self.stop()
            raise RuntimeError(f"the server did not start; see {self.log.name}") from None
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
