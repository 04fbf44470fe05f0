"""The test control API under /_control (payments.md A.8), answered only to loopback clients.

The client address is the socket's peer (waitress sets REMOTE_ADDR; no proxy header is trusted), so an
`X-Forwarded-For` cannot open it. Bodies are JSON; errors are JSON {"error": ...} with 400, 403, 404 or 409.
"""

import ipaddress
import json
from datetime import datetime

from flask import Blueprint, current_app, jsonify, request

from fpxsim.exchange import Conflict
from fpxsim.scenario import DEFAULT_RULES, ScenarioError

bp = Blueprint("control", __name__, url_prefix="/_control")


def exchange():
    return current_app.extensions["fpxsim"]


def is_loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False


@bp.before_request
def loopback_only():
    if not is_loopback(request.remote_addr):
        return jsonify(error="the control API answers loopback clients only"), 403
    return None


def _body() -> dict:
    body = request.get_json(silent=True)
    if body is None and request.get_data():
        raise ScenarioError("the body must be JSON")
    return body or {}


@bp.errorhandler(ScenarioError)
def bad_request(error):
    return jsonify(error=str(error)), 400


@bp.errorhandler(LookupError)
def not_found(error):
    return jsonify(error=f"no transaction {error}"), 404


@bp.errorhandler(Conflict)
def conflict(error):
    return jsonify(error=str(error)), 409


@bp.route("/scenario", methods=["GET", "POST"])
def scenario():
    if request.method == "POST":
        exchange().set_scenario(_body())
    return jsonify(scenario=exchange().scenario(), default_rules=list(DEFAULT_RULES))


@bp.post("/resolve/<txn_id>")
def resolve(txn_id):
    code = _body().get("code", "00")
    if not isinstance(code, str) or len(code) != 2 or not code.isalnum():
        raise ScenarioError("code must be a two-character FPX code")
    try:
        exchange().resolve(txn_id, code.upper())
    except LookupError:  # not a transaction: a pending e-Mandate debit (mandate_debits.py)?
        if exchange().mandates is None:
            raise
        return jsonify(debit=exchange().mandates.debits.resolve(txn_id, code.upper()))
    return jsonify(txn=describe(txn_id))


@bp.post("/replay-ac/<txn_id>")
def replay_ac(txn_id):
    which = _body().get("which", "latest")
    if which not in ("latest", "all"):
        raise ScenarioError("which must be latest or all")
    return jsonify(deliveries=exchange().replay(txn_id, which))


@bp.route("/clock", methods=["GET", "POST"])
def clock():
    if request.method == "POST":
        body, sim = _body(), exchange().clock
        if body.get("real"):
            sim.reset()
        elif "now" in body:
            try:
                moment = datetime.fromisoformat(str(body["now"]))
            except ValueError:
                raise ScenarioError("now must be an ISO 8601 time with its offset") from None
            if moment.tzinfo is None:
                raise ScenarioError("now needs an offset, e.g. 2026-03-02T10:00:00+08:00")
            sim.set(moment, frozen=bool(body.get("frozen", False)))
        elif "advance_s" in body:
            if not isinstance(body["advance_s"], int | float) or isinstance(body["advance_s"], bool):
                raise ScenarioError("advance_s must be a number of seconds")
            sim.advance(float(body["advance_s"]))
        else:
            raise ScenarioError("give one of now (+ frozen), advance_s or real")
        exchange().clock_moved()
    return jsonify(exchange().clock.describe())


@bp.get("/log")
def log():
    query, params = "SELECT * FROM log WHERE id > ?", [request.args.get("since", 0, type=int)]
    for arg, column in (("fpx_txn_id", "fpx_txn_id"), ("seller_ex_order_no", "seller_ex_order_no"),
                        ("kind", "kind"), ("direction", "direction")):
        if request.args.get(arg):
            query += f" AND {column} = ?"
            params.append(request.args[arg])
    rows = exchange().store.all(query + " ORDER BY id", *params)
    return jsonify(messages=[{
        "id": row["id"], "at": row["at"], "sim_time": row["sim_time"], "direction": row["direction"],
        "kind": row["kind"], "fpx_txn_id": row["fpx_txn_id"], "seller_ex_order_no": row["seller_ex_order_no"],
        "fields": json.loads(row["fields"]), "code": row["code"], "note": row["note"],
        "signature_valid": None if row["signature_valid"] is None else bool(row["signature_valid"]),
    } for row in rows])


@bp.post("/reset")
def reset():
    exchange().reset()
    return jsonify(reset=True)


@bp.get("/txn/<txn_id>")
def txn(txn_id):
    return jsonify(txn=describe(txn_id))


@bp.get("/txn")
def txn_by_order():
    row = exchange().store.one("SELECT fpx_txn_id FROM txn WHERE seller_ex_order_no = ?",
                               request.args.get("seller_ex_order_no", ""))
    if row is None:
        raise LookupError(request.args.get("seller_ex_order_no", ""))
    return jsonify(txn=describe(row["fpx_txn_id"]))


@bp.get("/info")
def info():
    settings = exchange().settings
    return jsonify(seller_id=settings.seller_id, exchange_id=settings.exchange_id,
                   certificate_path=str(settings.certificate_path.resolve()),
                   merchant_cert=str(settings.merchant_cert) if settings.merchant_cert else None,
                   direct_ac_url=settings.direct_ac_url, indirect_ac_url=settings.indirect_ac_url,
                   retry_schedule=list(settings.retry_schedule), ac_timeout=settings.ac_timeout,
                   max_skew_minutes=settings.max_skew_minutes, operating_hours=settings.operating_hours)


def describe(txn_id: str) -> dict:
    store = exchange().store
    row = store.one("SELECT * FROM txn WHERE fpx_txn_id = ?", txn_id)
    if row is None:
        raise LookupError(txn_id)
    events = store.all("SELECT * FROM event WHERE fpx_txn_id = ? ORDER BY id", txn_id)
    deliveries = store.all("SELECT * FROM delivery WHERE fpx_txn_id = ? ORDER BY id", txn_id)
    return {
        "fpx_txn_id": row["fpx_txn_id"], "seller_ex_order_no": row["seller_ex_order_no"],
        "seller_order_no": row["seller_order_no"], "msg_token": row["msg_token"],
        "buyer_bank_id": row["buyer_bank_id"], "amount_sen": row["amount_sen"], "status": row["status"],
        "plan": json.loads(row["plan"]), "indirect_ac": json.loads(row["indirect"]),
        "indirect_served": row["indirect_served"], "ar": json.loads(row["ar"]),
        "events": [{"id": event["id"], "code": event["code"], "fields": json.loads(event["fields"])}
                   for event in events],
        "deliveries": [{"id": d["id"], "event_id": d["event_id"], "state": d["state"], "attempts": d["attempts"],
                        "code": json.loads(d["fields"]).get("fpx_debitAuthCode"), "last_result": d["last_result"],
                        "signature_valid": bool(d["signature_valid"]), "knobs": json.loads(d["knobs"])}
                       for d in deliveries],
    }
