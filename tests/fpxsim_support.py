"""Helpers for tests against the simulated FPX exchange as a real process (like LiveServer in support.py).

- `FpxSim`: `python -m fpxsim` in its own process on 127.0.0.1, with its own data folder, plus calls to its
  control API; `restart()` keeps the data folder.
- `FakeMerchant`: a tiny HTTP server in the test process (werkzeug, 127.0.0.1, port 0) that records direct and
  indirect ACs and answers the direct ones as the test says (`OK` by default).
- `post_form` / `get`: a browser-like form POST that follows 303s; `indirect_form` reads the indirect-AC page
  (the form's action, its fields, and how many times its script submits it).
"""

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from tests.support import ROOT, free_port, wait_for_port


class HttpResult:
    def __init__(self, status: int, body: bytes, url: str, headers):
        self.status, self.body, self.url, self.headers = status, body, url, headers

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


def request(url: str, data: bytes | None = None, headers: dict | None = None, method: str | None = None,
            timeout: float = 20.0) -> HttpResult:
    """One HTTP request (redirects followed); 4xx/5xx come back as results, not exceptions."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:  # noqa: S310 - loopback test servers
            return HttpResult(response.status, response.read(), response.url, response.headers)
    except urllib.error.HTTPError as error:
        return HttpResult(error.code, error.read(), url, error.headers)


def post_form(url: str, fields: dict, timeout: float = 20.0) -> HttpResult:
    return request(url, urlencode(fields).encode(), {"Content-Type": "application/x-www-form-urlencoded"},
                   timeout=timeout)


def get(url: str) -> HttpResult:
    return request(url)


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.action, self.submits, self.fields, self.in_form = None, 1, {}, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "fpx-ac":
            self.action, self.submits, self.in_form = attrs["action"], int(attrs.get("data-submits", 1)), True
        elif tag == "input" and self.in_form and attrs.get("type") == "hidden":
            self.fields[attrs["name"]] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


def indirect_form(html: str) -> tuple[str | None, dict, int]:
    """(action, fields, submits) of the indirect-AC form on a result page; action None if there is none."""
    reader = _FormReader()
    reader.feed(html)
    return reader.action, reader.fields, reader.submits


class FpxSim:
    """The simulated exchange as `python -m fpxsim` runs it, in its own process on 127.0.0.1."""

    def __init__(self, workdir: Path, *, merchant_cert: Path, direct_url: str, indirect_url: str,
                 extra_env: dict | None = None):
        self.workdir = Path(workdir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "FPXSIM_PORT": str(self.port),
            "FPXSIM_DATA_DIR": str(self.workdir / "fpxsim"),
            "FPXSIM_MERCHANT_CERT": str(merchant_cert),
            "FPXSIM_SELLER_ID": "SE00000001",
            "FPXSIM_EXCHANGE_ID": "EX00000001",
            "FPXSIM_DIRECT_AC_URL": direct_url,
            "FPXSIM_INDIRECT_AC_URL": indirect_url,
            "FPXSIM_RETRY_SCHEDULE": "0,0.3,0.3,0.3",
            "FPXSIM_AC_TIMEOUT": "3",
            **(extra_env or {}),
        }
        self.process = None
        self.log = None

    @property
    def certificate_path(self) -> Path:
        return self.workdir / "fpxsim" / "fpxuat_current.cer"

    def certificate(self) -> bytes:
        """FPX's certificate as the merchant is given it (read afresh: the certificate knob replaces it)."""
        return self.certificate_path.read_bytes()

    def start(self) -> "FpxSim":
        self.log = open(self.workdir / "fpxsim.log", "a")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen([sys.executable, "-m", "fpxsim"], env=self.env, cwd=ROOT,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        try:
            wait_for_port(self.port, process=self.process)
        except RuntimeError:
            self.stop()
            raise RuntimeError(f"fpxsim did not start; see {self.workdir / 'fpxsim.log'}") from None
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log:
            self.log.close()
            self.log = None

    def kill(self) -> None:
        """Stop it the hard way (SIGKILL): nothing gets to clean up or flush."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.log:
            self.log.close()
            self.log = None

    def restart(self) -> "FpxSim":
        self.stop()
        return self.start()

    # --- the control API -------------------------------------------------------------------------------

    def control(self, path: str, body: dict | None = None, method: str | None = None) -> HttpResult:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if body is not None else {}
        return request(f"{self.url}/_control/{path}", data, headers, method or ("POST" if body is not None else "GET"))

    def scenario(self, **scenario) -> dict:
        result = self.control("scenario", scenario)
        assert result.status == 200, result.text
        return result.json()

    def reset(self) -> None:
        assert self.control("reset", {}).status == 200

    def txn(self, fpx_txn_id: str) -> dict:
        result = self.control(f"txn/{fpx_txn_id}")
        assert result.status == 200, result.text
        return result.json()["txn"]

    def txn_by_order(self, seller_ex_order_no: str) -> dict:
        result = self.control(f"txn?seller_ex_order_no={seller_ex_order_no}")
        assert result.status == 200, result.text
        return result.json()["txn"]

    def log_messages(self, **filters) -> list[dict]:
        return self.control("log?" + urlencode(filters)).json()["messages"]

    def wait_deliveries(self, fpx_txn_id: str, states=("acked", "gave_up", "dropped"), count: int = 1,
                        timeout: float = 20.0) -> list[dict]:
        """The transaction's deliveries once at least `count` exist and all are in one of `states`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            deliveries = self.txn(fpx_txn_id)["deliveries"]
            if len(deliveries) >= count and all(d["state"] in states for d in deliveries):
                return deliveries
            time.sleep(0.05)
        raise AssertionError(f"deliveries of {fpx_txn_id} did not settle in {states}: {deliveries}")


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # the exchange's own log records every AC
        pass


class FakeMerchant:
    """Records the ACs the exchange sends; answers direct ACs with `answers` in turn, then `default`."""

    def __init__(self):
        self.lock = threading.Condition()
        self.direct: list[dict] = []
        self.indirect: list[dict] = []
        self.arrivals: list[tuple[str, dict]] = []  # ("direct" | "indirect", fields) in order of arrival
        self.answers: list[tuple[int, str]] = []
        self.default = (200, "OK")
        self.server = make_server("127.0.0.1", 0, self._app, threaded=True, request_handler=_QuietHandler)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def direct_url(self) -> str:
        return f"{self.url}/fpx/direct-ac"

    @property
    def indirect_url(self) -> str:
        return f"{self.url}/fpx/indirect-ac"

    def start(self) -> "FakeMerchant":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()

    def clear(self) -> None:
        with self.lock:
            self.direct.clear()
            self.indirect.clear()
            self.arrivals.clear()
            self.answers.clear()
            self.default = (200, "OK")

    @Request.application
    def _app(self, req: Request) -> Response:
        fields = dict(parse_qsl(req.get_data(as_text=True), keep_blank_values=True))
        with self.lock:
            if req.path == "/fpx/direct-ac":
                self.direct.append(fields)
                self.arrivals.append(("direct", fields))
                status, body = self.answers.pop(0) if self.answers else self.default
            elif req.path == "/fpx/indirect-ac":
                self.indirect.append(fields)
                self.arrivals.append(("indirect", fields))
                status, body = 200, "<!doctype html><title>merchant</title><p id=merchant>merchant got the AC</p>"
            elif req.path == "/favicon.ico":
                status, body = 204, ""
            else:
                status, body = 404, "not found"
            self.lock.notify_all()
        return Response(body, status=status, mimetype="text/html" if "indirect" in req.path else "text/plain")

    def received(self, kind: str, seller_ex_order_no: str) -> list[dict]:
        with self.lock:
            return [f for f in getattr(self, kind) if f.get("fpx_sellerExOrderNo") == seller_ex_order_no]

    def wait_for(self, kind: str, seller_ex_order_no: str, count: int = 1, timeout: float = 20.0) -> list[dict]:
        """The ACs of `kind` ("direct" or "indirect") for an order, once at least `count` have arrived."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                found = [f for f in getattr(self, kind) if f.get("fpx_sellerExOrderNo") == seller_ex_order_no]
                if len(found) >= count or time.monotonic() > deadline:
                    break
                self.lock.wait(0.1)
        assert len(found) >= count, f"{len(found)} {kind} ACs for {seller_ex_order_no} within {timeout}s"
        return found
