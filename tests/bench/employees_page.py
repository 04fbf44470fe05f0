"""The employees page with 20,000 employees on one employer: server time (p95) and compressed HTML size."""

import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from tests.conftest import PASSWORD, app_config, make_user
from tests.factories import registered_employer
from tests.support import login
from webapp import create_app
from webapp.cli import apply_migrations
from webapp.db import database
from webapp.models import Employment, Person

COUNT = 20_000


def populate(user, count: int = COUNT) -> None:
    with database.connection_context(), database.atomic():
        employer, batch = registered_employer(user)
        for start in range(0, count, 1000):
            Person.insert_many([{"id_type": "NEW_IC", "id_number": f"{800101140000 + n}", "name": f"PEKERJA {n:05d}",
                                 "birth_date": date(1980, 1, 1), "gender": "M", "first_insured_on": date(2015, 1, 1)}
                                for n in range(start, min(start + 1000, count))]).execute()
        people = Person.select(Person.id).order_by(Person.id)
        rows = [{"employer": employer.id, "person": p.id, "batch": batch.id, "start_date": date(2020, 1, 1),
                 "status": "active"} for p in people]
        for start in range(0, len(rows), 1000):
            Employment.insert_many(rows[start:start + 1000]).execute()


def _p95(client, url: str, headers=None, runs: int = 60) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, headers=headers or {})
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200
        response.close()
    return statistics.quantiles(timings, n=20)[18] * 1000


def measure() -> dict:
    with tempfile.TemporaryDirectory() as workdir:
        app = create_app(app_config(Path(workdir), 25))
        apply_migrations()
        user = make_user("bench@example.com")
        populate(user)
        client = app.test_client()
        login(client, user.email, PASSWORD)
        page = client.get("/employees/", headers={"Accept-Encoding": "br"})
        compressed = len(page.data)
        page.close()
        return {"page_ms": _p95(client, "/employees/"),
                "search_ms": _p95(client, "/employees/?q=PEKERJA%201999", {"HX-Request": "true"}),
                "number_ms": _p95(client, "/employees/?q=80010114123", {"HX-Request": "true"}),
                "compressed_bytes": compressed}


if __name__ == "__main__":
    print(measure())
