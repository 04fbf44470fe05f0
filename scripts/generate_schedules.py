"""Write the contribution tables in core/schedules/ from the generating rules of domain.md (sections 1.3, 2).

The tables, not this script, are what the portal reads: run it only to add an era, then check the output
against the official rows (tests/core/test_rates.py holds every row quoted in domain.md).

    python scripts/generate_schedules.py
"""

import csv
from decimal import ROUND_CEILING, ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "core" / "schedules"
SMALL_BANDS = [0, 30, 50, 70, 100, 140, 200, 300]


def bands(ceiling: int, last_band_open: bool):
    """(wages exceed, not exceed) pairs; the final row is "wages exceed <top>" with no upper bound."""
    edges = SMALL_BANDS + list(range(400, ceiling + 1, 100))
    rows = list(zip(edges, edges[1:], strict=False))
    if last_band_open:  # before June 2016 the table ended "exceeds 2,900" instead of 2,900-3,000 + "> 3,000"
        rows = rows[:-1]
        rows.append((edges[-2], None))
    else:
        rows.append((ceiling, None))
    return rows


def midpoint(lower: int, upper: int | None, ceiling: int) -> Decimal:
    if upper is None or upper == ceiling:
        return Decimal(ceiling) - 50
    return (Decimal(lower) + Decimal(upper)) / 2


def to_step(value: Decimal, step: str, rounding) -> Decimal:
    unit = Decimal(step)
    return ((value / unit).quantize(Decimal(1), rounding=rounding) * unit).quantize(Decimal("0.01"))


def socso_row(lower, upper, ceiling):
    if upper == 30:
        return Decimal("0.40"), Decimal("0.10"), Decimal("0.30")  # fixed exception of the first band
    m = midpoint(lower, upper, ceiling)
    total = to_step(m * Decimal("0.0225"), "0.10", ROUND_HALF_UP)
    employee = to_step(m * Decimal("0.005"), "0.05", ROUND_HALF_DOWN)
    second = to_step(m * Decimal("0.0125"), "0.10", ROUND_HALF_UP)
    return total - employee, employee, second


def eis_row(lower, upper, ceiling):
    share = to_step(midpoint(lower, upper, ceiling) * Decimal("0.002"), "0.05", ROUND_CEILING)
    return share, share


def write(name, header, rows):
    with (OUT / name).open("w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def socso_table(ceiling, last_band_open=False, top_override=None):
    rows = []
    for lower, upper in bands(ceiling, last_band_open):
        employer, employee, second = socso_row(lower, upper, ceiling)
        if top_override and (upper is None or upper == ceiling):
            employer, employee, second = top_override
        rows.append([lower, "" if upper is None else upper, employer, employee, employer + employee, second])
    return rows


def main():
    header = ["wages_exceed", "not_exceed", "employer", "employee", "total", "second_category"]
    write("socso-2013-01.csv", header, socso_table(3000, last_band_open=True))
    write("socso-2016-06.csv", header,
          socso_table(4000, top_override=(Decimal("69.05"), Decimal("19.75"), Decimal("49.40"))))
    write("socso-2022-09.csv", header, socso_table(5000))
    write("socso-2024-10.csv", header, socso_table(6000))
    for ceiling, name in ((4000, "eis-2018-01.csv"), (5000, "eis-2022-09.csv"), (6000, "eis-2024-10.csv")):
        rows = []
        for lower, upper in bands(ceiling, False):
            employer, employee = eis_row(lower, upper, ceiling)
            rows.append([lower, "" if upper is None else upper, employer, employee, employer + employee])
        write(name, ["wages_exceed", "not_exceed", "employer", "employee", "total"], rows)


if __name__ == "__main__":
    main()
