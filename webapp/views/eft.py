"""MY SITES, PAYMENT, ELECTRONIC FUND TRANSFER (QRG 6): SOCSO or EIS; Registration (Email Address, Contact No.,
Officer Name, SUBMIT), once; Payment: SEARCH, tick, the magnifier, ADD TO CART, PROCEED TO PAYMENT; Payment
Date, Payment Reference No., Amount (RM), Payment Slip, CONTINUE; CONTINUE; the confirmation screen (the
receipt is emailed once an officer verifies the payment).
"""

from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext
from flask_login import current_user

from core.errors import N_, AssistError, NotFound, ValidationError
from core.money import parse_ringgit, sen
from webapp.clock import malaysia_today
from webapp.forms.auth import PlainForm
from webapp.forms.eft import EftPaymentForm, EftRegistrationForm
from webapp.i18n import translate_error
from webapp.parsing import parse_date, parse_id
from webapp.rendering import render, wants_partial
from webapp.services import cart, eft, receipts
from webapp.tenancy import with_employer

bp = Blueprint("eft", __name__, url_prefix="/payment/eft")
SCHEME = "<any(socso, eis):eft_scheme>"  # `scheme` is the contribution pages' (combined, socso, eis)
DRAFT = "eft_draft"
STATUSES = {"submitted": N_("Submitted: awaiting verification by PERKESO"),
            "checked": N_("First approval given: awaiting a second officer"),
            "verified": N_("Verified: receipt emailed"), "rejected": N_("Rejected")}
bp.add_app_template_global(STATUSES, "eft_statuses")
bp.add_app_template_global(eft.scheme_name, "eft_scheme_name")
CART_CHANGED = "cart-changed"  # the header's CART badge follows (payment.CART_CHANGED)


def _user():
    return current_user._get_current_object()


def _registered_or_redirect(employer, scheme):
    if eft.registration(employer, scheme) is None:
        flash(gettext("Register for %(scheme)s EFT first: fill in Registration and SUBMIT.",
                      scheme=eft.scheme_name(scheme)), "error")
        return redirect(url_for("eft.registration", eft_scheme=scheme), 303)
    return None


@bp.get("/")
@with_employer
def index(employer):
    """ELECTRONIC FUND TRANSFER: SOCSO or EIS, Registration or Payment; the latest EFT payments."""
    return render("eft/index.html", employer=employer, registered=eft.registrations(employer),
                  payments=eft.recent(employer), schemes=eft.SCHEMES)


@bp.route(f"/{SCHEME}/registration", methods=["GET", "POST"])
@with_employer
def registration(employer, eft_scheme):
    scheme = eft_scheme
    found = eft.registration(employer, scheme)
    form = EftRegistrationForm(email=current_user.email)
    if found is None and form.validate_on_submit():
        try:
            eft.register(_user(), employer, scheme, email=form.email.data.strip(), contact_no=form.contact_no.data,
                         officer_name=form.officer_name.data)
        except ValidationError as exc:
            getattr(form, exc.field or "email").errors.append(translate_error(exc))
        except AssistError as exc:
            flash(translate_error(exc), "error")
            return redirect(url_for("eft.registration", eft_scheme=scheme), 303)
        else:
            flash(gettext("Registered for %(scheme)s EFT.", scheme=eft.scheme_name(scheme)), "success")
            return redirect(url_for("eft.payment", eft_scheme=scheme), 303)
    elif found is not None and request.method == "POST":
        flash(gettext("%(scheme)s EFT is registered already for this employer.", scheme=eft.scheme_name(scheme)),
              "error")
    return render("eft/registration.html", status=422 if form.errors else 200, employer=employer, scheme=scheme,
                  found=found, form=form)


def _list_context(employer, scheme, query: str = "") -> dict:
    checked = eft.check_cart(current_user, employer, scheme)
    return {"employer": employer, "scheme": scheme, "query": query, "form": PlainForm(), "checked": checked,
            "rows": eft.payable(current_user, employer, scheme, query)}


@bp.get(f"/{SCHEME}/payment")
@with_employer
def payment(employer, eft_scheme):
    """Payment: SEARCH (employer name or code, ACR/ECR No.), tick, magnifier, ADD TO CART, PROCEED TO PAYMENT."""
    scheme = eft_scheme
    refused = _registered_or_redirect(employer, scheme)
    if refused:
        return refused
    query = request.args.get("q", "").strip()[:60]
    return render("eft/payment.html", block="results", **_list_context(employer, scheme, query))


@bp.post(f"/{SCHEME}/cart/add")
@with_employer
def add_to_cart(employer, eft_scheme):
    scheme = eft_scheme
    if not PlainForm().validate_on_submit():
        abort(400)
    error = None
    try:
        cart.add(current_user, employer, request.form.getlist("item"))
    except AssistError as exc:
        error = translate_error(exc)
    query = request.form.get("q", "").strip()[:60]
    if wants_partial():
        response = render("eft/payment.html", block="cart", status=422 if error else 200, cart_error=error,
                          **_list_context(employer, scheme, query))
        response.headers["HX-Trigger"] = CART_CHANGED
        return response
    if error:
        flash(error, "error")
    return redirect(url_for("eft.payment", eft_scheme=scheme, q=query or None), 303)


@bp.post(f"/{SCHEME}/cart/remove")
@with_employer
def remove_from_cart(employer, eft_scheme):
    scheme = eft_scheme
    if not PlainForm().validate_on_submit():
        abort(400)
    try:
        cart.remove(current_user, employer, request.form.get("item", ""))
    except AssistError as exc:
        flash(translate_error(exc), "error")
    back = "eft.pay" if request.form.get("back") == "pay" else "eft.payment"
    return redirect(url_for(back, eft_scheme=scheme), 303)


@bp.get(f"/{SCHEME}/items/<ref>")
@with_employer
def item(employer, eft_scheme, ref: str):
    """The magnifier: the employees and amounts of one ACR/ECR (or what a notice is for)."""
    scheme = eft_scheme
    try:
        ack, notice, rows = cart.details(employer, ref)
    except NotFound:
        abort(404)
    return render("payment/item.html", employer=employer, ack=ack, notice=notice, rows=rows,
                  total=sum(row.amount for row in rows), back=url_for("eft.payment", eft_scheme=scheme))


@bp.route(f"/{SCHEME}/pay", methods=["GET", "POST"])
@with_employer
def pay(employer, eft_scheme):
    """PROCEED TO PAYMENT: Payment Date, Payment Reference No., Amount (RM), Payment Slip, CONTINUE."""
    scheme = eft_scheme
    refused = _registered_or_redirect(employer, scheme)
    if refused:
        return refused
    form = EftPaymentForm()
    error = None
    if form.validate_on_submit():
        try:
            draft = eft.prepare(_user(), employer, scheme, payment_date=parse_date(form.payment_date.data),
                                reference=form.reference.data, amount=sen(parse_ringgit(form.amount.data)),
                                slip=form.slip.data.stream, filename=form.slip.data.filename or "",
                                settings=current_app.config, today=malaysia_today())
        except ValidationError as exc:
            if exc.field in form:
                form[exc.field].errors.append(translate_error(exc))
            else:
                error = translate_error(exc)
        except AssistError as exc:
            error = translate_error(exc)
        else:
            session[DRAFT] = draft.to_session()
            return redirect(url_for("eft.confirm", eft_scheme=scheme), 303)
    checked = eft.check_cart(current_user, employer, scheme)
    status = 422 if (error or form.errors) else 200
    return render("eft/pay.html", status=status, employer=employer, scheme=scheme, form=form, error=error,
                  checked=checked, remove_form=PlainForm())


@bp.route(f"/{SCHEME}/confirm", methods=["GET", "POST"])
@with_employer
def confirm(employer, eft_scheme):
    """The second CONTINUE: what will be submitted, once more."""
    scheme = eft_scheme
    draft = eft.Draft.from_session(session.get(DRAFT))
    if draft is None or draft.scheme != scheme or draft.employer_id != employer.id:
        posted = parse_id(request.form.get("draft")) if request.method == "POST" else None
        done_already = eft.submitted_with_slip(employer, posted)
        if done_already:  # another tab submitted this very payment: say so, do not offer the form again
            flash(gettext("This payment was submitted already (%(order)s).", order=done_already), "success")
            return redirect(url_for("eft.done", order_no=done_already), 303)
        return redirect(url_for("eft.pay", eft_scheme=scheme), 303)
    form = PlainForm()
    error = None
    if form.validate_on_submit() and request.form.get("draft") != str(draft.slip_id):
        flash(gettext("The payment details were changed in another tab: check them again."), "error")
        return redirect(url_for("eft.confirm", eft_scheme=scheme), 303)
    if form.validate_on_submit():
        try:
            attempt = eft.submit(_user(), employer, draft, datetime.now(UTC))
        except ValidationError as exc:
            flash(translate_error(exc), "error")
            return redirect(url_for("eft.pay", eft_scheme=scheme), 303)
        except AssistError as exc:
            error = translate_error(exc)
        else:
            session.pop(DRAFT, None)
            return redirect(url_for("eft.done", order_no=attempt.order_no), 303)
    return render("eft/confirm.html", status=409 if error else 200, employer=employer, scheme=scheme, draft=draft,
                  form=form, error=error, checked=eft.check_cart(current_user, employer, scheme))


@bp.get("/<order_no>")
@with_employer
def done(employer, order_no: str):
    """The confirmation screen, and later the payment's status (verified, with its receipt, or rejected)."""
    try:
        found = eft.payment_for(current_user, order_no)
    except NotFound:
        abort(404)
    made, notices = receipts.of_attempt(found.attempt)
    return render("eft/done.html", employer=found.attempt.employer, payment=found, attempt=found.attempt,
                  scheme=found.registration.scheme, receipts=made, notices=notices)
