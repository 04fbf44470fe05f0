"""Running numbers for references, taken inside the caller's transaction (unique indexes back them up)."""

from webapp.db import for_update, locked
from webapp.models import Counter


def next_value(name: str) -> int:
    """Increment the counter `name` and return its new value (joins the caller's transaction if any)."""
    with locked():
        Counter.insert(name=name, value=0).on_conflict_ignore().execute()
        Counter.update(value=Counter.value + 1).where(Counter.name == name).execute()
        return for_update(Counter.select(Counter.value).where(Counter.name == name)).scalar()
