"""[SIM-DEFINED] Debits on an e-Mandate (payments.md A.8), host-to-host; the messages' style is mandate.py's.

`POST /_sim/mandate/debit`, fpx_msgType DR: sellerExId, sellerId, sellerExOrderNo, sellerOrderNo,
sellerTxnTime, mandateId, txnAmount. ERROR if malformed or not genuine. The same sellerExOrderNo again gets
the first answer again (XN if it names another mandate or amount): asking again is how a merchant learns the
answer it did not receive. Checks, in order:
  1. the mandate is known                                              -> 76
  2. it is approved and not terminated                                 -> 57 (not permitted)
  3. effective <= today <= expiry (the sim clock's day)                -> DE
  4. the amount is a "%.2f" amount                                     -> 13
  5. not above the mandate's maximum amount                            -> 48 (SIM-DEFINED: FPX's "maximum
     transaction limit exceeded")
  6. successful debits in the current period (day, ISO week, month or year of the sim clock) below
     maxFrequency                                                      -> DC (SIM-DEFINED: "invalid maximum
     frequency", the enrolment code, reused)
  7. the buyer's bank answers as the scenario's rules say for the mandate's bank, model and the amount
     (TEST0022 -> 51 insufficient funds; TEST0023 -> 09, pending until `/_control/resolve/<fpxTxnId>`).
The answer, fpx_msgType DS, carries fpx_debitAuthCode, fpx_debitAuthNo (on 00), fpx_fpxTxnId and the
request's ids, signed. A pending debit resolved later answers the final code to every later DR, and the
exchange also sends that DS to the merchant's direct URL (as a notice, resent until `OK`).

Knobs (scenario key `debit` of the rule matching the debit's facts, see scenario.py): `latency_s`,
`http_5xx` (the debit is made, but the answer is lost: an HTTP error instead of the DS, also on repeats
while the knob stands) and `bad_checksum` (the DS's checksum corrupted; the stored answer stays genuine).
"""

from datetime import date

from fpxsim import scenario as scenarios
from fpxsim.exchange import Conflict, Reply
from fpxsim.mandate import _day, same_period
from fpxsim.protocol import PENDING_CODES, amount_sen, amount_text, encode, wire_time

DEBIT_REQUIRED = tuple("fpx_" + name for name in (
    "msgType", "sellerExId", "sellerId", "sellerExOrderNo", "sellerOrderNo", "sellerTxnTime", "mandateId",
    "txnAmount", "checkSum"))


class Debits:
    def __init__(self, mandates):
        self.mandates = mandates
        self.ex = mandates.ex

    def debit(self, fields: dict) -> Reply:
        valid, reason = self.mandates._signed_by_merchant(fields)
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
            reply, facts = self._debit(db, fields)
        knobs = scenarios.plan(self.ex.scenario()["rules"], facts)["debit"]
        delay = knobs.get("latency_s", 0.0)
        if "http_5xx" in knobs:
            self.ex.log("out", "DS", reply, signature_valid=True, code=reply["fpx_debitAuthCode"],
                        note=f"made, but answered HTTP {knobs['http_5xx']} (debit.http_5xx)")
            return Reply(knobs["http_5xx"], "", delay)
        if knobs.get("bad_checksum"):
            checksum = reply["fpx_checkSum"]
            reply = {**reply, "fpx_checkSum": checksum[:-1] + ("0" if checksum[-1] != "0" else "1")}
        self.ex.log("out", "DS", reply, signature_valid=not knobs.get("bad_checksum"),
                    code=reply["fpx_debitAuthCode"])
        return Reply(200, encode(reply), delay)

    def _debit(self, db, fields: dict) -> tuple[dict, dict]:
        order = fields["fpx_sellerExOrderNo"]
        mandate = self.mandates.get(fields["fpx_mandateId"])
        sen = amount_sen(fields["fpx_txnAmount"])
        terms = (mandate or {}).get("terms", {})
        facts = {"buyer_bank_id": terms.get("buyer_bank_id", ""), "msg_token": terms.get("msg_token", "01"),
                 "amount_sen": sen, "seller_order_no": fields["fpx_sellerOrderNo"], "seller_ex_order_no": order}
        earlier = self.ex.store.get(f"debit:{order}")
        if earlier is not None:
            same = (earlier["fpx_mandateId"], earlier["fpx_txnAmount"]) == (fields["fpx_mandateId"],
                                                                         fields["fpx_txnAmount"])
            return (earlier if same else self._answer(fields, "XN", "")), facts
        code = self._code(mandate, sen, facts)
        txn_id = self.ex.new_txn_id(db)
        reply = self._answer(fields, code, txn_id)
        if mandate is not None:
            mandate["debits"][order] = {"day": self.ex.clock.now().date().isoformat(), "amount_sen": sen, "code": code,
                                        "fpx_txn_id": txn_id}
            self.mandates._put(db, mandate)
        self.ex.store.put(f"debit:{order}", reply)
        return reply, facts

    def _code(self, mandate: dict | None, sen: int | None, facts: dict) -> str:
        if mandate is None:
            return "76"
        if mandate["status"] != "approved":
            return "57"
        terms, today = mandate["terms"], self.ex.clock.now().date()
        if not _day(terms["effective"]) <= today <= _day(terms["expiry"]):
            return "DE"
        if not sen:
            return "13"
        if sen > terms["max_amount_sen"]:
            return "48"
        made = sum(1 for debit in mandate["debits"].values() if debit["code"] == "00" and same_period(
            terms["frequency_mode"], date.fromisoformat(debit["day"]), today))
        if made >= terms["max_frequency"]:
            return "DC"
        return scenarios.plan(self.ex.scenario()["rules"], facts)["outcome"]

    def _answer(self, fields: dict, code: str, txn_id: str) -> dict:
        approved = code == "00"
        sen = amount_sen(fields["fpx_txnAmount"])
        return self.mandates.sign({
            "fpx_msgType": "DS", "fpx_mandateId": fields["fpx_mandateId"], "fpx_debitAuthCode": code,
            "fpx_debitAuthNo": self.ex._auth_number() if approved else "", "fpx_fpxTxnId": txn_id,
            "fpx_fpxTxnTime": wire_time(self.ex.clock.now()) if txn_id else "",
            "fpx_sellerExId": fields["fpx_sellerExId"], "fpx_sellerId": fields["fpx_sellerId"],
            "fpx_sellerExOrderNo": fields["fpx_sellerExOrderNo"], "fpx_sellerOrderNo": fields["fpx_sellerOrderNo"],
            "fpx_txnAmount": amount_text(sen) if sen is not None else fields["fpx_txnAmount"],
            "fpx_txnCurrency": "MYR"})

    def resolve(self, txn_id: str, code: str) -> dict:
        """The bank's later answer to a pending (09/99) debit: stored as the answer to every later DR, and sent
        to the merchant's direct URL. LookupError if no debit has this fpxTxnId, Conflict if it is final."""
        with self.ex.store.transaction() as db:
            found = self.find(txn_id)
            if found is None:
                raise LookupError(txn_id)
            mandate, order, record = found
            if record["code"] not in PENDING_CODES:
                raise Conflict(f"debit {txn_id} is final ({record['code']})")
            earlier = self.ex.store.get(f"debit:{order}")
            reply = self.mandates.sign({**{k: v for k, v in earlier.items() if k != "fpx_checkSum"},
                                        "fpx_debitAuthCode": code,
                                        "fpx_debitAuthNo": self.ex._auth_number() if code == "00" else ""})
            record.update(code=code, day=self.ex.clock.now().date().isoformat())
            self.mandates._put(db, mandate)
            self.ex.store.put(f"debit:{order}", reply)
            self.mandates.send_notice(db, mandate, txn_id, "DS", reply)
        return reply

    def find(self, txn_id: str):
        """(mandate, sellerExOrderNo, debit record) of the debit with this fpxTxnId, or None."""
        for row in self.ex.store.all("SELECT id FROM mandate"):
            mandate = self.mandates.get(row["id"])
            for order, record in mandate["debits"].items():
                if record.get("fpx_txn_id") == txn_id:
                    return mandate, order, record
        return None
