"""The simulator's "now": real time, real time moved by an offset, or frozen at an instant (`/_control/clock`).

It drives fpxTxnTime, the sellerTxnTime skew check (XW), operating hours (OE), `not_found_until` and the
e-Mandate's next working day. Delays on the wire (retries, latency, hang) always use real time. The
setting lives in the store, so it survives a restart.
"""

import time
from datetime import datetime

from fpxsim.protocol import MYT


class SimClock:
    def __init__(self, store):
        self.store = store

    def _state(self) -> dict:
        return self.store.get("clock", {"mode": "real"})

    def timestamp(self) -> float:
        state = self._state()
        if state["mode"] == "frozen":
            return state["at"]
        if state["mode"] == "offset":
            return time.time() + state["offset"]
        return time.time()

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp(), MYT)

    def describe(self) -> dict:
        state = self._state()
        return {"now": self.now().isoformat(), "mode": state["mode"],
                "offset_s": round(self.timestamp() - time.time(), 3)}

    def set(self, moment: datetime, frozen: bool) -> None:
        if frozen:
            self.store.put("clock", {"mode": "frozen", "at": moment.timestamp()})
        else:
            self.store.put("clock", {"mode": "offset", "offset": moment.timestamp() - time.time()})

    def advance(self, seconds: float) -> None:
        state = self._state()
        if state["mode"] == "frozen":
            self.store.put("clock", {"mode": "frozen", "at": state["at"] + seconds})
        else:
            self.store.put("clock", {"mode": "offset", "offset": state.get("offset", 0.0) + seconds})

    def reset(self) -> None:
        self.store.put("clock", {"mode": "real"})
