"""Figures for core/: shares computed per second, and parsing and checking a 10,000-line text file."""

import random
import time
from datetime import date
from decimal import Decimal

from core.filecheck import check
from core.rates import Category, eis, skbbk, socso
from core.textfile import Layout, Record, generate, parse

CODE = "E1100050233Z"


def _triples(count: int, seed: int = 2026):
    rng = random.Random(seed)
    months = [date(year, month, 1) for year in range(2018, 2027) for month in range(1, 13)]
    categories = list(Category)
    return [(Decimal(rng.randint(0, 900_000)) / 100, rng.choice(months), rng.choice(categories))
            for _ in range(count)]


def shares_per_second(count: int = 100_000) -> tuple[float, float]:
    """(SOCSO shares per second through core.rates, baseline: wages x 2.25% in Decimal, per second)."""
    triples = _triples(count)
    start = time.perf_counter()
    for wages, month, category in triples:
        socso(wages, month, category)
    rates_rate = count / (time.perf_counter() - start)
    rate = Decimal("0.0225")
    start = time.perf_counter()
    for wages, _month, _category in triples:
        wages * rate  # noqa: B018 - the arithmetic is what is measured
    return rates_rate, count / (time.perf_counter() - start)


def combined_file(lines: int = 10_000, month: date = date(2026, 10, 1)) -> bytes:
    rng = random.Random(7)
    records = []
    for n in range(lines):
        wages = Decimal(rng.randint(150_000, 700_000)) / 100
        first, insurance = socso(wages, month, Category.FIRST), eis(wages, month)
        records.append(Record(employer_code=CODE, id_number=f"{900101000000 + n}", name=f"PEKERJA NOMBOR {n}",
                              month=month, wages=wages, socso_employer=first.employer, socso_employee=first.employee,
                              eis_employer=insurance.employer, eis_employee=insurance.employee,
                              skbbk_employee=skbbk(wages, month)))
    return generate(records, Layout.COMBINED)


def parse_and_check(data: bytes, month: date = date(2026, 10, 1), runs: int = 3) -> tuple[float, float]:
    """(median seconds to parse and check the file after a warm-up run, baseline seconds to slice the same
    lines into fields)."""
    timings = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        result = parse(data, Layout.COMBINED)
        errors = check(result.records, Layout.COMBINED, employer_code=CODE, month=month)
        timings.append(time.perf_counter() - start)
        assert result.ok and not errors, (result.errors[:3], errors[:3])
    elapsed = sorted(timings[1:])[len(timings[1:]) // 2]
    cuts = [(0, 12), (12, 32), (32, 44), (44, 194), (194, 200), (200, 214), (214, 220), (220, 226), (226, 232),
            (232, 238), (238, 244)]
    start = time.perf_counter()
    for line in data.decode().split("\r\n"):
        [line[a:b] for a, b in cuts]
    return elapsed, time.perf_counter() - start
