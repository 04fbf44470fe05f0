"""The host-to-host enquiries: AE (status), BE (bank list) and [SIM-DEFINED] AX (cancellation).

Each verifies the merchant's checksum; a message that fails (checksum, type, exchange) is answered with the
literal `ERROR`, as FPX does. Answers are signed with the exchange's key; knobs are described in scenario.py.
"""

import contextlib
import json

from fpxsim import scenario as scenarios
from fpxsim.exchange import Conflict, Exchange, Reply, facts_of
from fpxsim.protocol import BANKS, encode


def enquire(ex: Exchange, fields: dict) -> Reply:
    """The answer to an AE: the signed AC of the current state (09 while at the bank, 1A once the bank's
    session is over without an answer), 76 if unknown."""
    valid, reason = ex._merchant_signed(fields, "AE")
    problem = "" if fields.get("fpx_msgType") == "AE" else "fpx_msgType must be AE"
    problem = problem or ("" if valid else reason)
    if not problem and fields.get("fpx_sellerExId") != ex.settings.exchange_id:
        problem = "unknown seller exchange"
    ex.log("in", "AE", fields, signature_valid=valid, note=problem)
    if problem:
        return _reply_error(ex, "AC-reply", problem)
    txn = ex.store.one("SELECT * FROM txn WHERE seller_ex_order_no = ?", fields.get("fpx_sellerExOrderNo"))
    facts = facts_of(json.loads(txn["ar"]) if txn else fields)
    knobs = scenarios.plan(ex.scenario()["rules"], facts)["ae"]
    delay = knobs.get("latency_s", 0.0)
    if "http_5xx" in knobs:
        ex.log("out", "AC-reply", {}, note=f"HTTP {knobs['http_5xx']} (ae.http_5xx)")
        return Reply(knobs["http_5xx"], "", delay)
    if knobs.get("ERROR"):
        ex.log("out", "AC-reply", {}, note="ERROR (ae.ERROR)")
        return Reply(200, "ERROR", delay)
    too_early = txn is not None and "not_found_until" in knobs and \
        ex.clock.timestamp() < txn["created_at"] + knobs["not_found_until"]
    if txn is not None and txn["status"] is None and not knobs.get("stale") and \
            ex.clock.timestamp() > txn["created_at"] + ex.settings.bank_session_minutes * 60 and \
            ex.time_out_at_bank(txn["fpx_txn_id"]):
        txn = ex.store.one("SELECT * FROM txn WHERE seller_ex_order_no = ?", fields.get("fpx_sellerExOrderNo"))
    if txn is None or too_early:
        reply = not_found(ex, fields)
    elif knobs.get("stale") or txn["status"] is None:
        reply = ex.ac_fields(txn, "09")
    else:
        reply = ex.latest_ac(txn["fpx_txn_id"])
    ex.log("out", "AC-reply", reply, fpx_txn_id=txn["fpx_txn_id"] if txn else None, signature_valid=True,
             code=reply["fpx_debitAuthCode"], note="stale (ae.stale)" if knobs.get("stale") else "")
    return Reply(200, encode(reply), delay)


def not_found(ex: Exchange, request: dict) -> dict:
    fields = {name: request.get(name, "") for name in (
        "fpx_buyerBankBranch", "fpx_buyerBankId", "fpx_buyerIban", "fpx_buyerId", "fpx_buyerName",
        "fpx_makerName", "fpx_msgToken", "fpx_sellerExId", "fpx_sellerExOrderNo", "fpx_sellerId",
        "fpx_sellerOrderNo", "fpx_sellerTxnTime", "fpx_txnAmount", "fpx_txnCurrency")}
    fields.update({"fpx_creditAuthCode": "76", "fpx_creditAuthNo": "", "fpx_debitAuthCode": "76",
                   "fpx_debitAuthNo": "", "fpx_fpxTxnId": "", "fpx_fpxTxnTime": "", "fpx_msgType": "AC"})
    return ex.sign(fields, "AC")


def bank_list(ex: Exchange, fields: dict) -> Reply:
    """The answer to a BE: the signed BC list of the model's banks with A/B, or ERROR."""
    valid, reason = ex._merchant_signed(fields, "BE")
    token = fields.get("fpx_msgToken")
    problem = "" if valid else reason
    if not problem and (fields.get("fpx_msgType") != "BE" or token not in BANKS):
        problem = "fpx_msgType must be BE and fpx_msgToken 01 or 02"
    if not problem and fields.get("fpx_sellerExId") != ex.settings.exchange_id:
        problem = "unknown seller exchange"
    ex.log("in", "BE", fields, signature_valid=valid, note=problem)
    if problem:
        return _reply_error(ex, "BC", problem)
    knobs = ex.scenario()["be"]
    delay = knobs.get("timeout", 0.0)
    if knobs.get("ERROR"):
        ex.log("out", "BC", {}, note="ERROR (be.ERROR)")
        return Reply(200, "ERROR", delay)
    offline = ex.offline_banks(token)
    bank_list = ",".join(f"{code}~{'B' if code in offline else 'A'}" for code in BANKS[token])
    reply = ex.sign({"fpx_bankList": bank_list, "fpx_msgToken": token, "fpx_msgType": "BC",
                       "fpx_sellerExId": ex.settings.exchange_id}, "BC")
    ex.log("out", "BC", reply, signature_valid=True)
    return Reply(200, encode(reply), delay)


def cancel(ex: Exchange, fields: dict) -> Reply:
    """[SIM-DEFINED] AX: cancel a transaction still at the bank or pending; the reply is the signed AC of
    the resulting state (2X if cancelled), 76 if unknown."""
    valid, reason = ex._merchant_signed(fields, "AX")
    problem = "" if valid and fields.get("fpx_msgType") == "AX" else (reason or "fpx_msgType must be AX")
    ex.log("in", "AX", fields, signature_valid=valid, note=problem)
    if problem:
        return _reply_error(ex, "AC-reply", problem)
    txn = ex.store.one("SELECT * FROM txn WHERE seller_ex_order_no = ?", fields.get("fpx_sellerExOrderNo"))
    if txn is None:
        return Reply(200, encode(not_found(ex, fields)))
    with contextlib.suppress(Conflict):  # already final: the reply says what it is
        ex.resolve(txn["fpx_txn_id"], "2X")
    reply = ex.latest_ac(txn["fpx_txn_id"])
    ex.log("out", "AC-reply", reply, fpx_txn_id=txn["fpx_txn_id"], signature_valid=True,
             code=reply["fpx_debitAuthCode"])
    return Reply(200, encode(reply))


def _reply_error(ex: Exchange, kind, problem) -> Reply:
    ex.log("out", kind, {}, note=f"ERROR: {problem}")
    return Reply(200, "ERROR")
