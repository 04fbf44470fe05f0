"""The bank counter (QRG 8) for a bank teller: a kiosk-sized page to SEARCH one ACR/ECR by number, RECORD
PAYMENT (cash, or one cheque per scheme, for the exact amount) and PRINT RECEIPT. A teller account reaches
this page, the help and its own password, nothing else: every employer and officer page refuses it.
`flask --app wsgi create-teller EMAIL` makes a teller account (a temporary password, changed at first login).
"""

from datetime import UTC, datetime

import click
from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from core.errors import N_, AssistError, NotFound
from core.money import parse_ringgit, sen
from webapp.access import role_required
from webapp.errors import render_error
from webapp.forms.counter import FindForm, RecordForm
from webapp.i18n import translate_error
from webapp.rendering import form_errors, render
from webapp.services import counter, receipts, tellers
from webapp.views.files import attachment

bp = Blueprint("counter", __name__, url_prefix="/counter", cli_group=None)
teller_required = role_required("teller")
# Besides the counter's own pages, what a teller may open: help, the language, its password, logging out.
TELLER_MAY = {"static", "assets", "public.language", "public.help_page", "public.help_topic", "auth.login",
              "auth.logout", "auth.logged_out", "auth.keepalive", "auth.change_password"}
STATUSES = {"unpaid": N_("Unpaid"), "paid": N_("Paid"), "cancelled": N_("Cancelled"),
            "held": N_("In another payment waiting for its answer")}


@bp.before_app_request
def keep_tellers_at_the_counter():
    """A teller reaches the counter and TELLER_MAY only: anything else is refused (403), the home page
    leads to the counter."""
    if not current_user.is_authenticated or current_user.role != "teller" or request.endpoint is None:
        return None
    if request.endpoint.startswith("counter.") or request.endpoint in TELLER_MAY:
        return None
    if request.endpoint == "public.home":
        return redirect(url_for("counter.index"), 303)
    return render_error(403, gettext("A bank teller account opens the bank counter only"),
                        gettext("Use the bank counter page to find an ACR/ECR and record its payment."))


def _me():
    return current_user._get_current_object()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _page(status: int = 200, **context):
    context.setdefault("find_form", FindForm())
    context.setdefault("doc", None)
    return render("counter/index.html", status=status, today=counter.recorded_today(_me(), _now()),
                  statuses=STATUSES, **context)


@bp.get("/")
@teller_required
def index():
    return _page()


@bp.post("/")
@teller_required
def search():
    """SEARCH: the document with this number (only what a teller may see), with the RECORD PAYMENT form."""
    form = FindForm()
    if not form.validate_on_submit():
        return _page(form_errors(form), find_form=form)
    try:
        doc = counter.find(_me(), form.number.data, _now())
    except AssistError as exc:
        form.number.errors.append(translate_error(exc))
        return _page(422, find_form=form)
    return _page(doc=doc, record_form=RecordForm(number=doc.number, token=doc.token, method="cheque"))


@bp.post("/record")
@teller_required
def record():
    """RECORD PAYMENT: cash or a cheque for the document's exact amount; then its receipt (303)."""
    form = RecordForm()
    error = None
    if form.validate_on_submit():
        try:
            paid = counter.record(_me(), number=form.number.data, token=form.token.data, method=form.method.data,
                                  amount=sen(parse_ringgit(form.amount.data)), bank=form.bank.data or "",
                                  cheque_no=form.cheque_no.data or "", now=_now())
        except AssistError as exc:
            if exc.field and exc.field in form and exc.field not in ("number", "token"):
                form[exc.field].errors.append(translate_error(exc))
            else:
                error = translate_error(exc)
        else:
            if paid.again:
                flash(gettext("This payment was recorded already (the form was sent twice): it was not recorded "
                              "again."), "warning")
            else:
                flash(gettext("Payment recorded. Receipt No. %(receipt)s.", receipt=paid.receipt), "success")
            return redirect(url_for("counter.payment", order_no=paid.order_no), 303)
    try:
        doc = counter.find(_me(), form.number.data or "", _now(), log=False)
    except AssistError as exc:
        return _page(422, error=error or translate_error(exc))
    if not doc.payable:  # paid or held meanwhile: the document's status says why, no form
        return _page(422, doc=doc, error=error)
    return _page(422, doc=doc, record_form=form, error=error)


@bp.get("/payments/<order_no>")
@teller_required
def payment(order_no: str):
    """The payment just recorded: its receipt number, PRINT RECEIPT and NEXT CUSTOMER."""
    try:
        attempt, receipt, ack = counter.payment_of(_me(), order_no)
    except NotFound:
        abort(404)
    method, details = receipts.method_of(attempt)
    return render("counter/payment.html", attempt=attempt, receipt=receipt, ack=ack, method=method, details=details)


@bp.get("/payments/<order_no>/receipt.pdf")
@teller_required
def receipt_pdf(order_no: str):
    """PRINT RECEIPT: the receipt PDF of a payment this teller recorded."""
    try:
        _attempt, receipt, _ack = counter.payment_of(_me(), order_no)
    except NotFound:
        abort(404)
    return attachment(receipts.pdf_of_receipt(receipt), "application/pdf", f"resit-receipt-{receipt.number}.pdf")


@bp.cli.command("create-teller")
@click.argument("email")
@click.option("--name", default="Bank Teller", help="The teller's name as printed on receipts.")
def create_teller_command(email, name):
    """Create a bank teller account with a temporary password, printed once here."""
    try:
        password = tellers.create(email, name, current_app.config)
    except AssistError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Teller {email.strip().lower()} created. Temporary password (shown once): {password}")
