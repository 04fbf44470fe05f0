"""The exchange's public endpoints, on the real FPX paths, and the simulated bank's pages."""

import json
import time

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from fpxsim import host
from fpxsim.protocol import B2B1, BANK_OUTCOMES, BANKS, DESCRIPTIONS, PENDING_CODES, amount_sen, first_values

bp = Blueprint("fpx", __name__)


def exchange():
    return current_app.extensions["fpxsim"]


def _plain(reply) -> Response:
    if reply.delay:
        time.sleep(reply.delay)
    return Response(reply.body, status=reply.status, mimetype="text/plain")


def _txn_or_404(txn_id: str):
    row = exchange().store.one("SELECT * FROM txn WHERE fpx_txn_id = ?", txn_id)
    if row is None:
        abort(404)
    return row


def _describe(txn) -> dict:
    ar = json.loads(txn["ar"])
    sen = amount_sen(ar.get("fpx_txnAmount", ""))
    return {"id": txn["fpx_txn_id"], "order": txn["seller_order_no"], "ex_order": txn["seller_ex_order_no"],
            "amount": f"RM {sen / 100:,.2f}" if sen is not None else ar.get("fpx_txnAmount", ""),
            "model": "B2B1" if txn["msg_token"] == B2B1 else "B2C",
            "bank": BANKS.get(txn["msg_token"], {}).get(txn["buyer_bank_id"], txn["buyer_bank_id"]),
            "status": txn["status"], "description": DESCRIPTIONS.get(txn["status"] or "", "")}


@bp.get("/")
def index():
    rows = exchange().store.all("SELECT * FROM txn ORDER BY created_at DESC LIMIT 50")
    return render_template("index.html", txns=[_describe(row) for row in rows], pending=PENDING_CODES,
                           settings=exchange().settings)


@bp.get("/favicon.ico")
def favicon():
    return Response(status=204)


@bp.post("/FPXMain/seller2DReceiver.jsp")
def authorization_request():
    result = exchange().receive_ar(first_values(request.form))
    if result.error_code:
        return render_template("error.html", code=result.error_code, reason=result.reason,
                               description=DESCRIPTIONS.get(result.error_code, "")), 400
    target = "fpx.result" if result.answered else "fpx.bank_page"
    return redirect(url_for(target, txn_id=result.fpx_txn_id), 303)


@bp.get("/FPXMain/bank/<txn_id>")
def bank_page(txn_id):
    txn = _txn_or_404(txn_id)
    if txn["status"] is not None:
        return redirect(url_for("fpx.result", txn_id=txn_id), 303)
    plan = json.loads(txn["plan"])
    outcomes = [(code, label) for code, label in BANK_OUTCOMES if code != "99" or txn["msg_token"] == B2B1]
    return render_template("bank.html", txn=_describe(txn), outcomes=outcomes, scenario=plan["outcome"],
                           scenario_text=DESCRIPTIONS.get(plan["outcome"], "as set by the scenario"))


@bp.post("/FPXMain/bank/<txn_id>")
def bank_answer(txn_id):
    txn = _txn_or_404(txn_id)
    choice = request.form.get("outcome", "")
    if choice == "scenario":
        choice = json.loads(txn["plan"])["outcome"]
    elif choice not in {code for code, _ in BANK_OUTCOMES} or (choice == "99" and txn["msg_token"] != B2B1):
        abort(400)
    exchange().bank_answer(txn_id, choice)  # a second press changes nothing: the first answer stands
    return redirect(url_for("fpx.result", txn_id=txn_id), 303)


@bp.get("/FPXMain/bank/<txn_id>/done")
def result(txn_id):
    txn = _txn_or_404(txn_id)
    page = exchange().result_page(txn_id)
    if page is None:
        return redirect(url_for("fpx.bank_page", txn_id=txn_id), 303)
    return render_template("result.html", txn=_describe(txn), page=page, pending=PENDING_CODES,
                           merchant_url=exchange().settings.indirect_ac_url,
                           description=DESCRIPTIONS.get(page["code"], f"Code {page['code']}"))


@bp.route("/FPXMain/bank/<txn_id>/authorise", methods=["GET", "POST"])
def authorise(txn_id):
    """The B2B1 authoriser (or the bank settling a 09) answering later: a direct AC only."""
    txn = _txn_or_404(txn_id)
    if txn["status"] not in PENDING_CODES:
        return redirect(url_for("fpx.index"), 303)
    outcomes = [(code, label) for code, label in BANK_OUTCOMES if code not in PENDING_CODES]
    if request.method == "POST":
        choice = request.form.get("outcome", "")
        if choice not in {code for code, _ in outcomes}:
            abort(400)
        exchange().resolve(txn_id, choice)
        return redirect(url_for("fpx.index"), 303)
    return render_template("bank.html", txn=_describe(txn), outcomes=outcomes, scenario=None, authorise=True)


@bp.post("/FPXMain/sellerNVPTxnStatus.jsp")
def authorization_enquiry():
    return _plain(host.enquire(exchange(), first_values(request.form)))


@bp.post("/FPXMain/RetrieveBankList")
def bank_enquiry():
    return _plain(host.bank_list(exchange(), first_values(request.form)))


@bp.post("/FPXMain/sellerReqCancel.jsp")
def cancellation_request():
    return _plain(host.cancel(exchange(), first_values(request.form)))
