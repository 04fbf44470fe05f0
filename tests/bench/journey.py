"""Locust side of the mixed-load benchmark: virtual employers doing the real journey against a live server.

Run by tests/bench/mixed_load.py in its own process (locust patches the standard library with gevent):
`python -m tests.bench.journey URL USERS SECONDS ACCOUNTS_JSON` prints one JSON line of figures.

Each virtual employer logs in (login page, email, password), then views twenty pages: the dashboard, the
pending list, the employees page, the contribution's employee list, the pencil (open the row, save a
salary) and the totals it refreshes, then logs out and starts again: one login per twenty page views.
Think time between clicks is 0.5 to 1.5 s (a clerk who knows the screens). Virtual employers arrive
five a second, as people do on the 15th, not all in the same instant. A probe meanwhile opens a new
connection every half second and asks for the login page: what a new visitor waits during the load.
"""

import gevent.monkey  # noqa: I001 - must patch before anything imports socket or ssl

gevent.monkey.patch_all()

import http.client  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import gevent  # noqa: E402
from locust import FastHttpUser, between, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402

ARRIVALS_PER_SECOND = 5
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
ACCOUNTS: list[dict] = []
_next_account = itertools.count()
RETRIES: list[int] = []  # password steps answered "busy, try again in a few seconds" (503)


class Employer(FastHttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.account = ACCOUNTS[next(_next_account) % len(ACCOUNTS)]
        self.token = ""
        self.log_in()

    def _expect(self, response, *statuses):
        if response.status_code in statuses:
            response.success()
        else:
            response.failure(f"status {response.status_code}")
        match = CSRF.search(response.text or "")
        if match:
            self.token = match.group(1)

    def get(self, path, name, *statuses, htmx=False):
        headers = {"Accept-Encoding": "br, gzip", "Accept-Language": "ms"}
        if htmx:
            headers["HX-Request"] = "true"
        with self.client.get(path, name=name, headers=headers, catch_response=True,
                             allow_redirects=False) as response:
            self._expect(response, *(statuses or (200,)))

    def post(self, path, name, data, *statuses, htmx=False):
        headers = {"Accept-Encoding": "br, gzip", "Accept-Language": "ms", "X-CSRFToken": self.token}
        if htmx:
            headers["HX-Request"] = "true"
        with self.client.post(path, name=name, data=data, headers=headers, catch_response=True,
                              allow_redirects=False) as response:
            self._expect(response, *statuses)

    def log_in(self):
        self.get("/employer/login", "login page")
        email = self.account["email"]
        self.post("/employer/login", "login: email", {"csrf_token": self.token, "step": "email", "email": email},
                  200)
        form = {"step": "password", "email": email, "password": self.account["password"]}
        for _ in range(10):  # told to wait (503, Retry-After): wait, then press LOGIN again, as a person would
            headers = {"Accept-Encoding": "br, gzip", "Accept-Language": "ms", "X-CSRFToken": self.token}
            with self.client.post("/employer/login", name="login: password", data={"csrf_token": self.token, **form},
                                  headers=headers, catch_response=True, allow_redirects=False) as response:
                if response.status_code == 503:
                    response.success()
                    RETRIES.append(1)
                    retry_after = float(response.headers.get("Retry-After", "5"))
                else:
                    self._expect(response, 303)
                    return
            gevent.sleep(retry_after)

    def pencil(self):
        draft, line = self.account["draft"], random.choice(self.account["lines"])
        path = f"/contribution/s/{draft}/lines/{line}"
        self.get(f"{path}?edit=1&number=1", "pencil: open", htmx=True)
        self.wait()
        wages = f"{random.randint(1500, 6000)}.00"
        self.post(path, "pencil: save", {"status": "active", "wages": wages, "number": "1"}, 200, htmx=True)
        self.get(f"/contribution/s/{draft}/totals", "totals", htmx=True)

    @task
    def twenty_page_views_then_log_in_again(self):
        draft = self.account["draft"]
        views = [lambda: self.get("/employer/dashboard", "dashboard"),
                 lambda: self.get("/contribution/combined/", "pending list"),
                 lambda: self.get("/employees/", "employees page"),
                 lambda: self.get(f"/contribution/s/{draft}", "contribution employees")]
        for view in views:
            view()
            self.wait()
        for _ in range(4):  # 4 x (open, save, totals) = 12 views
            self.pencil()
            self.wait()
        for view in views:  # 20 views in all
            view()
            self.wait()
        self.post("/employer/logout", "logout", {"csrf_token": self.token}, 303)
        self.log_in()


def probe(url: str, samples: list, failures: list) -> None:
    """A new visitor every half second: a fresh connection and the login page."""
    parts = urlsplit(url)
    while True:
        start = time.perf_counter()
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            connection.request("GET", "/employer/login")
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                samples.append(time.perf_counter() - start)
            else:
                failures.append(response.status)
        except OSError as exc:
            failures.append(str(exc))
        finally:
            connection.close()
        gevent.sleep(0.5)


def percentile(values: list, fraction: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def merged_percentile(entries, fraction: float) -> float:
    """A percentile of the response times of several locust entries taken together (their histograms)."""
    counts: dict[int, int] = {}
    for entry in entries:
        for time_ms, count in entry.response_times.items():
            counts[time_ms] = counts.get(time_ms, 0) + count
    wanted, seen = fraction * sum(counts.values()), 0
    for time_ms in sorted(counts):
        seen += counts[time_ms]
        if seen >= wanted:
            return time_ms
    return float("nan")


def run(url: str, users: int, seconds: float) -> dict:
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("load only ever targets this machine")
    environment = Environment(user_classes=[Employer], host=url, events=events)
    runner = environment.create_local_runner()
    ramp = users / ARRIVALS_PER_SECOND
    runner.start(users, spawn_rate=ARRIVALS_PER_SECOND)
    gevent.sleep(ramp + 5)  # everyone has arrived and logged in once
    environment.stats.reset_all()
    RETRIES.clear()
    samples, failures = [], []
    prober = gevent.spawn(probe, url, samples, failures)
    started = time.perf_counter()
    gevent.sleep(seconds)
    elapsed = time.perf_counter() - started
    total = environment.stats.total
    figures = {
        "users": users, "seconds": round(elapsed, 1), "requests": total.num_requests,
        "rps": total.num_requests / elapsed, "errors": total.num_failures,
        "p50_ms": total.get_response_time_percentile(0.5), "p95_ms": total.get_response_time_percentile(0.95),
        "p99_ms": total.get_response_time_percentile(0.99),
        "logins": environment.stats.get("login: password", "POST").num_requests - len(RETRIES),
        "login_retries": len(RETRIES),
        "login_p95_ms": environment.stats.get("login: password", "POST").get_response_time_percentile(0.95),
        "pages_p95_ms": merged_percentile([entry for (name, _), entry in environment.stats.entries.items()
                                           if not name.startswith("login")], 0.95),
        "error_kinds": {f"{error.name}: {error.error}": error.occurrences
                        for error in environment.stats.errors.values()},
        "pages": {name: {"requests": entry.num_requests, "p95_ms": entry.get_response_time_percentile(0.95)}
                  for (name, _), entry in environment.stats.entries.items()},
        "new_visitor_p50_ms": percentile(samples, 0.5) * 1000, "new_visitor_p95_ms": percentile(samples, 0.95) * 1000,
        "new_visitor_max_ms": max(samples, default=float("nan")) * 1000, "new_visitor_errors": len(failures),
    }
    prober.kill()
    runner.quit()
    return figures


def main() -> None:
    url, users, seconds, accounts = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    with open(accounts) as fh:
        ACCOUNTS.extend(json.load(fh))
    print(json.dumps(run(url, users, seconds)), flush=True)


if __name__ == "__main__":
    main()
