"""A team behind each employer (issue 13): what each role may do.

- Clerk: reads everything of the employer, enters salaries (the pencil, SAME AS LAST MONTH, text files,
  spreadsheets), SAVE DRAFT and COMPLETE.
- Approver: also SUBMIT and CONFIRM, cancels ACR/ECRs, pays, registers and terminates employees.
- Administrator: also manages the team (invites, changes roles, removes members).
Every change not listed for clerks needs an approver: a new kind of change is refused to clerks until it
is listed (the safe default).
"""

from core.errors import N_

ROLES = {"clerk": N_("Clerk"), "approver": N_("Approver"), "administrator": N_("Administrator")}
RANK = {"clerk": 1, "approver": 2, "administrator": 3}
NEEDS = {"read": 1, "contribute": 1, "approve": 2, "team": 3}


def allows(role: str | None, action: str) -> bool:
    """Whether a member with `role` may take `action` (read, contribute, approve, team)."""
    return RANK.get(role or "", 0) >= NEEDS[action]


def may_give(giver: str, role: str) -> bool:
    """An administrator may give any role (there is always at least one administrator: see the service)."""
    return giver == "administrator" and role in ROLES
