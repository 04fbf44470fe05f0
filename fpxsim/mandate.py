"""[SIM-DEFINED] FPX Direct Debit (e-Mandate), payments.md A.7/A.8. PayNet's real wire format is not public,
so every message here is the simulator's own choice, kept in FPX's style: form fields named fpx_*, and a
checksum over the values of ALL fields but fpx_checkSum in alphabetical order of their names (A.4's rule),
signed by the merchant (requests) or the exchange (answers and notices).

- Enrolment, `POST /_sim/mandate/enrol` (browser form, like an AR), fpx_msgType AD, fields: sellerExId,
  sellerId, sellerExOrderNo, sellerOrderNo, sellerTxnTime, buyerBankId, buyerEmail, buyerId, buyerName
  (optional), applicationType 01 enrol / 02 maintenance / 03 termination, mandateId (for 02 and 03),
  maxAmount ("%.2f"), frequencyMode DL/WK/MT/YR, maxFrequency 1-999, effectiveDate and expiryDate (YYYYMMDD).
  Checked like an AR (XE, XC, 46, XN give an error page), then DA (type, or 02/03 for a mandate that is
  not approved), DB (email), DC (max frequency), DD (frequency mode), DE (dates: not YYYYMMDD, expiry before
  effective or before today), 13 (max amount not a positive amount), DF (bank not in the B2C list, or
  offline): these end as an AC with that code. Otherwise the buyer authorises RM 1.00 on the same bank page
  and gets the same ACs (msgToken 01, amount 1.00). The mandate id is that authorisation's fpxTxnId.
- Bank approval: after a 00 authorisation, once the sim clock reaches the next working day (Monday-Friday,
  no holidays), the exchange sends the merchant's direct URL a notice fpx_msgType MA (mandateId,
  mandateStatus APPROVED, approvalDate, the enrolment's order numbers), resent like a direct AC until `OK`.
  A 02 (maintenance) replaces the terms at its own approval; a 03 ends the mandate when authorised.
- Debit, `POST /_sim/mandate/debit` (host-to-host), fpx_msgType DR: sellerExId, sellerId, sellerExOrderNo,
  sellerOrderNo, sellerTxnTime, mandateId, txnAmount. ERROR if malformed or not genuine. The same
  sellerExOrderNo again gets the first answer again (XN if it names another mandate or amount). Checks, in
  order: mandate known (76), approved and not terminated (57), effective <= today <= expiry (DE), amount
  a "%.2f" amount (13) not above the maximum (48), successful debits in the current period (day, ISO week,
  month or year of the sim clock) below maxFrequency (DC), then the buyer's bank answers as the scenario
  rules say for its bank and amount (TEST0022 -> 51, insufficient funds). The answer, fpx_msgType DS, carries
  fpx_debitAuthCode, fpx_fpxTxnId and the request's ids, signed.
- Termination by the buyer, `POST /_sim/mandate/terminate` {"mandate_id": ...} (loopback, a test action):
  the mandate ends at once and the merchant gets a notice fpx_msgType MT (mandateStatus TERMINATED).
"""

import json
import re
import sqlite3
from datetime import UTC, date, datetime, timedelta

from fpxsim import scenario as scenarios
from fpxsim.exchange import ArResult, Exchange, Reply
from fpxsim.protocol import BANKS, amount_sen, amount_text, encode, wire_time

ENROL_REQUIRED = tuple("fpx_" + name for name in (
    "msgType", "sellerExId", "sellerId", "sellerExOrderNo", "sellerOrderNo", "sellerTxnTime", "buyerBankId",
    "buyerEmail", "buyerId", "applicationType", "maxAmount", "frequencyMode", "maxFrequency", "effectiveDate",
    "expiryDate", "checkSum"))
DEBIT_REQUIRED = tuple("fpx_" + name for name in (
    "msgType", "sellerExId", "sellerId", "sellerExOrderNo", "sellerOrderNo", "sellerTxnTime", "mandateId",
    "txnAmount", "checkSum"))
FREQUENCIES = ("DL", "WK", "MT", "YR")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def sorted_source(fields: dict) -> str:
    return "|".join(fields[name] for name in sorted(fields) if name != "fpx_checkSum")


def _day(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%Y%m%d").date() if re.fullmatch(r"[0-9]{8}", text or "") else None
    except ValueError:
        return None


def next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def same_period(mode: str, one: date, other: date) -> bool:
    if mode == "DL":
        return one == other
    if mode == "WK":
        return one.isocalendar()[:2] == other.isocalendar()[:2]
    if mode == "MT":
        return (one.year, one.month) == (other.year, other.month)
    return one.year == other.year


class Mandates:
    def __init__(self, exchange: Exchange):
        self.ex = exchange
        exchange.mandates = self

    def _signed_by_merchant(self, fields: dict) -> tuple[bool, str]:
        return self.ex.keys.merchant_signature(sorted_source(fields), fields.get("fpx_checkSum", ""),
                                               datetime.now(UTC))

    def sign(self, fields: dict) -> dict:
        return {**fields, "fpx_checkSum": self.ex.keys.sign(sorted_source(fields))}

    def get(self, mandate_id: str) -> dict | None:
        row = self.ex.store.one("SELECT data FROM mandate WHERE id = ?", mandate_id)
        return json.loads(row["data"]) if row else None

    def _put(self, db, mandate: dict) -> None:
        db.execute("INSERT INTO mandate(id, data) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data",
                   (mandate["id"], json.dumps(mandate)))

    # --- enrolment (a browser POST like an AR) -------------------------------------------------------------

    def enrol(self, fields: dict) -> ArResult:
        missing = [name for name in ENROL_REQUIRED if not fields.get(name)]
        if missing or fields["fpx_msgType"] != "AD":
            return self.ex._refuse(fields, "XE", "missing " + ", ".join(missing) if missing else "msgType AD")
        valid, reason = self._signed_by_merchant(fields)
        if not valid:
            return self.ex._refuse(fields, "XC", reason, signature_valid=False)
        if fields["fpx_sellerExId"] != self.ex.settings.exchange_id:
            return self.ex._refuse(fields, "46", "unknown seller exchange", signature_valid=True)
        code = self._enrol_code(fields)
        as_ar = {**fields, "fpx_msgToken": "01", "fpx_txnAmount": "1.00", "fpx_txnCurrency": "MYR",
                 "fpx_productDesc": "e-Mandate authorisation"}
        try:
            with self.ex.store.transaction() as db:
                txn_id = self.ex._insert_txn(db, as_ar)
                self.ex.log("in", "AD", fields, fpx_txn_id=txn_id, signature_valid=True, code=code)
                plan = json.loads(db.execute("SELECT plan FROM txn WHERE fpx_txn_id = ?", (txn_id,)).fetchone()[0])
                if fields["fpx_applicationType"] == "01" and not code:
                    self._put(db, {"id": txn_id, "status": "authorising", "terms": self._terms(fields),
                                   "seller_ex_order_no": fields["fpx_sellerExOrderNo"],
                                   "seller_order_no": fields["fpx_sellerOrderNo"], "debits": {}})
                answer = code or (plan["outcome"] if plan["auto"] else None)
                if answer:
                    self.ex._answer(db, txn_id, answer, via_browser=True)
        except sqlite3.IntegrityError:
            return self.ex._refuse(fields, "XN", "fpx_sellerExOrderNo was used before", signature_valid=True)
        self.ex.wake.set()
        return ArResult(fpx_txn_id=txn_id, answered=bool(answer))

    @staticmethod
    def _terms(fields: dict) -> dict:
        return {"max_amount_sen": amount_sen(fields["fpx_maxAmount"]), "frequency_mode": fields["fpx_frequencyMode"],
                "max_frequency": int(fields["fpx_maxFrequency"]), "effective": fields["fpx_effectiveDate"],
                "expiry": fields["fpx_expiryDate"], "buyer_bank_id": fields["fpx_buyerBankId"],
                "buyer_id": fields["fpx_buyerId"], "email": fields["fpx_buyerEmail"]}

    def _enrol_code(self, fields: dict) -> str | None:
        kind = fields["fpx_applicationType"]
        if kind not in ("01", "02", "03"):
            return "DA"
        if kind != "01" and (self.get(fields.get("fpx_mandateId", "")) or {}).get("status") != "approved":
            return "DA"
        if not _EMAIL.fullmatch(fields["fpx_buyerEmail"]):
            return "DB"
        if not re.fullmatch(r"[0-9]{1,3}", fields["fpx_maxFrequency"]) or int(fields["fpx_maxFrequency"]) < 1:
            return "DC"
        if fields["fpx_frequencyMode"] not in FREQUENCIES:
            return "DD"
        effective, expiry = _day(fields["fpx_effectiveDate"]), _day(fields["fpx_expiryDate"])
        if effective is None or expiry is None or expiry < effective or expiry < self.ex.clock.now().date():
            return "DE"
        if not amount_sen(fields["fpx_maxAmount"]):
            return "13"
        bank = fields["fpx_buyerBankId"]
        if bank not in BANKS["01"] or bank in self.ex.offline_banks("01"):
            return "DF"
        return None

    def authorised(self, db, txn, code: str) -> None:
        """The RM 1.00 authorisation of an enrolment, maintenance or termination got `code`."""
        ar = json.loads(txn["ar"])
        kind = ar.get("fpx_applicationType")
        if code in ("09", "99") or kind not in ("01", "02", "03"):
            return
        today = self.ex.clock.now().date()
        if kind == "01":
            mandate = self.get(txn["fpx_txn_id"])
            if mandate is None or mandate["status"] != "authorising":
                return
            mandate.update(status="awaiting_approval" if code == "00" else "rejected", code=code,
                           approve_on=next_working_day(today).isoformat())
        else:
            mandate = self.get(ar.get("fpx_mandateId", ""))
            if mandate is None or code != "00":
                return
            if kind == "02":
                mandate.update(pending_terms=self._terms(ar), pending_txn=txn["fpx_txn_id"],
                               approve_on=next_working_day(today).isoformat())
            else:
                mandate.update(status="terminated", terminated_by="merchant")
        self._put(db, mandate)

    # --- bank approval and notices -------------------------------------------------------------------------

    def approve_due(self) -> None:
        """Approve every mandate (or new terms) whose approval day the sim clock has reached."""
        today = self.ex.clock.now().date().isoformat()
        with self.ex.store.transaction() as db:  # one at a time: the sender and a clock change both call this
            rows = db.execute("SELECT data FROM mandate").fetchall()
            for mandate in (json.loads(row["data"]) for row in rows):
                due = mandate.get("approve_on") and mandate["approve_on"] <= today
                waiting = mandate["status"] == "awaiting_approval" or (
                    mandate["status"] == "approved" and mandate.get("pending_terms"))
                if due and waiting:
                    if mandate.get("pending_terms"):
                        mandate["terms"] = mandate.pop("pending_terms")
                    txn_id = mandate.pop("pending_txn", mandate["id"])
                    mandate.pop("approve_on")
                    mandate.update(status="approved", approved_on=today)
                    self._put(db, mandate)
                    self._notify(db, mandate, "MA", "APPROVED", txn_id)

    def _notify(self, db, mandate: dict, msg_type: str, status: str, txn_id: str) -> None:
        fields = self.sign({"fpx_msgType": msg_type, "fpx_mandateId": mandate["id"], "fpx_mandateStatus": status,
                            "fpx_statusDate": self.ex.clock.now().strftime("%Y%m%d"),
                            "fpx_sellerExId": self.ex.settings.exchange_id, "fpx_sellerId": self.ex.settings.seller_id,
                            "fpx_sellerExOrderNo": mandate["seller_ex_order_no"],
                            "fpx_sellerOrderNo": mandate["seller_order_no"]})
        event_id = db.execute("INSERT INTO event(fpx_txn_id, code, fields, created_at) VALUES (?, ?, ?, ?)",
                              (txn_id, msg_type, json.dumps(fields), self.ex.clock.timestamp())).lastrowid
        self.ex._deliver(db, event_id, txn_id, fields, {}, source_of=sorted_source)
        self.ex.wake.set()

    def terminate(self, mandate_id: str) -> dict:
        with self.ex.store.transaction() as db:
            mandate = self.get(mandate_id)
            if mandate is None:
                raise LookupError(mandate_id)
            mandate.update(status="terminated", terminated_by="buyer")
            self._put(db, mandate)
            self._notify(db, mandate, "MT", "TERMINATED", mandate_id)
        return mandate

    # --- debits (host-to-host) ------------------------------------------------------------------------------

    def debit(self, fields: dict) -> Reply:
        valid, reason = self._signed_by_merchant(fields)
        missing = [name for name in DEBIT_REQUIRED if not fields.get(name)]
        problem = ("missing " + ", ".join(missing)) if missing else ""
        problem = problem or ("" if fields["fpx_msgType"] == "DR" else "msgType DR") or ("" if valid else reason)
        if not problem and (fields["fpx_sellerExId"], fields["fpx_sellerId"]) != (
                self.ex.settings.exchange_id, self.ex.settings.seller_id):
            problem = "unknown seller exchange or seller"
        self.ex.log("in", "DR", fields, signature_valid=valid, note=problem)
        if problem:
            self.ex.log("out", "DS", {}, note=f"ERROR: {problem}")
            return Reply(200, "ERROR")
        with self.ex.store.transaction() as db:
            reply = self._debit(db, fields)
        self.ex.log("out", "DS", reply, signature_valid=True, code=reply["fpx_debitAuthCode"])
        return Reply(200, encode(reply))

    def _debit(self, db, fields: dict) -> dict:
        order = fields["fpx_sellerExOrderNo"]
        earlier = self.ex.store.get(f"debit:{order}")
        if earlier is not None:
            same = (earlier["fpx_mandateId"], earlier["fpx_txnAmount"]) == (fields["fpx_mandateId"],
                                                                         fields["fpx_txnAmount"])
            return earlier if same else self._answer(fields, "XN", "")
        mandate = self.get(fields["fpx_mandateId"])
        today = self.ex.clock.now().date()
        sen = amount_sen(fields["fpx_txnAmount"])
        code = None
        if mandate is None:
            code = "76"
        elif mandate["status"] != "approved":
            code = "57"
        else:
            terms = mandate["terms"]
            if not _day(terms["effective"]) <= today <= _day(terms["expiry"]):
                code = "DE"
            elif not sen:
                code = "13"
            elif sen > terms["max_amount_sen"]:
                code = "48"
            elif sum(1 for debit in mandate["debits"].values() if debit["code"] == "00" and same_period(
                    terms["frequency_mode"], date.fromisoformat(debit["day"]), today)) >= terms["max_frequency"]:
                code = "DC"
            else:
                facts = {"buyer_bank_id": terms["buyer_bank_id"], "msg_token": "01", "amount_sen": sen,
                         "seller_order_no": fields["fpx_sellerOrderNo"], "seller_ex_order_no": order}
                code = scenarios.plan(self.ex.scenario()["rules"], facts)["outcome"]
        txn_id = self.ex.new_txn_id(db)
        reply = self._answer(fields, code, txn_id)
        if mandate is not None:
            mandate["debits"][order] = {"day": today.isoformat(), "amount_sen": sen, "code": code, "fpx_txn_id": txn_id}
            self._put(db, mandate)
        self.ex.store.put(f"debit:{order}", reply)
        return reply

    def _answer(self, fields: dict, code: str, txn_id: str) -> dict:
        approved = code == "00"
        sen = amount_sen(fields["fpx_txnAmount"])
        return self.sign({
            "fpx_msgType": "DS", "fpx_mandateId": fields["fpx_mandateId"], "fpx_debitAuthCode": code,
            "fpx_debitAuthNo": self.ex._auth_number() if approved else "", "fpx_fpxTxnId": txn_id,
            "fpx_fpxTxnTime": wire_time(self.ex.clock.now()) if txn_id else "",
            "fpx_sellerExId": fields["fpx_sellerExId"], "fpx_sellerId": fields["fpx_sellerId"],
            "fpx_sellerExOrderNo": fields["fpx_sellerExOrderNo"], "fpx_sellerOrderNo": fields["fpx_sellerOrderNo"],
            "fpx_txnAmount": amount_text(sen) if sen is not None else fields["fpx_txnAmount"],
            "fpx_txnCurrency": "MYR"})
