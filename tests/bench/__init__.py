"""`make bench`: figures printed beside their budgets (nothing asserted)."""


def row(name: str, value: str, budget: str, ok: bool | None = None) -> None:
    """One line of the report: what was measured, the figure, its budget or baseline, and the verdict."""
    verdict = "" if ok is None else ("within budget" if ok else "OVER BUDGET")
    print(f"{name:<52} {value:>14}   {budget:<22} {verdict}")
