"""[SIM-DEFINED] FPX Direct Debit (e-Mandate), payments.md A.7/A.8. PayNet's real wire format is not public,
so every message here is the simulator's own choice, kept in FPX's style: form fields named fpx_*, and a
checksum over the values of ALL fields but fpx_checkSum in alphabetical order of their names (A.4's rule),
signed by the merchant (requests) or the exchange (answers and notices).

- Enrolment, `POST /_sim/mandate/enrol` (browser form, like an AR), fpx_msgType AD, fields: sellerExId,
  sellerId, sellerExOrderNo, sellerOrderNo, sellerTxnTime, buyerBankId, buyerEmail, buyerId, buyerName
  (optional), msgToken (optional: 01 B2C, the default, or 02 B2B1; the bank must be in that model's list),
  applicationType 01 enrol / 02 maintenance / 03 termination, mandateId (for 02 and 03), maxAmount ("%.2f"),
  frequencyMode DL/WK/MT/YR, maxFrequency 1-999, effectiveDate and expiryDate (YYYYMMDD).
  Checked like an AR (XE, XC, 46, XN give an error page), then DA (type, a msgToken other than 01/02, or
  02/03 for a mandate that is not approved), DB (email), DC (max frequency), DD (frequency mode), DE (dates:
  not YYYYMMDD, expiry before effective or before today), 13 (max amount not a positive amount), DF (bank not
  in the model's list, or offline): these end as an AC with that code. Otherwise the buyer authorises
  RM 1.00 on the same bank page and gets the same ACs (amount 1.00, the model's msgToken; for B2B1 a 99 first
  while the company's authoriser has not approved). The mandate id is that authorisation's fpxTxnId.
- Bank approval: after a 00 authorisation, once the sim clock reaches the next working day (Monday-Friday,
  no holidays), the exchange sends the merchant's direct URL a notice fpx_msgType MA (mandateId,
  mandateStatus APPROVED, statusDate, the enrolment's order numbers), resent like a direct AC until `OK`.
  A 02 (maintenance) replaces the terms at its own approval; a 03 ends the mandate when authorised.
  Notices (MA, MT and the DS of a debit settled later) obey the `direct_ac` knobs of the scenario rule that
  matches the enrolment (drop, delay_s, duplicate_n, bad_checksum, hang, http_500; not tampered_amount or
  out_of_order, which are about an AC's amount and order).
- Debits, `POST /_sim/mandate/debit` (host-to-host): see mandate_debits.py.
- Termination by the buyer, `POST /_sim/mandate/terminate` with JSON {"mandate_id": ...} (loopback, a test
  action): the mandate ends at once and the merchant gets a notice fpx_msgType MT (mandateStatus TERMINATED).
- Termination by the merchant, `POST /_sim/mandate/terminate` as a signed form (host-to-host), fpx_msgType
  TR: sellerExId, sellerId, sellerExOrderNo (the enrolment's), sellerTxnTime, mandateId. ERROR if malformed
  or not genuine. The answer, fpx_msgType TS, signed: mandateId, mandateStatus (TERMINATED), debitAuthCode
  00 (terminated now or before), 76 (no such mandate) or XN (the mandate is not of this enrolment); no MT
  notice follows (the merchant asked). Debits on it are answered 57 from then on.
- Demo mandates: `python -m fpxsim add-mandates` reads JSON lines ({"id", "seller_ex_order_no",
  "seller_order_no", "terms": {max_amount_sen, frequency_mode, max_frequency, effective (YYYYMMDD), expiry,
  buyer_bank_id, buyer_id, email, msg_token}}) and stores each as an approved mandate.
"""

import json
import re
import sqlite3
from datetime import UTC, date, datetime, timedelta

from fpxsim import scenario as scenarios
from fpxsim.exchange import ArResult, Exchange, Reply, facts_of
from fpxsim.protocol import BANKS, amount_sen, encode

ENROL_REQUIRED = tuple("fpx_" + name for name in (
    "msgType", "sellerExId", "sellerId", "sellerExOrderNo", "sellerOrderNo", "sellerTxnTime", "buyerBankId",
    "buyerEmail", "buyerId", "applicationType", "maxAmount", "frequencyMode", "maxFrequency", "effectiveDate",
    "expiryDate", "checkSum"))
TERMINATE_REQUIRED = tuple("fpx_" + name for name in (
    "msgType", "sellerExId", "sellerId", "sellerExOrderNo", "sellerTxnTime", "mandateId", "checkSum"))
TOKENS = ("01", "02")
NOTICE_KNOBS = ("drop", "delay_s", "duplicate_n", "duplicate_mode", "bad_checksum", "hang", "http_500")
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
        from fpxsim.mandate_debits import Debits

        self.ex = exchange
        exchange.mandates = self
        self.debits = Debits(self)

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
        token = fields.get("fpx_msgToken") if fields.get("fpx_msgToken") in TOKENS else "01"
        as_ar = {**fields, "fpx_msgToken": token, "fpx_txnAmount": "1.00", "fpx_txnCurrency": "MYR",
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
                "buyer_id": fields["fpx_buyerId"], "email": fields["fpx_buyerEmail"],
                "msg_token": fields.get("fpx_msgToken") or "01"}

    def _enrol_code(self, fields: dict) -> str | None:
        kind = fields["fpx_applicationType"]
        token = fields.get("fpx_msgToken") or "01"
        if kind not in ("01", "02", "03") or token not in TOKENS:
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
        if bank not in BANKS[token] or bank in self.ex.offline_banks(token):
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
        self.send_notice(db, mandate, txn_id, msg_type, fields)

    def send_notice(self, db, mandate: dict, txn_id: str, code: str, fields: dict) -> None:
        """Deliver a signed notice to the merchant's direct URL like a direct AC (resent until `OK`), with the
        direct_ac knobs of the scenario rule that matches the enrolment."""
        event_id = db.execute("INSERT INTO event(fpx_txn_id, code, fields, created_at) VALUES (?, ?, ?, ?)",
                              (txn_id, code, json.dumps(fields), self.ex.clock.timestamp())).lastrowid
        self.ex._deliver(db, event_id, txn_id, fields, self.notice_knobs(db, mandate), source_of=sorted_source)
        self.ex.wake.set()

    def facts(self, db, mandate: dict) -> dict:
        """What scenario rules match for this mandate: its enrolment's AR facts (or its terms, for a mandate
        added without an enrolment)."""
        row = db.execute("SELECT ar FROM txn WHERE fpx_txn_id = ?", (mandate["id"],)).fetchone()
        if row is not None:
            return facts_of(json.loads(row["ar"]))
        terms = mandate["terms"]
        return {"buyer_bank_id": terms["buyer_bank_id"], "msg_token": terms.get("msg_token", "01"),
                "seller_order_no": mandate["seller_order_no"], "seller_ex_order_no": mandate["seller_ex_order_no"],
                "amount_sen": 100}

    def notice_knobs(self, db, mandate: dict) -> dict:
        knobs = scenarios.plan(self.ex.scenario()["rules"], self.facts(db, mandate))["direct_ac"]
        return {key: value for key, value in knobs.items() if key in NOTICE_KNOBS}

    def terminate(self, mandate_id: str) -> dict:
        with self.ex.store.transaction() as db:
            mandate = self.get(mandate_id)
            if mandate is None:
                raise LookupError(mandate_id)
            mandate.update(status="terminated", terminated_by="buyer")
            self._put(db, mandate)
            self._notify(db, mandate, "MT", "TERMINATED", mandate_id)
        return mandate

    def terminate_for_merchant(self, fields: dict) -> Reply:
        """TR: the merchant ends a mandate (host-to-host); the signed TS answer, or ERROR."""
        missing = [name for name in TERMINATE_REQUIRED if not fields.get(name)]
        valid, reason = self._signed_by_merchant(fields)
        problem = ("missing " + ", ".join(missing)) if missing else ""
        problem = problem or ("" if fields["fpx_msgType"] == "TR" else "msgType TR") or ("" if valid else reason)
        if not problem and (fields["fpx_sellerExId"], fields["fpx_sellerId"]) != (
                self.ex.settings.exchange_id, self.ex.settings.seller_id):
            problem = "unknown seller exchange or seller"
        self.ex.log("in", "TR", fields, signature_valid=valid, note=problem)
        if problem:
            self.ex.log("out", "TS", {}, note=f"ERROR: {problem}")
            return Reply(200, "ERROR")
        with self.ex.store.transaction() as db:
            mandate = self.get(fields["fpx_mandateId"])
            if mandate is None:
                code, status = "76", ""
            elif mandate["seller_ex_order_no"] != fields["fpx_sellerExOrderNo"]:
                code, status = "XN", mandate["status"].upper()
            else:
                if mandate["status"] != "terminated":
                    mandate.update(status="terminated", terminated_by="merchant")
                    self._put(db, mandate)
                code, status = "00", "TERMINATED"
        reply = self.sign({"fpx_msgType": "TS", "fpx_mandateId": fields["fpx_mandateId"], "fpx_mandateStatus": status,
                           "fpx_debitAuthCode": code, "fpx_statusDate": self.ex.clock.now().strftime("%Y%m%d"),
                           "fpx_sellerExId": fields["fpx_sellerExId"], "fpx_sellerId": fields["fpx_sellerId"],
                           "fpx_sellerExOrderNo": fields["fpx_sellerExOrderNo"]})
        self.ex.log("out", "TS", reply, signature_valid=True, code=code)
        return Reply(200, encode(reply))

    def add(self, entry: dict) -> dict:
        """An approved mandate from outside (the demo seed): {"id", "seller_ex_order_no", "seller_order_no",
        "terms"}; replaces one with the same id. ValueError for an entry that cannot be a mandate."""
        terms = entry.get("terms") or {}
        needed = ("max_amount_sen", "frequency_mode", "max_frequency", "effective", "expiry", "buyer_bank_id")
        if not all(entry.get(key) for key in ("id", "seller_ex_order_no", "seller_order_no")) or not all(
                terms.get(key) for key in needed):
            raise ValueError(f"a mandate needs id, seller_ex_order_no, seller_order_no and terms {needed}")
        if terms["frequency_mode"] not in FREQUENCIES or _day(terms["effective"]) is None or _day(
                terms["expiry"]) is None or not isinstance(terms["max_amount_sen"], int):
            raise ValueError("terms: frequency_mode DL/WK/MT/YR, effective and expiry YYYYMMDD, max_amount_sen in sen")
        mandate = {"id": str(entry["id"]), "status": "approved", "seller_ex_order_no": entry["seller_ex_order_no"],
                   "seller_order_no": entry["seller_order_no"], "debits": {},
                   "approved_on": self.ex.clock.now().date().isoformat(),
                   "terms": {"buyer_id": "", "email": "", "msg_token": "01", **terms}}
        with self.ex.store.transaction() as db:
            self._put(db, mandate)
        return mandate
