"""The officers' payments desk (issue 12): find any payment (every channel) by employer code, ACR/ECR No., FPX
transaction id, receipt number, order number or date; a payment's page (items, receipt, audit events, its EFT
slip and decisions, FPX's raw messages); the queues (EFT to verify, FPX payments needing review: no final
answer from FPX after reconciliation, or approved for items already paid or cancelled, to refund; bank
collection exceptions); the day's collections per channel as CSV. Every officer action is in the audit trail.
"""

from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from core import fpx
from core.errors import N_, AssistError, NotFound
from webapp import fpx_gateway
from webapp.access import officer_required
from webapp.clock import malaysia_today
from webapp.forms.auth import PlainForm
from webapp.forms.eft import CollectionsForm, EftRejectForm, PaymentSearchForm, VerifyForm, channel_name
from webapp.forms.payment import UnsuccessfulForm
from webapp.i18n import translate_error
from webapp.parsing import parse_date
from webapp.rendering import render
from webapp.services import eft_verification, payments_desk, reconciliation
from webapp.views.files import csv_attachment, stored_document

bp = Blueprint("officer_payments", __name__, url_prefix="/officer/payments")
bp.add_app_template_global(channel_name, "channel_name")
STATUSES = {"created": N_("Started"), "pending": N_("Pending"), "succeeded": N_("Successful"),
            "failed": N_("Unsuccessful"), "needs_review": N_("Needs review")}
bp.add_app_template_global(STATUSES, "payment_statuses")


@bp.get("/")
@officer_required
def review():
    """The desk: find a payment, the queues, today's collections per channel, the FPX payments to review."""
    today = malaysia_today()
    return render("officer/payments.html", attempts=reconciliation.needs_review(), alerts=reconciliation.alerts(),
                  form=PlainForm(), bank_name=fpx.bank_name, search=PaymentSearchForm(formdata=None),
                  collections=CollectionsForm(formdata=None, day=today.isoformat()), queues=payments_desk.queues(),
                  totals=payments_desk.totals(today), today=today)


@bp.get("/find")
@officer_required
def find():
    """Find a payment: one exact number or code, and/or a day (started or paid that day, in Malaysia)."""
    form = PaymentSearchForm(request.args, meta={"csrf": False})
    found = None
    if request.args and form.validate():
        query, day = form.q.data or "", parse_date(form.day.data)
        if day is None and parse_date(query):  # a date typed in the search box
            query, day = "", parse_date(query)
        found = payments_desk.find(query, day)
    return render("officer/payments_find.html", status=422 if form.errors else 200, search=form, found=found)


@bp.get("/collections.csv")
@officer_required
def collections_csv():
    """The day's collections (payments succeeded that Malaysian day) of one channel or all, as CSV."""
    form = CollectionsForm(request.args, meta={"csrf": False})
    if not form.validate():
        flash(gettext("Choose the day and the channel of the collections to download."), "error")
        return redirect(url_for("officer_payments.review"), 303)
    day, channel = parse_date(form.day.data), form.channel.data or ""
    text = payments_desk.collections_csv(current_user._get_current_object(), day, channel)
    return csv_attachment(text, f"collections-{day.isoformat()}-{channel or 'all'}.csv")


@bp.get("/<order_no>")
@officer_required
def payment(order_no: str):
    """One payment of any channel, with everything about it, and the EFT decision forms while it waits."""
    return show(order_no)


def show(order_no: str, verify_form=None, reject_form=None, status: int = 200, unsuccessful_form=None):
    """The payment page (also with a decision form's errors, from webapp.views.officer_eft)."""
    try:
        found = payments_desk.record(order_no)
    except NotFound:
        abort(404)
    limit = eft_verification.threshold(current_app.config)
    return render("officer/payment.html", status=status, record=found, attempt=found.attempt, eft=found.eft,
                  form=PlainForm(), verify_form=verify_form or VerifyForm(formdata=None, prefix="verify"),
                  reject_form=reject_form or EftRejectForm(formdata=None, prefix="reject"), limit=limit,
                  unsuccessful_form=unsuccessful_form or UnsuccessfulForm(formdata=None, prefix="unsuccessful"),
                  needs_two=found.eft is not None and found.attempt.amount > limit, bank_name=fpx.bank_name)


@bp.get("/<order_no>/documents/<int:file_id>")
@officer_required
def slip(order_no: str, file_id: int):
    """An EFT payment's slip, as a download (only that payment's slip)."""
    try:
        return stored_document(eft_verification.slip_of(order_no, file_id))
    except NotFound:
        abort(404)


@bp.post("/<order_no>/check")
@officer_required
def check(order_no: str):
    """CHECK AGAIN: an AE now for an FPX payment (recorded in the audit trail)."""
    if not PlainForm().validate_on_submit():
        abort(400)
    try:
        attempt = payments_desk.check_again(order_no, current_user._get_current_object(),
                                            fpx_gateway.from_config(current_app.config), datetime.now(UTC))
    except NotFound:
        abort(404)
    if request.form.get("back") == "payment":
        return redirect(url_for("officer_payments.payment", order_no=attempt.order_no), 303)
    return redirect(url_for("officer_payments.review"), 303)


@bp.post("/<order_no>/unsuccessful")
@officer_required
def unsuccessful(order_no: str):
    """MARK UNSUCCESSFUL, with the reason: a payment that needs review ends; its items are free again."""
    form = UnsuccessfulForm(prefix="unsuccessful")
    if form.validate_on_submit():
        try:
            payments_desk.mark_unsuccessful(order_no, current_user._get_current_object(), form.reason.data.strip(),
                                            datetime.now(UTC))
        except NotFound:
            abort(404)
        except AssistError as exc:
            flash(translate_error(exc), "error")
        else:
            flash(gettext("The payment is marked unsuccessful; its ACR/ECR can be paid again."), "success")
        return redirect(url_for("officer_payments.payment", order_no=order_no), 303)
    return show(order_no, unsuccessful_form=form, status=422)
