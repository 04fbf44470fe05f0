"""Portal ID Registration (First Time User): the online enrolment form."""

from flask import Blueprint, current_app, redirect, session, url_for
from flask_login import current_user

from core.errors import ValidationError
from webapp.forms.portal_id import PortalIdForm
from webapp.i18n import select_locale, translate_error
from webapp.rendering import form_errors, render
from webapp.services import portal_id

bp = Blueprint("portal_id", __name__, url_prefix="/portal-id")


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = PortalIdForm()
    if form.validate_on_submit():
        data = portal_id.Application(
            **{name: getattr(form, name).data for name in (
                "company_name", "brn", "applicant_name", "applicant_mykad", "designation", "email", "phone")},
            language=select_locale())
        upload = form.certificate.data
        try:
            application = portal_id.submit(
                data, upload.stream, upload.filename or "", current_app.config,
                submitted_by=current_user._get_current_object() if current_user.is_authenticated else None)
        except ValidationError as exc:
            getattr(form, exc.field or "certificate").errors.append(translate_error(exc))
        else:
            session["portal_application"] = application.reference
            return redirect(url_for("portal_id.submitted"), 303)
    return render("portal_id/register.html", "application_form", form_errors(form), form=form)


@bp.get("/submitted")
def submitted():
    reference = session.get("portal_application")
    if not reference:
        return redirect(url_for("portal_id.register"), 303)
    return render("portal_id/submitted.html", reference=reference)
