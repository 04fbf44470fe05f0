"""Officers: EFT to verify (QRG 6). The queue of EFT payments waiting for an officer; VERIFY (the amount and the
reference on the bank statement) and REJECT (with the reason) on the payment's page of the desk. Maker-checker
is the service's: webapp.services.eft_verification."""

from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_babel import gettext
from flask_login import current_user

from core.errors import AssistError, NotFound, ValidationError
from core.money import parse_ringgit, sen
from webapp.access import officer_required
from webapp.forms.eft import EftRejectForm, VerifyForm
from webapp.i18n import translate_error
from webapp.rendering import render
from webapp.services import eft_verification
from webapp.views.officer_payments import show

bp = Blueprint("officer_eft", __name__, url_prefix="/officer/payments/eft")


@bp.get("/")
@officer_required
def queue():
    limit = eft_verification.threshold(current_app.config)
    return render("officer/eft_queue.html", payments=eft_verification.queue(), limit=limit)


def _to_the_payment(order_no: str):
    return redirect(url_for("officer_payments.payment", order_no=order_no), 303)


@bp.post("/<order_no>/verify")
@officer_required
def verify(order_no: str):
    form = VerifyForm(prefix="verify")
    if form.validate_on_submit():
        try:
            result = eft_verification.verify(
                order_no, current_user._get_current_object(), statement_amount=sen(parse_ringgit(
                    form.statement_amount.data)), statement_reference=form.statement_reference.data,
                limit=eft_verification.threshold(current_app.config), now=datetime.now(UTC))
        except NotFound:
            abort(404)
        except ValidationError as exc:
            form[exc.field if exc.field in form else "statement_amount"].errors.append(translate_error(exc))
        except AssistError as exc:
            flash(translate_error(exc), "error")
            return _to_the_payment(order_no)
        else:
            flash({"checked": gettext("First approval recorded. A second officer verifies this payment."),
                   "succeeded": gettext("Verified. The receipt was emailed to the employer."),
                   "needs_review": gettext("Verified, but its ACR/ECRs were paid or cancelled meanwhile: the payment "
                                           "is on the review list for a refund.")}[result], "success")
            return redirect(url_for("officer_eft.queue"), 303)
    return show(order_no, verify_form=form, status=422)


@bp.post("/<order_no>/reject")
@officer_required
def reject(order_no: str):
    form = EftRejectForm(prefix="reject")
    if form.validate_on_submit():
        amount = form.statement_amount.data
        try:
            eft_verification.reject(order_no, current_user._get_current_object(), reason=form.reason.data,
                                    statement_amount=sen(parse_ringgit(amount)) if amount else None,
                                    statement_reference=form.statement_reference.data or "", now=datetime.now(UTC))
        except NotFound:
            abort(404)
        except ValidationError as exc:
            form[exc.field if exc.field in form else "reason"].errors.append(translate_error(exc))
        except AssistError as exc:
            flash(translate_error(exc), "error")
            return _to_the_payment(order_no)
        else:
            flash(gettext("Rejected. The employer was emailed the reason; the ACR/ECRs can be paid again."), "success")
            return redirect(url_for("officer_eft.queue"), 303)
    return show(order_no, reject_form=form, status=422)
