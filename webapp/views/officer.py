"""Officer back office: pending Portal ID applications, APPROVE or REJECT."""

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_babel import gettext
from flask_login import current_user

from core.errors import AssistError, NotFound, ValidationError
from webapp.access import officer_required
from webapp.forms.auth import PlainForm
from webapp.forms.portal_id import RejectForm
from webapp.i18n import translate_error
from webapp.rendering import form_errors, go, render
from webapp.services import portal_id
from webapp.views.files import stored_document

bp = Blueprint("officer", __name__, url_prefix="/officer")


def _application_or_404(application_id: int):
    try:
        return portal_id.get(application_id)
    except NotFound:
        abort(404)


@bp.get("/")
@officer_required
def applications():
    return render("officer/applications.html", pending=portal_id.pending(), recent=portal_id.recently_decided())


@bp.get("/applications/<int:application_id>")
@officer_required
def application(application_id: int):
    return render("officer/application.html", application=_application_or_404(application_id),
                  approve_form=PlainForm(), reject_form=RejectForm())


@bp.get("/applications/<int:application_id>/certificate")
@officer_required
def certificate(application_id: int):
    return stored_document(_application_or_404(application_id).certificate)


@bp.post("/applications/<int:application_id>/approve")
@officer_required
def approve(application_id: int):
    application = _application_or_404(application_id)
    form = PlainForm()
    if form.validate_on_submit():
        try:
            user = portal_id.approve(application.id, current_user._get_current_object(), current_app.config)
        except AssistError as exc:
            flash(translate_error(exc), "error")
        else:
            flash(gettext("Approved. The temporary password was emailed to %(email)s.", email=user.email),
                  "success")
            return redirect(url_for("officer.applications"), 303)
    return redirect(url_for("officer.application", application_id=application.id), 303)


@bp.post("/applications/<int:application_id>/reject")
@officer_required
def reject(application_id: int):
    application = _application_or_404(application_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            portal_id.reject(application.id, current_user._get_current_object(), form.reason.data)
        except ValidationError as exc:
            form.reason.errors.append(translate_error(exc))
        except AssistError as exc:
            flash(translate_error(exc), "error")
            return go(url_for("officer.application", application_id=application.id))
        else:
            flash(gettext("Rejected. The applicant was emailed the reason."), "success")
            return go(url_for("officer.applications"))
    return render("officer/application.html", "reject_block", form_errors(form, 422),
                  application=application, approve_form=PlainForm(), reject_form=form)
