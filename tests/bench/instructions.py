"""CPU instructions per request of the logged-in pages and of the login page, counted by valgrind.

Requests per second move by 0.1 of a share from one run to the next on a shared machine; instruction counts
repeat to within 1%, so they show what a change to a page did. Each page is run in-process (the Flask test
client, the demo data of `make run`) under cachegrind twice, with 0 and with N requests after a warm-up;
the difference over N is the page's cost. Slow (about 20 s a run): `python -m tests.bench.instructions
[page ...]`, two pages at a time. Needs valgrind.
"""

import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

from tests.bench.pages import BROWSER, DEMO_EMAIL, DEMO_PASSWORD, pages

REQUESTS = 100


def _inner(page: str, count: int) -> None:
    """Inside valgrind: the demo portal in-process, then `count` requests of `page` after a warm-up."""
    workdir = tempfile.mkdtemp()
    os.environ.update({"ASSIST_ENV": "testing", "SECRET_KEY": "instructions-secret-key-0123456789abcdef",
                       "ASSIST_INSTANCE": workdir, "DATABASE_URL": f"sqlite:///{workdir}/assist.sqlite3",
                       "ARGON2_PROFILE": "CHEAPEST", "MAIL_BACKEND": "smtp", "MAIL_PORT": "1",
                       "DEMO_PASSWORD": DEMO_PASSWORD, "RATELIMIT_ENABLED": "0", "REMINDER_WORKER": "0",
                       "MAIL_WORKER": "0"})
    for command in ("migrate", "seed-demo"):
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", command], check=True, capture_output=True)
    from tests.support import CSRF_META, login
    from wsgi import app

    client = app.test_client()
    login(client, DEMO_EMAIL, DEMO_PASSWORD)
    pending = client.get("/contribution/combined/").get_data(as_text=True)
    month, kind = re.search(r'name="month" value="([\d-]+)"><input type="hidden" name="type" value="(\w+)"',
                            pending).groups()
    opened = client.post("/contribution/combined/open", data={"csrf_token": CSRF_META.search(pending).group(1),
                                                              "month": month, "type": kind})
    draft = int(opened.headers["Location"].rsplit("/", 1)[1])
    line = int(re.search(r'id="line-(\d+)"', client.get(f"/contribution/s/{draft}").get_data(as_text=True)).group(1))
    targets = {"login page": ("/employer/login", {}, app.test_client())}
    targets.update({name.strip(): (path, headers, client) for name, path, headers in pages(draft, line)})
    path, headers, browser = next(target for name, target in targets.items() if name.startswith(page))
    for _ in range(20 + count):
        assert browser.get(path, headers={**BROWSER, **headers}).status_code == 200


def _count(page: str, count: int) -> int:
    result = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
                             sys.executable, "-m", "tests.bench.instructions", "--inner", page, str(count)],
                            capture_output=True, text=True, check=True)
    return int(re.search(r"I\s+refs:\s+([\d,]+)", result.stderr).group(1).replace(",", ""))


def per_request(page: str) -> float:
    """Millions of instructions one request of `page` costs (a page name of tests.bench.pages, or its start)."""
    return (_count(page, REQUESTS) - _count(page, 0)) / REQUESTS / 1e6


def main(names: list[str]) -> None:
    names = ["login page", *[n for n in names if n != "login page"]] if names else [
        "login page", *(name.strip() for name, _, _ in pages(0, 0))]
    with ThreadPoolExecutor(2) as pool:
        costs = dict(zip(names, pool.map(per_request, names), strict=True))
    for name, cost in costs.items():
        print(f"{name:30} {cost:7.2f} M instructions   {costs['login page'] / cost:.2f} of the login page")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--inner"]:
        _inner(sys.argv[2], int(sys.argv[3]))
    else:
        main(sys.argv[1:])
