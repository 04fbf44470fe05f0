"""Scenario rules and fault knobs (payments.md A.8), checked strictly so a typo fails loudly, not silently.

A scenario (`POST /_control/scenario`, JSON) is:
    {"rules": [RULE, ...], "be": {...}, "operating_hours": "07:00-23:00", "certificate": "expired"}
Every key is optional; a POST replaces the whole previous scenario (what it leaves out is back to default).

RULE = {"match": {...}, "outcome": "00", "auto": false, "direct_ac": {...}, "indirect_ac": {...}, "ae": {...},
        "debit": {...}}
- `match`: all given conditions must hold ({} or no match matches everything): `buyer_bank_id`, `msg_token`,
  `seller_order_no`, `seller_ex_order_no` (exact strings), `amount_sen` (the exact amount in sen),
  `amount_cents` (the sen part 0-99: 99 matches every amount ending .99).
- The posted rules come first, then the default rules: amount ending .99 with token 02 -> 99;
  TEST0021 -> 00; TEST0022 -> 51; TEST0023 -> 09 (stays pending until /_control/resolve); anything else -> 00.
- Layering: for each of outcome, auto, direct_ac, indirect_ac, ae and debit, the FIRST matching rule that sets it
  decides; a rule that sets only `direct_ac` adds a fault without changing the outcome.
- When each is read: outcome and auto when the AR is accepted; indirect_ac when the buyer's bank answers;
  direct_ac whenever an AC is produced (bank answer, resolve, replay) and for e-Mandate notices (the rule
  matching the enrolment); ae at each AE; for an e-Mandate debit, outcome (the buyer's bank's answer once
  the exchange's own checks pass) and debit at each DR (facts: the mandate's bank and model, the amount, the
  DR's order numbers).
- `outcome`: the bank's answer used by the bank page's first button and by `auto`.
- `auto: true`: the buyer "presses" the scenario's outcome at once: the AR POST goes straight to the
  indirect-AC page, with no bank page (for tests without a browser).

direct_ac knobs (the server-to-server AC to FPXSIM_DIRECT_AC_URL):
- `drop: true`: the AC is never sent (its delivery is recorded as `dropped`; replay-ac can still send it).
- `delay_s: S`: the first attempt waits S more seconds (on top of the retry schedule's first delay).
- `duplicate_n: N` (>= 1), `duplicate_mode: "concurrent" | "sequential"` (default concurrent): every attempt
  sends N identical copies, all at once (threads released together) or one after another; the attempt is
  acknowledged if any copy gets `OK`.
- `out_of_order: true`: a pending AC (09/99) is held back; when the final AC of the same transaction is made,
  the final one is sent first and the held pending one right after the final's first attempt.
- `bad_checksum: true`: the AC is sent with its checksum corrupted (the last hex digit changed).
- `tampered_amount: true | SEN`: the amount is raised by SEN sen (true = 100, i.e. RM 1.00) and the AC is
  validly signed by the exchange, so only a comparison with the stored AR catches it.
- `hang: true | S`: the first attempt sends the headers and half of the body, holds the connection for S
  seconds (true = 5) and closes it; it counts as not acknowledged, and the full AC follows on schedule.
- `http_500: true | N`: the merchant gets and handles the AC normally, but the exchange treats its answer as
  an HTTP 500 (a lost acknowledgement): for the first N attempts, or every attempt with true.

indirect_ac knobs (the buyer's browser returning to FPXSIM_INDIRECT_AC_URL):
- `abandon: true`: the buyer closes the tab: the bank's result page has no form, no indirect AC ever.
- `double_submit: true`: the page submits the AC twice (a refresh re-POST): its script first POSTs a copy
  with fetch (no cookies), then submits the form; `data-submits="2"` tells a test without a browser.
- `arrives_before_direct: true | S`: the direct AC of this answer is held until the result page has been
  served, then S seconds more (true = 2), so the indirect AC reaches the merchant first.

ae knobs (`POST /FPXMain/sellerNVPTxnStatus.jsp`):
- `latency_s: S`: answer after S seconds.  `http_5xx: true | CODE`: answer HTTP CODE (true = 503), no body.
- `ERROR: true`: answer the literal `ERROR`.  `stale: true`: answer 09 (validly signed) whatever the state.
- `not_found_until: S`: answer 76 until the sim clock is S seconds past the AR's acceptance.

debit knobs (`POST /_sim/mandate/debit`, see mandate_debits.py):
- `latency_s: S`: answer after S seconds.  `bad_checksum: true`: the DS with its checksum corrupted.
- `http_5xx: true | CODE`: the debit is made (and kept) but answered HTTP CODE (true = 503) with no body, a
  lost answer; asking again with the same sellerExOrderNo gets the DS once the knob is gone.

be knobs (scenario key `be`): `ERROR: true` (literal ERROR), `timeout: true | S` (answer only after S seconds,
true = 30), `offline: ["TEST0022", ...]` (those banks are status B in both lists, so an AR to them gets BB).
`certificate`: "current" (default), "expired" or "not_yet_valid": which certificate the exchange puts at
fpxuat_current.cer (all three are for the same key, so only the validity dates differ).
"""

import re

from fpxsim.config import parse_hours

DEFAULT_RULES = (
    {"match": {"amount_cents": 99, "msg_token": "02"}, "outcome": "99"},
    {"match": {"buyer_bank_id": "TEST0021"}, "outcome": "00"},
    {"match": {"buyer_bank_id": "TEST0022"}, "outcome": "51"},
    {"match": {"buyer_bank_id": "TEST0023"}, "outcome": "09"},
    {"match": {}, "outcome": "00"},
)
GROUPS = ("outcome", "auto", "direct_ac", "indirect_ac", "ae", "debit")
_CODE = re.compile(r"[0-9A-Z]{2}")


class ScenarioError(ValueError):
    """A scenario the control API refuses (400), with a message naming the bad key."""


def _flag(value, name):
    if not isinstance(value, bool):
        raise ScenarioError(f"{name} must be true or false")
    return value


def _seconds(value, name, default=None):
    if value is True and default is not None:
        return float(default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 3600:
        raise ScenarioError(f"{name} must be seconds between 0 and 3600")
    return float(value)


def _count(value, name, low=1, high=100):
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ScenarioError(f"{name} must be a whole number from {low} to {high}")
    return value


def _count_or_always(value, name):
    return True if value is True else _count(value, name, 0, 1000)


KNOBS = {
    "direct_ac": {
        "drop": _flag, "delay_s": _seconds, "duplicate_n": _count, "out_of_order": _flag, "bad_checksum": _flag,
        "duplicate_mode": lambda v, n: v if v in ("concurrent", "sequential") else _bad(n, "concurrent|sequential"),
        "tampered_amount": lambda v, n: 100 if v is True else _count(v, n, 1, 10**9),
        "hang": lambda v, n: _seconds(v, n, 5), "http_500": _count_or_always,
    },
    "indirect_ac": {
        "abandon": _flag, "double_submit": _flag, "arrives_before_direct": lambda v, n: _seconds(v, n, 2),
    },
    "ae": {
        "latency_s": _seconds, "ERROR": _flag, "stale": _flag, "not_found_until": _seconds,
        "http_5xx": lambda v, n: 503 if v is True else _count(v, n, 500, 599),
    },
    "debit": {
        "latency_s": _seconds, "bad_checksum": _flag,
        "http_5xx": lambda v, n: 503 if v is True else _count(v, n, 500, 599),
    },
    "be": {
        "ERROR": _flag, "timeout": lambda v, n: _seconds(v, n, 30),
        "offline": lambda v, n: [str(code) for code in v] if isinstance(v, list) else _bad(n, "a list of bank codes"),
    },
}
MATCH_KEYS = {"buyer_bank_id": str, "msg_token": str, "seller_order_no": str, "seller_ex_order_no": str,
              "amount_sen": int, "amount_cents": int}


def _bad(name, expected):
    raise ScenarioError(f"{name} must be {expected}")


def _knobs(group: str, value) -> dict:
    if not isinstance(value, dict):
        raise ScenarioError(f"{group} must be an object")
    checked = {}
    for key, item in value.items():
        if key not in KNOBS[group]:
            raise ScenarioError(f"unknown {group} knob {key!r}; known: {sorted(KNOBS[group])}")
        checked[key] = KNOBS[group][key](item, f"{group}.{key}")
    return checked


def _rule(rule) -> dict:
    if not isinstance(rule, dict):
        raise ScenarioError("each rule must be an object")
    unknown = set(rule) - {"match", *GROUPS}
    if unknown:
        raise ScenarioError(f"unknown rule keys {sorted(unknown)}")
    match = rule.get("match", {})
    if not isinstance(match, dict):
        raise ScenarioError("match must be an object")
    for key, value in match.items():
        kind = MATCH_KEYS.get(key)
        if kind is None:
            raise ScenarioError(f"unknown match key {key!r}; known: {sorted(MATCH_KEYS)}")
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ScenarioError(f"match.{key} must be a {kind.__name__}")
    checked = {"match": dict(match)}
    if "outcome" in rule:
        if not isinstance(rule["outcome"], str) or not _CODE.fullmatch(rule["outcome"]):
            raise ScenarioError("outcome must be a two-character FPX code such as 00, 51 or 1C")
        checked["outcome"] = rule["outcome"]
    if "auto" in rule:
        checked["auto"] = _flag(rule["auto"], "auto")
    for group in ("direct_ac", "indirect_ac", "ae", "debit"):
        if group in rule:
            checked[group] = _knobs(group, rule[group])
    return checked


def validate(body) -> dict:
    """The scenario as stored, or ScenarioError."""
    if not isinstance(body, dict):
        raise ScenarioError("the scenario must be a JSON object")
    unknown = set(body) - {"rules", "be", "operating_hours", "certificate"}
    if unknown:
        raise ScenarioError(f"unknown scenario keys {sorted(unknown)}")
    rules = body.get("rules", [])
    if not isinstance(rules, list):
        raise ScenarioError("rules must be a list")
    scenario = {"rules": [_rule(rule) for rule in rules], "be": _knobs("be", body.get("be", {}))}
    if "operating_hours" in body:
        try:
            parse_hours(str(body["operating_hours"]))
        except ValueError as error:
            raise ScenarioError(str(error)) from None
        scenario["operating_hours"] = body["operating_hours"]
    certificate = body.get("certificate", "current")
    if certificate not in ("current", "expired", "not_yet_valid"):
        raise ScenarioError("certificate must be current, expired or not_yet_valid")
    scenario["certificate"] = certificate
    return scenario


def matches(match: dict, facts: dict) -> bool:
    for key, wanted in match.items():
        if key == "amount_cents":
            if facts.get("amount_sen") is None or facts["amount_sen"] % 100 != wanted:
                return False
        elif facts.get(key) != wanted:
            return False
    return True


def plan(rules: list, facts: dict) -> dict:
    """The layered result of the rules (then the defaults) for a transaction's facts: each group from the
    first matching rule that sets it."""
    result = {}
    for rule in [*rules, *DEFAULT_RULES]:
        if matches(rule.get("match", {}), facts):
            for group in GROUPS:
                if group in rule and group not in result:
                    result[group] = rule[group]
    result.setdefault("auto", False)
    for group in ("direct_ac", "indirect_ac", "ae", "debit"):
        result.setdefault(group, {})
    return result
