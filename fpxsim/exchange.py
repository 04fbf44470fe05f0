"""The exchange: accepts ARs, records the bank's answers as ACs, answers AE/BE, and schedules direct ACs.

AR validation, in this order (payments.md A.8, with two [SIM-DEFINED] refinements marked *):
 1. required fields present, msgType AR, msgToken 01/02            -> error page XE / XM, no AC
 2. checksum verifies with the merchant's certificate              -> error page XC, no AC
 3.*sellerExId is the configured exchange                          -> error page 46, no AC (no merchant to tell)
 4.*sellerExOrderNo not used before                                -> error page XN, no AC (an AC would carry the
    number of the merchant's earlier attempt and could be mistaken for its answer)
 5. amount "digits.dd" (13), not below the model's minimum (2A), not above its maximum (48)  -> AC
 6. currency MYR (47); 7. sellerId is the configured seller (XS)                            -> AC
 8. sellerTxnTime within FPXSIM_MAX_SKEW_MINUTES of the sim clock (XW)                     -> AC
 9. bank in the model's list (92) and not offline (BB); 10. within operating hours (OE)    -> AC
An AC for a refused AR is a transaction with that final code: direct AC plus the indirect-AC page.
"""

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from fpxsim import scenario as scenarios
from fpxsim.clock import SimClock
from fpxsim.config import Settings, parse_hours
from fpxsim.keys import ExchangeKeys
from fpxsim.protocol import (
    AR_REQUIRED,
    BANKS,
    LIMITS,
    OFFLINE_BY_DEFAULT,
    PENDING_CODES,
    amount_sen,
    amount_text,
    parse_wire_time,
    source,
    wire_time,
)
from fpxsim.store import Store


@dataclass
class Reply:
    """A host-to-host answer: HTTP status, body, and how long to wait before sending it."""

    status: int
    body: str
    delay: float = 0.0


@dataclass
class ArResult:
    fpx_txn_id: str | None = None
    error_code: str | None = None
    reason: str = ""
    answered: bool = False


class Conflict(Exception):
    """The transaction is not in a state that allows this (e.g. resolving a final one)."""


class Exchange:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.store = Store(settings.data_dir / "fpxsim.sqlite3")
        self.keys = ExchangeKeys(settings.data_dir, settings.certificate_path, settings.merchant_cert)
        self.clock = SimClock(self.store)
        self.wake = threading.Event()
        self.mandates = None  # fpxsim.mandate.Mandates, when e-Mandates are served
        self.keys.serve(self.scenario()["certificate"])
        with self.store.transaction() as db:  # attempts cut short by a stop are sent again
            db.execute("UPDATE delivery SET state = 'pending', next_at = ? WHERE state = 'sending'", (time.time(),))

    # --- scenario, signing, logging ---------------------------------------------------------------------

    def scenario(self) -> dict:
        return self.store.get("scenario") or scenarios.validate({})

    def set_scenario(self, body) -> dict:
        checked = scenarios.validate(body)
        self.store.put("scenario", checked)
        self.keys.serve(checked["certificate"])
        return checked

    def clock_moved(self) -> None:
        """The sim clock was set or advanced: do what is due by sim time now, then wake the sender."""
        self.tick()
        self.wake.set()

    def tick(self) -> None:
        """Work that waits on the sim clock (e-Mandate bank approvals); the sender runs it every loop."""
        if self.mandates is not None:
            self.mandates.approve_due()

    def reset(self) -> None:
        self.store.reset()
        self.keys.serve("current")
        self.wake.set()

    def sign(self, fields: dict, msg_type: str) -> dict:
        return {**fields, "fpx_checkSum": self.keys.sign(source(fields, msg_type))}

    def log(self, direction, kind, fields, **extra) -> None:
        self.store.log(sim_time=wire_time(self.clock.now()), direction=direction, kind=kind, fields=fields, **extra)

    def _merchant_signed(self, fields: dict, msg_type: str) -> tuple[bool, str]:
        # certificates live in real time, not in the sim clock (which tests move to other days)
        return self.keys.merchant_signature(source(fields, msg_type), fields.get("fpx_checkSum", ""),
                                            datetime.now(UTC))

    def offline_banks(self, token: str) -> set[str]:
        offline = self.scenario()["be"].get("offline")
        return set(offline) if offline is not None else set(OFFLINE_BY_DEFAULT[token])

    # --- AR -----------------------------------------------------------------------------------------------

    def receive_ar(self, fields: dict) -> ArResult:
        missing = [name for name in AR_REQUIRED if not fields.get(name)]
        if missing:
            return self._refuse(fields, "XE", "missing " + ", ".join(missing))
        if fields["fpx_msgType"] != "AR":
            return self._refuse(fields, "XE", "fpx_msgType must be AR")
        if fields["fpx_msgToken"] not in LIMITS:
            return self._refuse(fields, "XM", "fpx_msgToken must be 01 or 02")
        valid, reason = self._merchant_signed(fields, "AR")
        if not valid:
            return self._refuse(fields, "XC", reason, signature_valid=False)
        if fields["fpx_sellerExId"] != self.settings.exchange_id:
            return self._refuse(fields, "46", "unknown seller exchange", signature_valid=True)
        code = self._ar_code(fields)
        try:
            with self.store.transaction() as db:
                txn_id = self._insert_txn(db, fields)
                self.log("in", "AR", fields, fpx_txn_id=txn_id, signature_valid=True, code=code)
                plan = json.loads(db.execute("SELECT plan FROM txn WHERE fpx_txn_id = ?", (txn_id,)).fetchone()[0])
                answer = code or (plan["outcome"] if plan["auto"] else None)
                if answer:
                    self._answer(db, txn_id, answer, via_browser=True)
        except sqlite3.IntegrityError:
            return self._refuse(fields, "XN", "fpx_sellerExOrderNo was used before", signature_valid=True)
        self.wake.set()
        return ArResult(fpx_txn_id=txn_id, answered=bool(answer))

    def _refuse(self, fields, code, reason, signature_valid=None) -> ArResult:
        self.log("in", "AR", fields, signature_valid=signature_valid, code=code, note=reason)
        return ArResult(error_code=code, reason=reason)

    def _ar_code(self, fields: dict) -> str | None:
        """The first of codes 13/2A/48, 47, XS, XW, 92/BB, OE that applies, or None."""
        token, now = fields["fpx_msgToken"], self.clock.now()
        sen = amount_sen(fields["fpx_txnAmount"])
        low, high = LIMITS[token]
        if sen is None:
            return "13"
        if sen < low:
            return "2A"
        if sen > high:
            return "48"
        if fields["fpx_txnCurrency"] != "MYR":
            return "47"
        if fields["fpx_sellerId"] != self.settings.seller_id:
            return "XS"
        sent_at = parse_wire_time(fields["fpx_sellerTxnTime"])
        if sent_at is None or abs((now - sent_at).total_seconds()) > self.settings.max_skew_minutes * 60:
            return "XW"
        bank = fields["fpx_buyerBankId"]
        if bank not in BANKS[token]:
            return "92"
        if bank in self.offline_banks(token):
            return "BB"
        start, end = parse_hours(self.scenario().get("operating_hours", self.settings.operating_hours))
        if not start <= now.hour * 60 + now.minute < end:
            return "OE"
        return None

    def new_txn_id(self, db) -> str:
        """FPX's 16-digit id: yyMMddHHmmss on the sim clock and a sequence that survives resets."""
        prefix = self.clock.now().strftime("%y%m%d%H%M%S")
        while True:
            txn_id = f"{prefix}{self.store.next_number('txn_seq') % 10000:04d}"
            if not db.execute("SELECT 1 FROM txn WHERE fpx_txn_id = ?", (txn_id,)).fetchone():
                return txn_id

    def _insert_txn(self, db, fields: dict) -> str:
        now = self.clock.now()
        txn_id = self.new_txn_id(db)
        facts = facts_of(fields)
        plan = scenarios.plan(self.scenario()["rules"], facts)
        db.execute("INSERT INTO txn(fpx_txn_id, seller_ex_order_no, seller_order_no, msg_token, buyer_bank_id,"
                   " amount_sen, ar, fpx_txn_time, created_at, plan) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (txn_id, fields["fpx_sellerExOrderNo"], fields["fpx_sellerOrderNo"], fields["fpx_msgToken"],
                    fields["fpx_buyerBankId"], facts["amount_sen"], json.dumps(fields), wire_time(now),
                    self.clock.timestamp(), json.dumps({"outcome": plan["outcome"], "auto": plan["auto"]})))
        return txn_id

    # --- the bank's answers -------------------------------------------------------------------------------

    def bank_answer(self, txn_id: str, code: str) -> bool:
        """The buyer pressed a button on the bank page; False if the transaction was already answered."""
        with self.store.transaction() as db:
            row = db.execute("SELECT status FROM txn WHERE fpx_txn_id = ?", (txn_id,)).fetchone()
            if row is None or row["status"] is not None:
                return False
            self._answer(db, txn_id, code, via_browser=True)
        self.wake.set()
        return True

    def time_out_at_bank(self, txn_id: str) -> bool:
        """[SIM-DEFINED] The buyer left the bank page without paying or cancelling: after the bank's session
        (`bank_session_minutes` on the sim clock) the transaction ends with 1A (session timeout), sent as a
        direct AC like any final answer. False if it had an answer already."""
        with self.store.transaction() as db:
            row = db.execute("SELECT status FROM txn WHERE fpx_txn_id = ?", (txn_id,)).fetchone()
            if row is None or row["status"] is not None:
                return False
            self._answer(db, txn_id, "1A", via_browser=False)
        self.wake.set()
        return True

    def resolve(self, txn_id: str, code: str) -> None:
        """A later answer for a transaction still at the bank or pending (09/99): direct AC only."""
        with self.store.transaction() as db:
            row = db.execute("SELECT status FROM txn WHERE fpx_txn_id = ?", (txn_id,)).fetchone()
            if row is None:
                raise LookupError(txn_id)
            if row["status"] is not None and row["status"] not in PENDING_CODES:
                raise Conflict(f"transaction {txn_id} is final ({row['status']})")
            self._answer(db, txn_id, code, via_browser=False)
        self.wake.set()

    def _answer(self, db, txn_id: str, code: str, *, via_browser: bool) -> None:
        txn = db.execute("SELECT * FROM txn WHERE fpx_txn_id = ?", (txn_id,)).fetchone()
        db.execute("UPDATE txn SET status = ? WHERE fpx_txn_id = ?", (code, txn_id))
        rules = self.scenario()["rules"]
        facts = facts_of(json.loads(txn["ar"]))
        indirect = scenarios.plan(rules, facts)["indirect_ac"] if via_browser else {}
        if via_browser:
            db.execute("UPDATE txn SET indirect = ? WHERE fpx_txn_id = ?", (json.dumps(indirect), txn_id))
        fields = self.ac_fields(txn, code)
        event_id = db.execute("INSERT INTO event(fpx_txn_id, code, fields, created_at) VALUES (?, ?, ?, ?)",
                              (txn_id, code, json.dumps(fields), time.time())).lastrowid
        if self.mandates is not None and json.loads(txn["ar"]).get("fpx_msgType") == "AD":
            self.mandates.authorised(db, txn, code)
        knobs = scenarios.plan(rules, facts)["direct_ac"]
        hold_indirect = indirect.get("arrives_before_direct") if not indirect.get("abandon") else None
        delivery_id = self._deliver(db, event_id, txn_id, fields, knobs, hold_final=bool(
            knobs.get("out_of_order") and code in PENDING_CODES), hold_indirect=hold_indirect)
        if code not in PENDING_CODES:  # the final answer goes first; held pending ACs follow its first attempt
            db.execute("UPDATE delivery SET hold_final = 0, release_after = ? WHERE fpx_txn_id = ? AND hold_final = 1",
                       (delivery_id, txn_id))
            self._refresh_held(db)

    def ac_fields(self, txn, code: str) -> dict:
        """The signed AC of a transaction with `code` (what the direct AC, the indirect AC and AE carry)."""
        ar = json.loads(txn["ar"])
        token, bank = ar["fpx_msgToken"], ar["fpx_buyerBankId"]
        approved = code == "00"
        fields = {
            "fpx_buyerBankBranch": ar.get("fpx_buyerBankBranch") or BANKS[token].get(bank, bank).upper(),
            "fpx_buyerBankId": bank, "fpx_buyerIban": ar.get("fpx_buyerIban", ""),
            "fpx_buyerId": ar.get("fpx_buyerId", ""), "fpx_buyerName": ar.get("fpx_buyerName") or "SIM BUYER",
            "fpx_creditAuthCode": code, "fpx_creditAuthNo": self._auth_number() if approved else "",
            "fpx_debitAuthCode": code, "fpx_debitAuthNo": self._auth_number() if approved else "",
            "fpx_fpxTxnId": txn["fpx_txn_id"], "fpx_fpxTxnTime": txn["fpx_txn_time"],
            "fpx_makerName": ar.get("fpx_makerName", ""), "fpx_msgToken": token, "fpx_msgType": "AC",
        }
        for name in ("fpx_sellerExId", "fpx_sellerExOrderNo", "fpx_sellerId", "fpx_sellerOrderNo",
                     "fpx_sellerTxnTime", "fpx_txnAmount", "fpx_txnCurrency"):
            fields[name] = ar.get(name, "")
        return self.sign(fields, "AC")

    def _auth_number(self) -> str:
        return f"{self.store.next_number('auth_no') % 100_000_000:08d}"

    # --- direct AC deliveries -----------------------------------------------------------------------------

    def _deliver(self, db, event_id, txn_id, fields, knobs, *, hold_final=False, hold_indirect=None,
                 source_of=None) -> int | None:
        sent = dict(fields)
        if knobs.get("tampered_amount"):
            sen = amount_sen(sent["fpx_txnAmount"])
            if sen is not None:
                sent = self.sign({**sent, "fpx_txnAmount": amount_text(sen + knobs["tampered_amount"])}, "AC")
        if knobs.get("bad_checksum"):
            checksum = sent["fpx_checkSum"]
            sent["fpx_checkSum"] = checksum[:-1] + ("0" if checksum[-1] != "0" else "1")
        signed_text = source_of(sent) if source_of else source(sent, "AC")
        valid = self.keys.own_signature_ok(signed_text, sent["fpx_checkSum"])
        if knobs.get("drop"):
            state, next_at = "dropped", None
        elif hold_final or hold_indirect is not None:
            state, next_at = "held", None
        else:
            state, next_at = "pending", time.time() + self.settings.retry_schedule[0] + knobs.get("delay_s", 0.0)
        cursor = db.execute(
            "INSERT INTO delivery(event_id, fpx_txn_id, fields, knobs, signature_valid, state, next_at, hold_final,"
            " hold_indirect) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (event_id, txn_id, json.dumps(sent), json.dumps(knobs), int(valid), state, next_at, int(hold_final),
             hold_indirect))
        if state == "dropped":
            self.log("out", "AC-direct", sent, fpx_txn_id=txn_id, signature_valid=valid,
                     code=sent.get("fpx_debitAuthCode"), note="dropped (direct_ac.drop)")
            return None
        return cursor.lastrowid

    @staticmethod
    def _refresh_held(db) -> None:
        db.execute("UPDATE delivery SET state = 'pending', next_at = COALESCE(next_at, ?) WHERE state = 'held'"
                   " AND hold_final = 0 AND hold_indirect IS NULL AND release_after IS NULL", (time.time(),))

    def released_after(self, delivery_id: int) -> None:
        """Called after a delivery's attempt: pending ACs held behind it (out_of_order) may go now."""
        with self.store.transaction() as db:
            db.execute("UPDATE delivery SET release_after = NULL, next_at = ? WHERE release_after = ?",
                       (time.time(), delivery_id))
            self._refresh_held(db)

    def replay(self, txn_id: str, which: str = "latest") -> list[int]:
        """Send the latest (or every) AC of a transaction again, with the direct_ac knobs now in force; held
        deliveries of the transaction are released."""
        with self.store.transaction() as db:
            txn = db.execute("SELECT * FROM txn WHERE fpx_txn_id = ?", (txn_id,)).fetchone()
            if txn is None:
                raise LookupError(txn_id)
            events = db.execute("SELECT * FROM event WHERE fpx_txn_id = ? AND code NOT IN ('MA', 'MT') ORDER BY id",
                                (txn_id,)).fetchall()
            if not events:
                raise Conflict(f"transaction {txn_id} has no answer yet")
            db.execute("UPDATE delivery SET hold_final = 0, hold_indirect = NULL, release_after = NULL, next_at = ?"
                       " WHERE fpx_txn_id = ? AND state = 'held'", (time.time(), txn_id))
            self._refresh_held(db)
            knobs = scenarios.plan(self.scenario()["rules"], facts_of(json.loads(txn["ar"])))["direct_ac"]
            knobs = {key: value for key, value in knobs.items() if key != "out_of_order"}
            chosen = events if which == "all" else events[-1:]
            ids = [self._deliver(db, event["id"], txn_id, json.loads(event["fields"]), knobs) for event in chosen]
        self.wake.set()
        return [delivery_id for delivery_id in ids if delivery_id is not None]

    def latest_ac(self, txn_id: str) -> dict | None:
        """The transaction's latest AC (mandate notices, msgType MA/MT, are not ACs)."""
        row = self.store.one("SELECT fields FROM event WHERE fpx_txn_id = ? AND code NOT IN ('MA', 'MT')"
                             " ORDER BY id DESC LIMIT 1", txn_id)
        return json.loads(row["fields"]) if row else None

    # --- the page that takes the buyer back (indirect AC) --------------------------------------------------

    def result_page(self, txn_id: str) -> dict | None:
        """What the bank's result page shows; None while the buyer has not answered. Serving it releases
        direct ACs held by `arrives_before_direct`."""
        with self.store.transaction() as db:
            txn = db.execute("SELECT * FROM txn WHERE fpx_txn_id = ?", (txn_id,)).fetchone()
            if txn is None or txn["status"] is None:
                return None
            fields, indirect = self.latest_ac(txn_id), json.loads(txn["indirect"])
            db.execute("UPDATE txn SET indirect_served = indirect_served + 1 WHERE fpx_txn_id = ?", (txn_id,))
            db.execute("UPDATE delivery SET next_at = ? + hold_indirect, hold_indirect = NULL"
                       " WHERE fpx_txn_id = ? AND hold_indirect IS NOT NULL", (time.time(), txn_id))
            self._refresh_held(db)
            abandon = bool(indirect.get("abandon"))
            self.log("out", "AC-indirect", fields, fpx_txn_id=txn_id, signature_valid=True,
                     code=fields["fpx_debitAuthCode"], note="abandoned: no form" if abandon else
                     f"page served, submits {2 if indirect.get('double_submit') else 1}")
        self.wake.set()
        return {"fields": fields, "abandon": abandon, "submits": 2 if indirect.get("double_submit") else 1,
                "code": fields["fpx_debitAuthCode"], "token": txn["msg_token"], "status": txn["status"]}

def facts_of(fields: dict) -> dict:
    """What scenario rules match on."""
    return {"buyer_bank_id": fields.get("fpx_buyerBankId", ""), "msg_token": fields.get("fpx_msgToken", ""),
            "seller_order_no": fields.get("fpx_sellerOrderNo", ""),
            "seller_ex_order_no": fields.get("fpx_sellerExOrderNo", ""),
            "amount_sen": amount_sen(fields.get("fpx_txnAmount", ""))}
