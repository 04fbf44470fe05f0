"""FPX Payment (QRG 5 / QRG 7): Payment Amount, Business Model, Bank List (from a signed BE/BC), Email Address,
PROCEED; the page that takes the browser to the exchange (an auto-submitted form, external script, a button
without JavaScript); Payment Status; Receipt Generated and New FCLB Notice Generated; END; the PDFs.
"""

import logging
from datetime import UTC, datetime, timedelta

from flask import Blueprint, abort, current_app, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user
from wtforms import SelectChoice

from core import fpx
from core.errors import AssistError, NotFound
from webapp import fpx_gateway
from webapp.forms.auth import PlainForm
from webapp.forms.payment import FpxPaymentForm
from webapp.i18n import translate_error
from webapp.parsing import parse_id
from webapp.rendering import render
from webapp.security import allow_form_to
from webapp.services import cart, payments, receipts, reconciliation
from webapp.tenancy import with_employer
from webapp.views.files import attachment

log = logging.getLogger("assist.payments")
bp = Blueprint("fpx_payment", __name__, url_prefix="/payment/fpx")


def now() -> datetime:
    return datetime.now(UTC)


def _attempt(order_no: str):
    try:
        return payments.for_user(current_user, order_no)
    except NotFound:
        abort(404)


def _banks(gateway, token: str, form: FpxPaymentForm) -> str | None:
    """Fill the Bank List (offline banks shown, not selectable); the reason when there is no list."""
    if gateway is None:
        return gettext("Online payment by FPX is not available on this server.")
    try:
        banks = gateway.bank_list(token, now())
    except fpx.FpxError as error:
        log.warning("bank list (BE) failed: %s", error)
        return gettext("The bank list is not available now. Try again in a few minutes.")
    offline = gettext("Offline")
    form.bank.choices = [SelectChoice("", gettext("Choose a bank"))] + sorted(
        [SelectChoice(b.code, fpx.bank_name(token, b.code) + ("" if b.online else f" ({offline})"),
                      {} if b.online else {"disabled": True}) for b in banks], key=lambda choice: choice.label.lower())
    return None


@bp.route("/", methods=["GET", "POST"])
@with_employer
def pay(employer):
    gateway = fpx_gateway.from_config(current_app.config)
    form = FpxPaymentForm(model=request.args.get("model") or fpx.B2C, email=current_user.email)
    asked = form.model.data  # a forged model is refused by the service, not taken as B2C
    token = asked if asked in fpx.MODEL_NAMES else fpx.B2C
    form.model.data = token
    bank_error = _banks(gateway, token, form)
    error = None
    if request.method == "POST" and not request.form.get("show") and form.validate_on_submit() and not bank_error:
        try:  # the service reads the cart itself, inside its lock
            attempt = payments.start(current_user, employer, gateway, token=asked, bank_id=form.bank.data,
                                     shown_total=parse_id(request.form.get("shown_total")),
                                     email=form.email.data.strip(), now=now())
        except AssistError as exc:
            error = translate_error(exc)
        except fpx.FpxError as exc:
            log.warning("starting a payment failed: %s", exc)
            error = gettext("The bank list is not available now. Try again in a few minutes.")
        else:
            return redirect(url_for("fpx_payment.go", order_no=attempt.order_no), 303)
    items = cart.items(current_user, employer)
    if not items:
        return redirect(url_for("payment.summary"), 303)
    status = 422 if (error or form.errors) else 200
    return render("payment/fpx.html", block="banks", status=status, employer=employer, form=form,
                  amount=cart.total(items), items=items, bank_error=bank_error, error=error,
                  limits={code: fpx.AMOUNT_LIMITS[code] for code in fpx.MODEL_NAMES},
                  simulated=current_app.config.get("FPX_SIM_ENABLED"))


@bp.get("/<order_no>/go")
@with_employer
def go(employer, order_no: str):
    """The committed AR, POSTed to the exchange by the browser (auto-submitted; a button without JavaScript)."""
    attempt = _attempt(order_no)
    gateway = fpx_gateway.from_config(current_app.config)
    fields = payments.ar_to_send(attempt)
    if fields is None or gateway is None:
        return redirect(url_for("fpx_payment.status", order_no=attempt.order_no), 303)
    # the form goes to the exchange: its origin joins the page's form-action
    page = render("payment/redirect.html", employer=employer, attempt=attempt, fields=fields, action=gateway.ar_url)
    return allow_form_to(page, gateway.origin)


@bp.get("/<order_no>")
@with_employer
def status(employer, order_no: str):
    """Payment Status: the answer FPX gave (or that there is none yet), in the payer's language."""
    attempt = _attempt(order_no)
    code = attempt.debit_auth_code
    answer = fpx.response_code(code) if code else None
    return render("payment/status.html", block="status", employer=attempt.employer, attempt=attempt, answer=answer,
                  bank=fpx.bank_name(attempt.msg_token, attempt.bank_id), form=PlainForm(),
                  txn_time=_txn_time(attempt.fpx_txn_time), poll=_poll_every(attempt))


def _poll_every(attempt) -> str | None:
    """How often the status page refreshes itself while FPX has not answered: every 5 s for three minutes,
    then every 30 s; after half an hour it stops (CHECK STATUS remains), so a page left open on a metered
    link or a kiosk does not refresh for days. (The refreshes do not count as activity: the idle logout holds.)"""
    if attempt.status not in ("created", "pending", "needs_review"):
        return None
    age = now().replace(tzinfo=None) - attempt.created_at
    if age < timedelta(minutes=3):
        return "5s"
    return "30s" if age < timedelta(minutes=30) else None


def _txn_time(text: str | None):
    try:
        return fpx.parse_txn_time(text) if text else None
    except fpx.FpxError:
        return None


@bp.post("/<order_no>/check")
@with_employer
def check(employer, order_no: str):
    """CHECK STATUS: ask FPX now (an AE) instead of waiting for the next reconciliation."""
    attempt = _attempt(order_no)
    if not PlainForm().validate_on_submit():
        abort(400)
    gateway = fpx_gateway.from_config(current_app.config)
    if gateway is not None and attempt.status in ("created", "pending", "needs_review"):
        reconciliation.check(attempt, gateway, now())
    return redirect(url_for("fpx_payment.status", order_no=attempt.order_no), 303)


@bp.get("/<order_no>/receipt")
@with_employer
def receipt(employer, order_no: str):
    """RECEIPT: Receipt Generated, and New FCLB Notice Generated for ACR/ECRs paid late."""
    attempt = _attempt(order_no)
    if attempt.status != "succeeded":
        return redirect(url_for("fpx_payment.status", order_no=attempt.order_no), 303)
    made, notices = receipts.of_attempt(attempt)
    return render("payment/receipt.html", employer=attempt.employer, attempt=attempt, receipts=made,
                  notices=notices)


@bp.get("/<order_no>/end")
@with_employer
def end(employer, order_no: str):
    attempt = _attempt(order_no)
    return render("payment/end.html", employer=employer, attempt=attempt)


@bp.get("/receipts/<number>.pdf")
@with_employer
def receipt_pdf(employer, number: str):
    try:
        found = receipts.receipt_for(employer, number)
    except NotFound:
        abort(404)
    return attachment(receipts.pdf_of_receipt(found), "application/pdf", f"resit-receipt-{found.number}.pdf")


@bp.get("/notices/<number>.pdf")
@with_employer
def notice_pdf(employer, number: str):
    try:
        found = receipts.notice_for(employer, number)
    except NotFound:
        abort(404)
    return attachment(receipts.pdf_of_notice(found), "application/pdf", f"notis-fclb-{found.number}.pdf")
