"""The employer the logged-in account is working on: chosen in the header, kept in the session, and
checked against the account's access on every request (never trusted from the browser alone)."""

from functools import wraps

from flask import g, redirect, session, url_for
from flask_babel import gettext
from flask_login import current_user

from core.team import allows
from webapp import permissions
from webapp.access import employer_required
from webapp.errors import render_error
from webapp.services import employers


def selected_employer():
    """The selected registered employer of the current user, or None when they have none yet."""
    if "employer" in g:
        return g.employer
    choices = employer_choices()
    chosen = next((e for e in choices if e.id == session.get("employer_id")), choices[0] if choices else None)
    if chosen is not None and session.get("employer_id") != chosen.id:
        session["employer_id"] = chosen.id  # only when it changes: no new cookie on every response
    g.employer = chosen
    return chosen


def employer_choices() -> list:
    """The registered employers the current user manages (read once per request)."""
    if "employer_choices" not in g:
        g.employer_choices = employers.registered_list(current_user.id)
    return g.employer_choices


def with_employer(view):
    """An employer page: logged in as an employer, with a registered employer selected (passed as `employer`)."""

    @employer_required
    @wraps(view)
    def wrapped(*args, **kwargs):
        employer = selected_employer()
        if employer is None:
            return redirect(url_for("registration.index"), 303)
        refused = refuse_unless_allowed(employer.member_role)
        if refused is not None:
            return refused
        return view(*args, employer=employer, **kwargs)

    return wrapped


def refuse_unless_allowed(role: str | None):
    """None when the member's role allows this request (webapp.permissions), else a 403 page saying why."""
    if allows(role, permissions.needed()):
        return None
    return render_error(403, gettext("Your role in this team does not allow this"), gettext(
        "Ask an approver or the administrator of your team (MY SITES, Team) to do it, or to change your role."))


def init_app(app) -> None:
    @app.context_processor
    def employer_switcher():
        user = current_user._get_current_object()
        if not user.is_authenticated or user.role != "employer":
            return {}
        chosen = selected_employer()
        return {"selected_employer": chosen, "employer_choices": employer_choices(),
                "can": lambda action: chosen is not None and allows(chosen.member_role, action)}
