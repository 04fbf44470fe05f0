"""The employer's dashboard (MY SITES grows with each module)."""

from flask import Blueprint, abort, flash, redirect, request, session, url_for
from flask_babel import gettext
from flask_login import current_user

from core.errors import NotFound
from webapp.access import employer_required
from webapp.clock import malaysia_today
from webapp.forms.auth import PlainForm
from webapp.parsing import parse_id
from webapp.rendering import render
from webapp.services import dashboard as dashboard_service
from webapp.services import employers, sessions
from webapp.services import reminders as reminder_service
from webapp.tenancy import selected_employer
from webapp.views import safe_next

bp = Blueprint("employer", __name__, url_prefix="/employer")


@bp.get("/dashboard")
@employer_required
def dashboard():
    employer = selected_employer()
    return render("employer/dashboard.html", previous_login=sessions.previous_login(current_user.auth_session),
                  figures=dashboard_service.figures(employer, malaysia_today()) if employer else None)


@bp.route("/reminders", methods=["GET", "POST"])
@employer_required
def reminders():
    """Email reminders: 5 days and 1 day before the 15th, and the day after when a month is unpaid."""
    form = PlainForm()
    if form.validate_on_submit():
        reminder_service.set_enabled(current_user._get_current_object(), request.form.get("reminders") == "on")
        flash(gettext("Saved."), "success")
        return redirect(url_for("employer.reminders"), 303)
    return render("employer/reminders.html", form=form, enabled=current_user.reminders)


@bp.post("/select")
@employer_required
def select():
    """The employer switcher in the header: work on another employer this account manages."""
    if not PlainForm().validate_on_submit():
        abort(400)
    try:
        employer = employers.get_managed(current_user.id, parse_id(request.form.get("employer_id")) or 0)
    except NotFound:
        abort(404)
    session["employer_id"] = employer.id
    return redirect(safe_next(request.form.get("next"), "/employer/dashboard"), 303)
