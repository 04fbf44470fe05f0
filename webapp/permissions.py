"""Which action (core.team) each employer page or change needs; enforced for every request that works on an
employer (webapp.tenancy.with_employer and the registration batches).

Reading (GET) needs `read`, except the team pages. A change (POST) needs `approve` unless its endpoint is
listed as a clerk's work below: an endpoint added later is refused to clerks until someone decides.
"""

from flask import request

CLERK_CHANGES = frozenset({
    "contributions.open_month", "contributions.line", "contributions.save_draft", "contributions.complete",
    "contributions.textfile", "contributions.preview", "contributions.same_as_last_month",
    "contributions.undo_same_as_last_month", "contributions.spreadsheet", "contributions.spreadsheet_preview",
})
TEAM_PAGES = frozenset({"team.index", "team.invite", "team.role", "team.remove", "team.withdraw"})


def needed(endpoint: str | None = None, method: str | None = None) -> str:
    """The action the current (or given) request needs."""
    endpoint = endpoint if endpoint is not None else (request.endpoint or "")
    method = method or request.method
    if endpoint in TEAM_PAGES:
        return "team"
    if method in ("GET", "HEAD", "OPTIONS"):
        return "read"
    return "contribute" if endpoint in CLERK_CHANGES else "approve"
