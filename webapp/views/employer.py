"""The employer's dashboard (MY SITES grows with each module)."""

from flask import Blueprint, abort, redirect, request, session
from flask_login import current_user

from core.errors import NotFound
from webapp.access import employer_required
from webapp.forms.auth import PlainForm
from webapp.models import malaysia_today
from webapp.rendering import render
from webapp.services import dashboard as dashboard_service
from webapp.services import employers, sessions
from webapp.tenancy import selected_employer
from webapp.views import safe_next

bp = Blueprint("employer", __name__, url_prefix="/employer")


@bp.get("/dashboard")
@employer_required
def dashboard():
    employer = selected_employer()
    return render("employer/dashboard.html", previous_login=sessions.previous_login(current_user.auth_session),
                  figures=dashboard_service.figures(employer, malaysia_today()) if employer else None)


@bp.post("/select")
@employer_required
def select():
    """The employer switcher in the header: work on another employer this account manages."""
    if not PlainForm().validate_on_submit():
        abort(400)
    try:
        employer = employers.get_managed(current_user.id, int(request.form.get("employer_id", "0")))
    except (NotFound, ValueError):
        abort(404)
    session["employer_id"] = employer.id
    return redirect(safe_next(request.form.get("next"), "/employer/dashboard"), 303)
