"""PAYMENT HISTORY (QRG 7 step 11, for every channel): each payment with its date, channel, order number,
amount and status (Submitted, Pending bank, Successful, Unsuccessful, Needs review), and its receipt (PDF)
when it has one; 10 a page; cards on a phone."""

from flask import Blueprint, request
from flask_babel import get_locale

from core import payment_channels, payment_history
from webapp.parsing import parse_page
from webapp.rendering import render
from webapp.services import payment_history as history
from webapp.tenancy import with_employer

bp = Blueprint("payment_history", __name__, url_prefix="/payment/history")
bp.add_app_template_global(payment_history.LABELS, "history_labels")
bp.add_app_template_global(payment_history.shown, "history_status")

DETAIL_PAGES = {payment_channels.FPX: "fpx_payment.status", payment_channels.DIRECT_DEBIT: "direct_debit.status"}


@bp.app_template_filter("channel_name")
def channel_name(channel: str) -> str:
    """A channel's name in the page's language (core.payment_channels.NAMES)."""
    malay, english = payment_channels.NAMES.get(channel, (channel, channel))
    return malay if str(get_locale()).startswith("ms") else english


@bp.get("/")
@with_employer
def index(employer):
    found = history.page(employer, parse_page(request.args.get("page")))
    return render("payment_history/index.html", employer=employer, history=found, labels=payment_history.LABELS,
                  details=DETAIL_PAGES)
