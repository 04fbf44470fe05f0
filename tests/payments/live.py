"""The portal and the simulated exchange as two real processes (payments.md A.8), and a browser-like client.

- `FpxWorld`: a LiveServer (waitress, SQLite file) configured with FPX_* to talk to an FpxSim process, which
  sends its direct ACs to the portal; `store()` opens the portal's database file from the test process.
- `Browser`: cookies, CSRF tokens from the pages, redirects followed as a browser does; `pay()` goes from
  ADD TO CART to the exchange and back (the indirect AC is POSTed without the portal's cookie, as a
  cross-site POST under SameSite=Lax arrives).
"""

import http.cookiejar
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from peewee import SqliteDatabase

from core.fpx_keys import write_development_keys
from tests.factories import bill
from tests.fpxsim_support import FpxSim, HttpResult, indirect_form
from tests.support import CSRF_META, ROOT, LiveServer, wait_for_port
from webapp.db import SQLITE_PRAGMAS
from webapp.models import ALL_MODELS, Employer, User

DEMO = "employer@demo.assist.test"
PASSWORD = "Demo-Password-2026"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """An HTTP client with a cookie jar that follows redirects (GET after a 303) like a browser."""

    def __init__(self, base: str, cookies: bool = True, follow: bool = True):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        handlers = [urllib.request.HTTPCookieProcessor(self.jar)] if cookies else []
        if not follow:
            handlers.append(_NoRedirect())
        self.opener = urllib.request.build_opener(*handlers)
        self.token = None

    def request(self, url: str, fields: dict | list | None = None, headers: dict | None = None) -> HttpResult:
        url = url if url.startswith("http") else self.base + url
        data = urlencode(fields, doseq=True).encode() if fields is not None else None
        req = urllib.request.Request(url, data=data, headers={  # noqa: S310 - loopback test servers
            "Accept-Language": "en", **({"Content-Type": "application/x-www-form-urlencoded"} if data else {}),
            **(headers or {})})
        try:
            with self.opener.open(req, timeout=30) as response:
                result = HttpResult(response.status, response.read(), response.url, response.headers)
        except urllib.error.HTTPError as error:
            result = HttpResult(error.code, error.read(), url, error.headers)
        match = CSRF_META.search(result.text) if "text/html" in (result.headers.get("Content-Type") or "") else None
        if match:
            self.token = match.group(1)
        return result

    def get(self, url: str) -> HttpResult:
        return self.request(url)

    def post(self, url: str, fields: dict | list | None = None, **headers) -> HttpResult:
        if isinstance(fields, list):
            return self.request(url, [("csrf_token", self.token), *fields], headers)
        return self.request(url, {"csrf_token": self.token, **(fields or {})}, headers)

    def login(self, email: str = DEMO, password: str = PASSWORD) -> "Browser":
        self.get("/employer/login")
        self.post("/employer/login", {"step": "email", "email": email})
        page = self.post("/employer/login", {"step": "password", "email": email, "password": password})
        assert "/employer/login" not in page.url, page.text[:500]
        return self


class _ArForm(HTMLParser):
    def __init__(self):
        super().__init__()
        self.action, self.fields, self.inside = None, {}, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "fpx-ar":
            self.action, self.inside = attrs["action"], True
        elif tag == "input" and self.inside:
            self.fields[attrs["name"]] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def ar_form(html: str) -> tuple[str, dict]:
    reader = _ArForm()
    reader.feed(html)
    assert reader.action, "no AR form on the page"
    return reader.action, reader.fields


class Journey:
    """One payment through the two processes: what each step answered."""

    order_no: str = ""
    go_page: HttpResult | None = None
    exchange_page: HttpResult | None = None
    indirect: list[HttpResult]
    status_page: HttpResult | None = None

    def __init__(self):
        self.indirect = []


class FpxWorld:
    """The portal (waitress) and fpxsim, each in its own process, wired to each other."""

    def __init__(self, workdir: Path, smtp_port: int, sim_host: str = "127.0.0.1", extra_env: dict | None = None):
        self.workdir = Path(workdir)
        keys = self.workdir / "merchant"
        write_development_keys(keys, exchange_id="EX00000001", organisation="PERKESO TEST")
        (self.workdir / "portal").mkdir(exist_ok=True)
        self.portal = LiveServer(self.workdir / "portal", smtp_port, extra_env={})
        self.sim = FpxSim(self.workdir, merchant_cert=keys / "merchant.crt",
                          direct_url=f"{self.portal.url}/fpx/direct-ac",
                          indirect_url=f"{self.portal.url}/fpx/indirect-ac")
        self.sim_host = sim_host
        self.portal.env.update({
            "FPX_URL": f"http://{sim_host}:{self.sim.port}", "FPX_SELLER_ID": "SE00000001",
            "FPX_EXCHANGE_ID": "EX00000001", "FPX_MERCHANT_KEY": str(keys / "merchant.key"),
            "FPX_CERTIFICATE": str(self.sim.certificate_path), "FPX_SIM_ENABLED": "1", "PAYMENT_WORKER": "0",
            "MAIL_WORKER": "1", **(extra_env or {})})
        self.db_path = self.workdir / "portal" / "assist.sqlite3"
        self.months = 0

    def start(self) -> "FpxWorld":
        self.sim.start()
        self.portal.start()
        return self

    def stop(self) -> None:
        self.portal.stop()
        self.sim.stop()

    def kill_portal(self) -> None:
        """SIGKILL: the process gets no chance to answer, flush or clean up."""
        self.portal.process.send_signal(signal.SIGKILL)
        self.portal.process.wait()

    def restart_portal(self) -> None:
        self.portal.process = subprocess.Popen([sys.executable, "-m", "webapp.serve"], env=self.portal.env,
                                               cwd=ROOT, stdout=self.portal.log, stderr=subprocess.STDOUT)
        wait_for_port(self.portal.port, process=self.portal.process)

    def second_portal(self, port: int) -> subprocess.Popen:
        """Another portal process on the same database file (as gunicorn workers or a second server)."""
        env = {**self.portal.env, "PORT": str(port)}
        process = subprocess.Popen([sys.executable, "-m", "webapp.serve"], env=env, cwd=ROOT,
                                   stdout=self.portal.log, stderr=subprocess.STDOUT)
        wait_for_port(port, process=process)
        return process

    def another_portal(self, workdir: Path, **env: str) -> LiveServer:
        """A second portal with its own database, wired to the same exchange (a fresh bank-list cache)."""
        server = LiveServer(workdir, int(self.portal.env["MAIL_PORT"]))
        server.env.update({name: value for name, value in self.portal.env.items()
                           if name.startswith(("FPX_", "PAYMENT_"))})
        server.env.update(env)
        return server.start()

    def flask(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], env=self.portal.env,
                              cwd=ROOT, check=True, capture_output=True, text=True)
        return done.stdout

    @contextmanager
    def store(self, path: Path | None = None):
        """The portal's database (or another portal's), opened from the test process, models bound to it."""
        db = SqliteDatabase(str(path or self.db_path), pragmas=SQLITE_PRAGMAS, timeout=10)
        with db.bind_ctx(ALL_MODELS), db.connection_context():
            yield db

    def new_bills(self, *specs: tuple[str, int], month: date | None = None, type_: str = "monthly",
                  path: Path | None = None):
        """Fresh unpaid ACR/ECRs of the demo employer (a month of their own): [(kind, sen), ...] -> numbers."""
        self.months += 1
        month = month or date(2015 + self.months // 12, self.months % 12 + 1, 1)
        with self.store(path):
            user = User.get(User.email == DEMO)
            employer = Employer.get(Employer.registration_number == "201901000005")
            from webapp.payment_models import CartItem

            CartItem.delete().where(CartItem.user == user).execute()  # each test starts with an empty cart
            return [bill(employer, user, month, kind, amount, type_=type_).number for kind, amount in specs]

    # --- paying, as the browser does ----------------------------------------------------------------------

    def pay(self, browser: Browser, refs: list[str], *, model: str = "01", bank: str = "TEST0021",
            outcome: str | None = None, indirect: bool = True, portal: LiveServer | None = None) -> Journey:
        """ADD TO CART, PROCEED TO SUMMARY, CONTINUE, PROCEED; the exchange (its bank page's `outcome`, or the
        scenario's `auto`); back with the indirect AC, POSTed without the portal's cookie."""
        journey = Journey()
        browser.get("/payment/")
        added = browser.post("/payment/cart/add", [("item", ref) for ref in refs])
        assert added.status == 200, added.text[:300]
        browser.get("/payment/summary")
        browser.get("/payment/fpx/")
        go = browser.post("/payment/fpx/", {"model": model, "bank": bank, "email": "payer@example.com"})
        journey.go_page = go
        assert go.status == 200 and "/go" in go.url, go.text[:2000]
        journey.order_no = re.search(r"/payment/fpx/([A-Z0-9]+)/go", go.url).group(1)
        action, fields = ar_form(go.text)
        exchange = Browser(f"http://{urlsplit(action).netloc}")
        page = exchange.request(action, fields)
        if "/FPXMain/bank/" in page.url and "/done" not in page.url:
            assert outcome is not None, "the exchange shows its bank page: say which outcome to press"
            page = exchange.request(page.url, {"outcome": outcome})
        journey.exchange_page = page
        if indirect:
            journey.indirect = self.return_from_bank(page.text, portal)
        return journey

    def return_from_bank(self, result_html: str, portal: LiveServer | None = None) -> list[HttpResult]:
        """POST the indirect AC of the exchange's result page (as often as its script would), cookie-less."""
        action, fields, submits = indirect_form(result_html)
        if action is None:
            return []
        cross_site = Browser((portal or self.portal).url, cookies=False, follow=False)
        return [cross_site.request(action, fields) for _ in range(submits)]

    def attempt(self, order_no: str, path: Path | None = None):
        from webapp.payment_models import PaymentAttempt

        with self.store(path):
            return PaymentAttempt.get(PaymentAttempt.order_no == order_no)

    def age(self, order_no: str, by) -> None:
        """Move an attempt's creation back in time (as if it had been made `by` earlier)."""
        from webapp.payment_models import PaymentAttempt

        with self.store():
            attempt = PaymentAttempt.get(PaymentAttempt.order_no == order_no)
            PaymentAttempt.update(created_at=attempt.created_at - by).where(
                PaymentAttempt.id == attempt.id).execute()

    def wait_status(self, order_no: str, statuses: tuple[str, ...], timeout: float = 20.0,
                    path: Path | None = None):
        deadline = time.monotonic() + timeout
        while True:
            attempt = self.attempt(order_no, path)
            if attempt.status in statuses or time.monotonic() > deadline:
                assert attempt.status in statuses, f"{order_no} is {attempt.status}, not {statuses}"
                return attempt
            time.sleep(0.05)
