"""Employees of the selected employer: active search, filter, paging, CSV export and termination (QRG 11)."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from core.errors import NotFound, ValidationError
from webapp.clock import malaysia_today
from webapp.forms.registration import TerminationForm
from webapp.i18n import translate_error
from webapp.parsing import parse_page
from webapp.rendering import form_errors, link_around, render
from webapp.services import audit as audit_service
from webapp.services import employees as service
from webapp.tenancy import with_employer
from webapp.views.files import csv_attachment

bp = Blueprint("employees", __name__, url_prefix="/employees")
STATUSES = ("active", "terminated", "all")


def _filters():
    status = request.args.get("status", "active")
    page = parse_page(request.args.get("page"))
    return request.args.get("q", "")[:100], status if status in STATUSES else "active", page


@bp.get("/")
@with_employer
def index(employer):
    query, status, page = _filters()
    result = service.search(employer, query, status, page)
    return render("employees/index.html", "results", employer=employer, result=result, query=query,
                  status_filter=status, terminate_link=link_around("employees.terminate", "employment_id"))


@bp.get("/export.csv")
@with_employer
def export(employer):
    query, status, _ = _filters()
    return csv_attachment(service.csv_export(employer, query, status), f"employees-{employer.code}.csv")


@bp.route("/<int:employment_id>/terminate", methods=["GET", "POST"])
@with_employer
def terminate(employer, employment_id: int):
    try:
        employment = service.get(employer, employment_id)
    except NotFound:
        abort(404)
    form = TerminationForm()
    if form.validate_on_submit():
        try:
            service.terminate(employment, form.last_day.data, form.reason.data, malaysia_today(),
                              by=current_user._get_current_object())
        except ValidationError as exc:
            getattr(form, exc.field or "last_day").errors.append(translate_error(exc))
        else:
            flash(gettext("%(name)s has been terminated from %(date)s.", name=employment.person.name,
                          date=form.last_day.data.strftime("%d/%m/%Y")), "success")
            return redirect(url_for("employees.index"), 303)
    return render("employees/terminate.html", status=form_errors(form), form=form, employment=employment)


@bp.get("/<int:employment_id>/audit")
@with_employer
def audit(employer, employment_id: int):
    """Who changed this employee's records and salaries, and what."""
    try:
        employment = service.get(employer, employment_id)
    except NotFound:
        abort(404)
    return render("audit/trail.html", employer=employer, events=audit_service.trail(employer, employment=employment),
                  heading=gettext("Audit trail") + " · " + employment.person.name)
