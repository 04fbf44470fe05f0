"""FPX's answers arriving at the portal (payments.md A.2, I4, I7): the direct AC (server to server) and the
indirect AC (the buyer's browser coming back from the bank).

Neither needs a session or a CSRF token: the exchange's RSA signature, checked with FPX's certificate, and
the comparison with the stored AR are their protection (security.md C.2). The direct AC is answered `OK`
only after the change has committed; anything that cannot be verified changes nothing and gets a non-OK
answer. The indirect AC is a cross-site POST that arrives without the (SameSite=Lax) session cookie: it is
applied like the direct one and answered with a 303 to the GET status page, where the cookie is sent again.
"""

from datetime import UTC, datetime

from flask import Blueprint, current_app, redirect, request, url_for
from flask_babel import gettext

from core import fpx
from webapp import fpx_gateway, mandate_gateway
from webapp.errors import render_error
from webapp.extensions import csrf
from webapp.services import fpx_answers, mandate_callbacks

bp = Blueprint("fpx", __name__, url_prefix="/fpx")
csrf.exempt(bp)
LARGEST_ANSWER = 16 * 1024  # an AC is about 2 KB; anything much bigger is not FPX's and is not stored


@bp.before_request
def refuse_oversized():
    """These URLs are open to anyone: a body far larger than any AC is refused before it is read or logged."""
    if request.content_length is None or request.content_length > LARGEST_ANSWER:
        return current_app.response_class("ERROR", 413, mimetype="text/plain")
    return None


def _certificate() -> bytes:
    gateway = fpx_gateway.from_config(current_app.config)
    try:
        return gateway.certificate() if gateway else b""
    except fpx.FpxError:
        return b""  # unreadable: nothing can be verified, so nothing is applied


def _fields() -> dict:
    return {name: request.form.get(name, "") for name in request.form}


def _apply(kind: str):
    """FPX's payment ACs, or an e-Mandate message (direct debit, QRG 7) that arrives at the same URLs."""
    fields = _fields()
    if mandate_callbacks.is_mandate_message(fields):
        page = "direct_debit.status" if fields.get("fpx_msgType") == "DS" else "mandate.show"
        return mandate_callbacks.apply_form(fields, kind, mandate_gateway.from_config(current_app.config),
                                            datetime.now(UTC)), page
    return fpx_answers.apply_form(fields, kind, _certificate(), datetime.now(UTC)), "fpx_payment.status"


@bp.post("/direct-ac")
def direct_ac():
    answer, _ = _apply("AC-direct")
    if answer.acknowledged:  # committed: the transaction of apply_form has ended
        return current_app.response_class("OK", 200, mimetype="text/plain")
    return current_app.response_class("ERROR", 400, mimetype="text/plain")


@bp.post("/indirect-ac")
def indirect_ac():
    answer, page = _apply("AC-indirect")
    if answer.acknowledged:
        return redirect(url_for(page, order_no=answer.order_no), 303)
    return render_error(400, gettext("The answer from FPX could not be verified"),
                        gettext("Nothing was changed. Open PAYMENT to see the status of your payment."))
