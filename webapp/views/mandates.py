"""PAYMENT, Direct Debit, SOCSO or EIS, Mandate (QRG 7 steps 1-4): the Mandate List with each mandate's state,
ENROLL NEW (Business Model, Bank List, Limit Per Transaction (RM), Max Frequency Per Month, Phone No, Email
Address, the consent tick, PROCEED), the page that takes the browser to the bank for the RM 1.00 authorisation,
a mandate's page (where the bank's answer brings the browser back), CHECK STATUS and CANCEL of an enrolment
still at the bank, and TERMINATE (confirmed).
"""

import logging
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user
from wtforms import SelectChoice

from core import fpx, mandates
from core.errors import AssistError, NotFound
from core.identifiers import normalize_phone
from core.money import parse_ringgit, sen
from webapp import mandate_gateway
from webapp.forms.auth import PlainForm
from webapp.forms.direct_debit import MandateForm
from webapp.i18n import translate_error
from webapp.rendering import render
from webapp.security import allow_form_to
from webapp.services import mandates as mandate_service
from webapp.tenancy import with_employer

log = logging.getLogger("assist.payments")
bp = Blueprint("mandate", __name__, url_prefix="/payment/direct-debit")
bp.add_app_template_global(mandates.STATUS_NAMES, "mandate_statuses")


def now() -> datetime:
    return datetime.now(UTC)


def gateway():
    return mandate_gateway.from_config(current_app.config)


def _scheme(scheme: str) -> str:
    if scheme not in mandates.SCHEMES:
        abort(404)
    return scheme


def _mandate(employer, order_no: str):
    try:
        return mandate_service.of_employer(employer, order_no)
    except NotFound:
        abort(404)


@bp.get("/<scheme>/mandate")
@with_employer
def index(employer, scheme: str):
    """The Mandate List of a scheme, and ENROLL NEW."""
    scheme = _scheme(scheme)
    return render("direct_debit/mandates.html", employer=employer, scheme=scheme,
                  mandates=mandate_service.listing(employer, scheme), form=PlainForm())


def _banks(gateway_, token: str, form: MandateForm) -> str | None:
    """Fill the Bank List (offline banks shown, not selectable); the reason when there is no list."""
    if gateway_ is None:
        return gettext("Direct debit by FPX is not available on this server.")
    try:
        banks = gateway_.fpx.bank_list(token, now())
    except fpx.FpxError as error:
        log.warning("bank list (BE) failed: %s", error)
        return gettext("The bank list is not available now. Try again in a few minutes.")
    offline = gettext("Offline")
    form.bank.choices = [SelectChoice("", gettext("Choose a bank"))] + sorted(
        [SelectChoice(b.code, fpx.bank_name(token, b.code) + ("" if b.online else f" ({offline})"),
                      {} if b.online else {"disabled": True}) for b in banks], key=lambda choice: choice.label.lower())
    return None


@bp.route("/<scheme>/mandate/new", methods=["GET", "POST"])
@with_employer
def enrol(employer, scheme: str):
    """ENROLL NEW: the form; PROCEED commits the mandate and goes to the bank for the RM 1.00 authorisation."""
    scheme = _scheme(scheme)
    gateway_ = gateway()
    form = MandateForm(model=request.args.get("model") or fpx.B2C, email=current_user.email)
    token = form.model.data if form.model.data in fpx.MODEL_NAMES else fpx.B2C
    form.model.data = token
    bank_error = _banks(gateway_, token, form)
    error = None
    if request.method == "POST" and not request.form.get("show") and form.validate_on_submit() and not bank_error:
        try:
            mandate = mandate_service.enrol(
                current_user, employer, gateway_, scheme=scheme, token=token, bank_id=form.bank.data,
                limit_sen=sen(parse_ringgit(form.limit.data)), max_frequency=mandates.parse_frequency(
                    form.frequency.data), phone=normalize_phone(form.phone.data), email=form.email.data.strip(),
                now=now())
        except AssistError as exc:
            if exc.field in ("limit", "frequency", "bank") and exc.field in form:
                form[exc.field].errors = [translate_error(exc)]
            else:
                error = translate_error(exc)
        except fpx.FpxError as exc:
            log.warning("enrolling a mandate failed: %s", exc)
            error = gettext("The bank list is not available now. Try again in a few minutes.")
        else:
            return redirect(url_for("mandate.go", order_no=mandate.order_no), 303)
    status = 422 if (error or form.errors) else 200
    return render("direct_debit/enrol.html", block="banks", status=status, employer=employer, scheme=scheme,
                  form=form, bank_error=bank_error, error=error, maximum=mandates.MAX_FREQUENCY,
                  limits={code: fpx.AMOUNT_LIMITS[code] for code in fpx.MODEL_NAMES},
                  simulated=current_app.config.get("FPX_SIM_ENABLED"))


@bp.get("/mandate/<order_no>/go")
@with_employer
def go(employer, order_no: str):
    """The committed enrolment, POSTed to the exchange by the browser (auto-submitted; a button without JS)."""
    mandate = _mandate(employer, order_no)
    gateway_ = gateway()
    fields = mandate_service.ad_to_send(mandate)
    if fields is None or gateway_ is None:
        return redirect(url_for("mandate.show", order_no=mandate.order_no), 303)
    # the form goes to the exchange: its origin joins the page's form-action
    page = render("direct_debit/redirect.html", employer=employer, mandate=mandate, fields=fields,
                  action=gateway_.enrol_url)
    return allow_form_to(page, gateway_.origin)


@bp.get("/mandate/<order_no>")
@with_employer
def show(employer, order_no: str):
    """A mandate: its state, terms and what comes next (the bank's answer lands here)."""
    mandate = _mandate(employer, order_no)
    code = mandate.auth_code
    return render("direct_debit/mandate.html", employer=employer, mandate=mandate, form=PlainForm(),
                  answer=fpx.response_code(code) if code else None)


@bp.post("/mandate/<order_no>/check")
@with_employer
def check(employer, order_no: str):
    """CHECK STATUS: ask FPX (AE) about an enrolment still waiting for the bank's authorisation."""
    mandate = _mandate(employer, order_no)
    if not PlainForm().validate_on_submit():
        abort(400)
    gateway_ = gateway()
    if gateway_ is not None:
        mandate_service.check(mandate, gateway_, now())
    return redirect(url_for("mandate.show", order_no=mandate.order_no), 303)


@bp.post("/mandate/<order_no>/cancel")
@with_employer
def cancel(employer, order_no: str):
    """CANCEL an enrolment still at the bank (AX)."""
    mandate = _mandate(employer, order_no)
    if not PlainForm().validate_on_submit():
        abort(400)
    gateway_ = gateway()
    if gateway_ is None:
        flash(gettext("Direct debit by FPX is not available on this server."), "error")
        return redirect(url_for("mandate.show", order_no=mandate.order_no), 303)
    try:
        mandate_service.cancel(current_user, employer, mandate.order_no, gateway_, now())
    except AssistError as exc:
        flash(translate_error(exc), "error")
    return redirect(url_for("mandate.show", order_no=mandate.order_no), 303)


@bp.route("/mandate/<order_no>/terminate", methods=["GET", "POST"])
@with_employer
def terminate(employer, order_no: str):
    """TERMINATE: a confirmation page, then the mandate ends (no debit is sent on it again)."""
    mandate = _mandate(employer, order_no)
    form = PlainForm()
    error = None
    if form.validate_on_submit():
        try:
            mandate_service.terminate(current_user, employer, mandate.order_no, gateway(), now())
        except AssistError as exc:
            error = translate_error(exc)
        else:
            flash(gettext("The mandate has been terminated. No debit will be made on it again."), "success")
            return redirect(url_for("mandate.index", scheme=mandate.scheme), 303)
    return render("direct_debit/terminate.html", status=422 if error else 200, employer=employer, mandate=mandate,
                  form=form, error=error)
