"""MY SITES, PAYMENT: the generated ACR/ECRs, and cancelling them while unpaid (QRG 9).

Paying them (FPX, EFT, direct debit, bank counter) is the payments module's work.
"""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from core.errors import N_, AssistError
from webapp.forms.auth import PlainForm
from webapp.i18n import translate_error
from webapp.rendering import render
from webapp.services import contributions
from webapp.tenancy import with_employer

bp = Blueprint("payment", __name__, url_prefix="/payment")
ACK_STATUSES = {"unpaid": N_("Unpaid"), "paid": N_("Paid"), "cancelled": N_("Cancelled"),
                "nil": N_("No contribution due")}
bp.add_app_template_global(ACK_STATUSES, "ack_statuses")


@bp.get("/")
@with_employer
def index(employer):
    groups, total = contributions.unpaid_by_submission(employer)
    return render("payment/index.html", employer=employer, groups=groups, total=total)


@bp.route("/cancel/<int:submission_id>", methods=["GET", "POST"])
@with_employer
def cancel(employer, submission_id: int):
    """Choose the ACR, the ECR or both, then CONFIRM."""
    issued = contributions.cancellable(employer, submission_id)
    if not issued:
        abort(404)
    form = PlainForm()
    error = None
    if form.validate_on_submit():
        try:
            contributions.cancel(employer, request.form.getlist("which"), by=current_user._get_current_object())
        except AssistError as exc:
            error = translate_error(exc)
        else:
            flash(gettext('"Record" has been successfully removed'), "success")
            return redirect(url_for("payment.index"), 303)
    return render("payment/cancel.html", status=422 if error else 200, employer=employer, issued=issued,
                  form=form, error=error)
