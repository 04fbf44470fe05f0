"""SOCSO (Act 4), EIS (Act 800) and SKBBK contribution schedules: band tables by contribution month.

The tables are data files in core/schedules/ (listed with their sources in schedules.toml); this module
only reads them. The API is stable for the portal and for payroll vendors:

    socso(wages, month, category) -> Share(employer, employee)
    eis(wages, month) -> Share(employer, employee)
    skbbk(wages, month) -> Decimal (the employee's amount; zero before June 2026)

`month` is any date in the contribution (wage) month: the schedule follows the month the wages are for,
never the payment date. Wages are Decimal ringgit with at most two decimals.
"""

import csv
import re
import sys
import tomllib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import cache, lru_cache
from pathlib import Path

from core.errors import N_, ValidationError
from core.money import ZERO, check_ringgit

SCHEDULES = Path(__file__).parent / "schedules"


class Category(Enum):
    """SOCSO categories (Act 4 s.6)."""

    FIRST = "first"  # employment injury + invalidity: employer and employee share
    SECOND = "second"  # employment injury only: the employer pays all


@dataclass(frozen=True)
class Share:
    employer: Decimal
    employee: Decimal

    @property
    def total(self) -> Decimal:
        return self.employer + self.employee


NOTHING = Share(ZERO, ZERO)


@dataclass(frozen=True)
class Band:
    """One row: wages exceed `lower` but not `upper` (None: no upper limit)."""

    lower: Decimal
    upper: Decimal | None
    employer: Decimal
    employee: Decimal
    second_category: Decimal = ZERO


@dataclass(frozen=True)
class Schedule:
    scheme: str
    effective_from: date
    ceiling: Decimal
    source: str
    bands: tuple[Band, ...]
    uppers: tuple[Decimal, ...] = field(repr=False, compare=False, default=())

    def band(self, wages: Decimal) -> Band:
        """The row for `wages` (> 0): upper bounds are inclusive, so RM2,000.00 is in 1,900-2,000."""
        return self.bands[bisect_left(self.uppers, wages)]

    def band_number(self, wages: Decimal) -> int:
        """The row of `wages` (> 0) in the printed table, counting from 1 (for "how is this amount made?")."""
        return bisect_left(self.uppers, wages) + 1


def _read_band(row: dict) -> Band:
    amount = {key: Decimal(value) for key, value in row.items() if key not in ("wages_exceed", "not_exceed")}
    return Band(lower=Decimal(row["wages_exceed"]),
                upper=Decimal(row["not_exceed"]) if row["not_exceed"] else None,
                employer=amount.get("employer", ZERO), employee=amount["employee"],
                second_category=amount.get("second_category", ZERO))


@cache
def schedules(scheme: str) -> tuple[Schedule, ...]:
    """Every schedule of `scheme` ("socso", "eis" or "skbbk"), oldest first."""
    manifest = tomllib.loads((SCHEDULES / "schedules.toml").read_text())
    found = []
    for entry in manifest["schedule"]:
        if entry["scheme"] != scheme:
            continue
        with (SCHEDULES / entry["file"]).open(newline="") as fh:
            bands = tuple(_read_band(row) for row in csv.DictReader(fh))
        year, month = map(int, entry["effective_from"].split("-"))
        uppers = tuple(band.upper for band in bands if band.upper is not None)
        found.append(Schedule(scheme, date(year, month, 1), Decimal(entry["ceiling"]), entry["source"], bands,
                              uppers))
    return tuple(sorted(found, key=lambda s: s.effective_from))


@cache
def _starts(scheme: str) -> list[date]:
    return [s.effective_from for s in schedules(scheme)]


@lru_cache(maxsize=4096)
def schedule_for(scheme: str, month: date) -> Schedule | None:
    """The schedule of `scheme` in force for the contribution month of `month`, or None before the first."""
    index = bisect_right(_starts(scheme), month.replace(day=1)) - 1
    return schedules(scheme)[index] if index >= 0 else None


def _band(scheme: str, wages: Decimal, month: date) -> Band | None:
    check_ringgit(wages)
    schedule = schedule_for(scheme, month)
    if schedule is None:
        raise ValidationError(N_("There is no %(scheme)s schedule for %(month)s: contributions start in %(start)s."),
                              scheme=scheme.upper(), month=month.strftime("%m/%Y"),
                              start=schedules(scheme)[0].effective_from.strftime("%m/%Y"))
    return schedule.band(wages) if wages > 0 else None


def socso(wages: Decimal, month: date, category: Category) -> Share:
    """SOCSO shares for `wages` in the contribution month of `month`.

    First category: employer and employee shares of the table. Second category: the table's second
    category amount, paid by the employer alone. Zero wages (unpaid leave) give nothing.
    """
    band = _band("socso", wages, month)
    if band is None:
        return NOTHING
    if category is Category.FIRST:
        return Share(band.employer, band.employee)
    return Share(band.second_category, ZERO)


def eis(wages: Decimal, month: date) -> Share:
    """EIS shares (0.2% each, by band) for `wages` in the contribution month of `month` (from January 2018)."""
    band = _band("eis", wages, month)
    return NOTHING if band is None else Share(band.employer, band.employee)


def skbbk(wages: Decimal, month: date) -> Decimal:
    """The employee's SKBBK amount (non-employment injury, from June 2026); zero before it began."""
    check_ringgit(wages)
    if wages == 0 or schedule_for("skbbk", month) is None:
        return ZERO
    return _band("skbbk", wages, month).employee


def schedule_table(month: date) -> list[list[str]]:
    """The schedules in force for `month` side by side, one row per SOCSO band (for officers and vendors)."""
    socso_schedule = schedule_for("socso", month)
    if socso_schedule is None:
        raise ValidationError(N_("There is no schedule for %(month)s."), month=month.strftime("%m/%Y"))
    eis_schedule, skbbk_schedule = schedule_for("eis", month), schedule_for("skbbk", month)
    rows = []
    for number, band in enumerate(socso_schedule.bands, start=1):
        probe = band.upper if band.upper is not None else band.lower + 1
        eis_band = eis_schedule.band(probe) if eis_schedule else None
        rows.append([
            str(number), f"{band.lower:,}", f"{band.upper:,}" if band.upper is not None else "-",
            f"{band.employer}", f"{band.employee}", f"{band.employer + band.employee}", f"{band.second_category}",
            f"{eis_band.employer}" if eis_band else "-", f"{eis_band.employee}" if eis_band else "-",
            f"{skbbk_schedule.band(probe).employee}" if skbbk_schedule else "-",
        ])
    return rows


def main(argv: list[str]) -> int:
    """`python -m core.rates YYYY-MM`: print the schedules in force for that contribution month."""
    if len(argv) != 1 or not re.fullmatch(r"\d{4}-\d{2}", argv[0]):
        print("usage: python -m core.rates YYYY-MM   (a contribution month, e.g. 2026-11)")
        return 2
    year, month_number = map(int, argv[0].split("-"))
    month = date(year, month_number, 1)
    try:
        rows = schedule_table(month)
    except ValidationError as exc:
        print(exc)
        return 1
    header = ["No", "Wages exceed", "Not exceed", "SOCSO Er", "SOCSO Ee", "SOCSO total", "Cat 2 Er",
              "EIS Er", "EIS Ee", "SKBBK Ee"]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print(f"Contribution schedules for {month:%m/%Y} (RM). Er = employer, Ee = employee.")
    for scheme in ("socso", "eis", "skbbk"):
        schedule = schedule_for(scheme, month)
        if schedule:
            print(f"  {scheme.upper()} from {schedule.effective_from:%m/%Y}, ceiling RM{schedule.ceiling:,}: "
                  + " ".join(schedule.source.split())[:160])
    for row in [header, *rows]:
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
