"""[SIM-DEFINED] e-Mandate endpoints (see mandate.py for the messages and the order of checks)."""

import time

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for

from fpxsim.control import is_loopback
from fpxsim.protocol import DESCRIPTIONS, first_values

bp = Blueprint("mandate", __name__, url_prefix="/_sim/mandate")


def mandates():
    return current_app.extensions["fpxsim"].mandates


@bp.post("/enrol")
def enrol():
    """A browser POST like an AR: an error page, or the bank page for the RM 1.00 authorisation."""
    result = mandates().enrol(first_values(request.form))
    if result.error_code:
        return render_template("error.html", code=result.error_code, reason=result.reason,
                               description=DESCRIPTIONS.get(result.error_code, "")), 400
    target = "fpx.result" if result.answered else "fpx.bank_page"
    return redirect(url_for(target, txn_id=result.fpx_txn_id), 303)


def _plain(reply):
    if reply.delay:
        time.sleep(reply.delay)
    return current_app.response_class(reply.body, status=reply.status, mimetype="text/plain")


@bp.post("/debit")
def debit():
    return _plain(mandates().debits.debit(first_values(request.form)))


@bp.post("/terminate")
def terminate():
    """A signed form: the merchant ends the mandate (TR, host-to-host). JSON: the buyer cancels it at the bank
    (a test action, loopback only)."""
    if not request.is_json:
        return _plain(mandates().terminate_for_merchant(first_values(request.form)))
    if not is_loopback(request.remote_addr):
        return jsonify(error="loopback clients only"), 403
    mandate_id = (request.get_json(silent=True) or {}).get("mandate_id", "")
    try:
        return jsonify(mandate=mandates().terminate(str(mandate_id)))
    except LookupError:
        return jsonify(error=f"no mandate {mandate_id}"), 404


@bp.get("/<mandate_id>")
def show(mandate_id):
    """A mandate's state for tests (loopback only)."""
    if not is_loopback(request.remote_addr):
        return jsonify(error="loopback clients only"), 403
    mandate = mandates().get(mandate_id)
    return (jsonify(mandate=mandate), 200) if mandate else (jsonify(error=f"no mandate {mandate_id}"), 404)
