"""Officers: FPX payments that need review (no final answer from FPX after reconciliation, or approved by FPX
for items already paid or cancelled: to refund), and the gateway messages that were refused or contradicted."""

from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, redirect, url_for

from core import fpx
from webapp import fpx_gateway
from webapp.access import officer_required
from webapp.forms.auth import PlainForm
from webapp.rendering import render
from webapp.services import reconciliation

bp = Blueprint("officer_payments", __name__, url_prefix="/officer/payments")

@bp.get("/")
@officer_required
def review():
    return render("officer/payments.html", attempts=reconciliation.needs_review(), alerts=reconciliation.alerts(),
                  form=PlainForm(), bank_name=fpx.bank_name)


@bp.post("/<order_no>/check")
@officer_required
def check(order_no: str):
    """CHECK AGAIN: an AE now for an attempt on the list."""
    if not PlainForm().validate_on_submit():
        abort(400)
    attempt = reconciliation.attempt(order_no)
    if attempt is None:
        abort(404)
    gateway = fpx_gateway.from_config(current_app.config)
    if gateway is not None and attempt.status in ("created", "pending", "needs_review"):
        reconciliation.check(attempt, gateway, datetime.now(UTC))
    return redirect(url_for("officer_payments.review"), 303)
