"""PAYMENT, Direct Debit (QRG 7 steps 5-11): SOCSO or EIS; Mandate or Payment; the scheme's unpaid ACR/ECRs to
tick, the magnifier, ADD TO CART, PROCEED TO SUMMARY, CONTINUE, choose from the Mandate List, PROCEED:
"Payment has been successfully initiated."; then the debit's status (and its receipt once the bank confirms).
The cart is the one PAYMENT uses (webapp.services.cart); adding or removing swaps the cart block (htmx) and
tells the header's badge; without JavaScript the forms post and come back.
"""

import math
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from core import mandates
from core.errors import AssistError, NotFound
from webapp import mandate_gateway
from webapp.forms.auth import PlainForm
from webapp.forms.direct_debit import ChooseMandateForm
from webapp.i18n import translate_error
from webapp.parsing import parse_page
from webapp.rendering import render, wants_partial
from webapp.services import cart, direct_debits, receipts
from webapp.services import mandates as mandate_service
from webapp.tenancy import with_employer
from webapp.views.payment import CART_CHANGED, PER_PAGE

bp = Blueprint("direct_debit", __name__, url_prefix="/payment/direct-debit")


def now() -> datetime:
    return datetime.now(UTC)


def _scheme(scheme: str) -> str:
    if scheme not in mandates.SCHEMES:
        abort(404)
    return scheme


@bp.get("/")
@with_employer
def index(employer):
    """Direct Debit: SOCSO or EIS."""
    return render("direct_debit/index.html", employer=employer)


@bp.get("/<scheme>/")
@with_employer
def scheme_menu(employer, scheme: str):
    """SOCSO or EIS: Mandate, Payment, Payment History."""
    return render("direct_debit/scheme.html", employer=employer, scheme=_scheme(scheme))


def _cart(employer) -> dict:
    items = cart.items(current_user, employer)
    return {"cart_items": items, "cart_total": cart.total(items)}


@bp.get("/<scheme>/payment")
@with_employer
def payment(employer, scheme: str):
    """Payment: the scheme's unpaid ACR/ECRs (and their FCLB notices), 10 a page, to tick and ADD TO CART."""
    scheme = _scheme(scheme)
    payable = direct_debits.payable(employer, current_user, scheme)
    pages = max(1, math.ceil(len(payable) / PER_PAGE))
    page = min(parse_page(request.args.get("page")), pages)
    return render("direct_debit/payment.html", employer=employer, scheme=scheme, page=page, pages=pages,
                  rows=payable[(page - 1) * PER_PAGE:page * PER_PAGE], first=(page - 1) * PER_PAGE,
                  count=len(payable), form=PlainForm(), **_cart(employer))


def _after_cart_change(employer, scheme: str, error: str | None, template: str, back: str):
    if wants_partial():
        response = render(template, block="cart", status=422 if error else 200, employer=employer, scheme=scheme,
                          cart_error=error, form=PlainForm(), **_cart(employer))
        response.headers["HX-Trigger"] = CART_CHANGED
        return response
    if error:
        flash(error, "error")
    return redirect(back, 303)


@bp.post("/<scheme>/cart/add")
@with_employer
def add_to_cart(employer, scheme: str):
    scheme = _scheme(scheme)
    if not PlainForm().validate_on_submit():
        abort(400)
    error = None
    try:
        cart.add(current_user, employer, request.form.getlist("item"))
    except AssistError as exc:
        error = translate_error(exc)
    back = url_for("direct_debit.payment", scheme=scheme, page=parse_page(request.form.get("page")))
    return _after_cart_change(employer, scheme, error, "direct_debit/payment.html", back)


@bp.post("/<scheme>/cart/remove")
@with_employer
def remove_from_cart(employer, scheme: str):
    scheme = _scheme(scheme)
    if not PlainForm().validate_on_submit():
        abort(400)
    error = None
    try:
        cart.remove(current_user, employer, request.form.get("item", ""))
    except AssistError as exc:
        error = translate_error(exc)
    return _after_cart_change(employer, scheme, error, "direct_debit/summary.html",
                              url_for("direct_debit.summary", scheme=scheme))


@bp.get("/<scheme>/summary")
@with_employer
def summary(employer, scheme: str):
    """PROCEED TO SUMMARY: the Payment Cart and its Total Amount, then CONTINUE."""
    return render("direct_debit/summary.html", employer=employer, scheme=_scheme(scheme), form=PlainForm(),
                  **_cart(employer))


@bp.route("/<scheme>/pay", methods=["GET", "POST"])
@with_employer
def pay(employer, scheme: str):
    """CONTINUE: choose from the Mandate List, PROCEED. Refused before anything is sent when a rule says so."""
    scheme = _scheme(scheme)
    choices = mandate_service.choices(employer, scheme)
    form = ChooseMandateForm()
    form.mandate.choices = [(m.order_no, m.order_no) for m in choices]
    if not form.mandate.data and len(choices) == 1:
        form.mandate.data = choices[0].order_no
    gateway = mandate_gateway.from_config(current_app.config)
    error = None if gateway else gettext("Direct debit by FPX is not available on this server.")
    if request.method == "POST" and form.validate_on_submit() and gateway:
        try:
            attempt = direct_debits.start(current_user, employer, gateway, mandate_order_no=form.mandate.data,
                                          now=now())
        except NotFound:
            form.mandate.errors = [gettext("Choose a mandate from the Mandate List.")]
        except AssistError as exc:
            if exc.field == "mandate":
                form.mandate.errors = [translate_error(exc)]
            else:
                error = translate_error(exc)
        else:
            flash(gettext("Payment has been successfully initiated."), "success")
            return redirect(url_for("direct_debit.status", order_no=attempt.order_no), 303)
    items = cart.items(current_user, employer)
    if not items and request.method == "GET":
        return redirect(url_for("direct_debit.summary", scheme=scheme), 303)
    return render("direct_debit/pay.html", status=422 if (error or form.errors) else 200, employer=employer,
                  scheme=scheme, form=form, choices=choices, error=error, cart_items=items,
                  cart_total=cart.total(items))


def _debit(order_no: str):
    try:
        return direct_debits.of_user(current_user, order_no)
    except NotFound:
        abort(404)


@bp.get("/debits/<order_no>")
@with_employer
def status(employer, order_no: str):
    """The debit's status: pending at the bank, successful (its receipt and FCLB notices), or unsuccessful."""
    attempt, mandate = _debit(order_no)
    made, notices = receipts.of_attempt(attempt)
    code = attempt.debit_auth_code
    return render("direct_debit/status.html", block="status", employer=attempt.employer, attempt=attempt,
                  mandate=mandate, receipts=made, notices=notices, form=PlainForm(),
                  message=mandates.debit_message(code) if code else None)


@bp.post("/debits/<order_no>/check")
@with_employer
def check(employer, order_no: str):
    """CHECK STATUS: send the debit again to learn the bank's answer (the bank answers it with its first)."""
    attempt, _ = _debit(order_no)
    if not PlainForm().validate_on_submit():
        abort(400)
    gateway = mandate_gateway.from_config(current_app.config)
    if gateway is not None:
        direct_debits.check(attempt, gateway, now())
    return redirect(url_for("direct_debit.status", order_no=attempt.order_no), 303)
