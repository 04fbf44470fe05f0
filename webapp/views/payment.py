"""MY SITES, PAYMENT (QRG 5 / QRG 7, QRG 9): the unpaid ACR/ECRs and FCLB notices, 10 a page, to tick and ADD
TO CART; the magnifier; PROCEED TO SUMMARY (Payment Cart, Total Amount) and CONTINUE to FPX; cancelling an
unpaid ACR/ECR. Adding or removing swaps only the cart (htmx) and tells the header's badge (HX-Trigger);
without JavaScript the same forms post and come back here.
"""

import math

from flask import Blueprint, abort, flash, make_response, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user
from jinja2_fragments.flask import render_block

from core.errors import N_, AssistError, NotFound
from webapp.forms import TokenOnly
from webapp.forms.auth import PlainForm
from webapp.i18n import translate_error
from webapp.parsing import parse_page
from webapp.rendering import render, wants_partial
from webapp.services import bills, cart
from webapp.tenancy import selected_employer, with_employer

bp = Blueprint("payment", __name__, url_prefix="/payment")
ACK_STATUSES = {"unpaid": N_("Unpaid"), "paid": N_("Paid"), "cancelled": N_("Cancelled"),
                "nil": N_("No contribution due")}
bp.add_app_template_global(ACK_STATUSES, "ack_statuses")
PER_PAGE = 10
CART_CHANGED = "cart-changed"


@bp.app_template_global("cart_count")
def cart_count() -> int:
    """The header's cart badge (employers with a selected employer only)."""
    employer = selected_employer()
    return cart.count(current_user, employer) if employer else 0


def _cart_context(employer) -> dict:
    items = cart.items(current_user, employer)
    return {"cart_items": items, "cart_total": cart.total(items)}


@bp.get("/")
@with_employer
def index(employer):
    payable = cart.payable(employer, current_user)
    pages = max(1, math.ceil(len(payable) / PER_PAGE))
    page = min(parse_page(request.args.get("page")), pages)
    in_cart = [item for item in payable if item.in_cart]
    return render("payment/index.html", employer=employer, rows=payable[(page - 1) * PER_PAGE:page * PER_PAGE],
                  first=(page - 1) * PER_PAGE, page=page, pages=pages, count=len(payable),
                  total=cart.total(payable), form=TokenOnly(), cart_items=in_cart, cart_total=cart.total(in_cart))


def _after_cart_change(employer, error: str | None = None, template="payment/index.html", back=None):
    """htmx: the cart block alone (and the badge's event); without JavaScript: back to the page."""
    if wants_partial():
        response = render(template, block="cart", status=422 if error else 200, employer=employer,
                          cart_error=error, form=PlainForm(), **_cart_context(employer))
        response.headers["HX-Trigger"] = CART_CHANGED
        return response
    if error:
        flash(error, "error")
    return redirect(back or url_for("payment.index"), 303)


def _back() -> str:
    page = parse_page(request.form.get("page"))
    return url_for("payment.summary") if request.form.get("back") == "summary" else url_for("payment.index",
                                                                                           page=page)


@bp.post("/cart/add")
@with_employer
def add_to_cart(employer):
    if not PlainForm().validate_on_submit():
        abort(400)
    error = None
    try:
        cart.add(current_user, employer, request.form.getlist("item"))
    except AssistError as exc:
        error = translate_error(exc)
    return _after_cart_change(employer, error, back=_back())


@bp.post("/cart/remove")
@with_employer
def remove_from_cart(employer):
    if not PlainForm().validate_on_submit():
        abort(400)
    error = None
    try:
        cart.remove(current_user, employer, request.form.get("item", ""))
    except AssistError as exc:
        error = translate_error(exc)
    template = "payment/summary.html" if request.form.get("back") == "summary" else "payment/index.html"
    return _after_cart_change(employer, error, template, back=_back())


@bp.get("/cart/badge")
@with_employer
def badge(employer):
    """The header's CART badge (block `badge` of every page), refreshed when the cart changes."""
    return make_response(render_block("base.html", "badge", employer=employer))


@bp.get("/summary")
@with_employer
def summary(employer):
    """PROCEED TO SUMMARY: the Payment Cart and its Total Amount, then CONTINUE."""
    return render("payment/summary.html", employer=employer, form=PlainForm(), **_cart_context(employer))


@bp.get("/items/<ref>")
@with_employer
def item(employer, ref: str):
    """The magnifier: the employees and amounts of one ACR/ECR (or what an FCLB notice is for)."""
    try:
        ack, notice, rows = cart.details(employer, ref)
    except NotFound:
        abort(404)
    return render("payment/item.html", employer=employer, ack=ack, notice=notice, rows=rows,
                  total=sum(row.amount for row in rows))


@bp.route("/cancel/<int:submission_id>", methods=["GET", "POST"])
@with_employer
def cancel(employer, submission_id: int):
    """Choose the ACR, the ECR or both, then CONFIRM (QRG 9)."""
    issued = bills.cancellable(employer, submission_id)
    if not issued:
        abort(404)
    form = PlainForm()
    error = None
    if form.validate_on_submit():
        try:
            bills.cancel(employer, request.form.getlist("which"), by=current_user._get_current_object())
        except AssistError as exc:
            error = translate_error(exc)
        else:
            flash(gettext('"Record" has been successfully removed'), "success")
            return redirect(url_for("payment.index"), 303)
    return render("payment/cancel.html", status=422 if error else 200, employer=employer, issued=issued,
                  form=form, error=error)
