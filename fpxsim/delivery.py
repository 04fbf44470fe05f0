"""Direct ACs: form POSTs to the merchant's direct URL until it answers exactly `OK`.

An attempt is acknowledged only by HTTP 200 with the body `OK` (nothing else, not even a newline). The
retry schedule FPXSIM_RETRY_SCHEDULE lists the delay before the first attempt and then between attempts
(default 0, 30, 120, 600, 1800 seconds: five attempts); after the last one the delivery is `gave_up`
(`/_control/replay-ac` starts a new one). Delivery states: held, pending, sending, acked, gave_up, dropped.
Every copy sent is logged with the merchant's answer. The fault knobs are described in scenario.py.
"""

import contextlib
import http.client
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from fpxsim.protocol import encode


class DirectAcSender:
    def __init__(self, exchange):
        self.exchange = exchange
        self.store = exchange.store
        self.settings = exchange.settings
        self.stopping = threading.Event()
        self.pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="direct-ac")
        self.thread = threading.Thread(target=self._run, name="direct-ac-scheduler", daemon=True)

    def start(self) -> "DirectAcSender":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.exchange.wake.set()
        self.thread.join(timeout=5)
        self.pool.shutdown(wait=False, cancel_futures=True)

    def _run(self) -> None:
        while not self.stopping.is_set():
            self.exchange.wake.clear()  # before looking, so a wake-up during the look is not lost
            self.exchange.tick()
            for row in self._claim_due():
                self.pool.submit(self._attempt, row)
            self.exchange.wake.wait(self._seconds_to_next())

    def _claim_due(self) -> list:
        now = time.time()
        with self.store.transaction() as db:
            rows = db.execute("SELECT * FROM delivery WHERE state = 'pending' AND next_at <= ? ORDER BY next_at, id",
                              (now,)).fetchall()
            for row in rows:
                db.execute("UPDATE delivery SET state = 'sending' WHERE id = ?", (row["id"],))
        return rows

    def _seconds_to_next(self) -> float:
        row = self.store.one("SELECT MIN(next_at) AS at FROM delivery WHERE state = 'pending'")
        if row is None or row["at"] is None:
            return 1.0
        return max(0.0, min(1.0, row["at"] - time.time()))

    def _attempt(self, row) -> None:
        try:
            self._attempt_once(row)
        except Exception as error:  # a worker must not die; the attempt is recorded as failed
            self._finish(row, False, f"sim error: {error!r}")

    def _attempt_once(self, row) -> None:
        fields, knobs = json.loads(row["fields"]), json.loads(row["knobs"])
        number = row["attempts"] + 1
        body = encode(fields).encode("ascii")
        if knobs.get("hang") and number == 1:
            results = [self._hang(body, knobs["hang"])]
        else:
            copies = knobs.get("duplicate_n", 1)
            if copies > 1 and knobs.get("duplicate_mode", "concurrent") == "concurrent":
                barrier = threading.Barrier(copies)
                results = [None] * copies

                def send(index):
                    with contextlib.suppress(threading.BrokenBarrierError):
                        barrier.wait(timeout=5)
                    results[index] = self._post(body)

                threads = [threading.Thread(target=send, args=(index,)) for index in range(copies)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
            else:
                results = [self._post(body) for _ in range(copies)]
        acked = any(result[0] for result in results)
        injected = knobs.get("http_500")
        if injected is True or (injected and number <= injected):
            acked = False
            results = [(False, f"{text}; treated as HTTP 500 (direct_ac.http_500)") for _, text in results]
        for index, (ok, text) in enumerate(results, start=1):
            copy = f" copy {index}/{len(results)}" if len(results) > 1 else ""
            self.exchange.log("out", "AC-direct", fields, fpx_txn_id=row["fpx_txn_id"],
                              signature_valid=bool(row["signature_valid"]), code=fields.get("fpx_debitAuthCode"),
                              note=f"attempt {number}{copy}: {text}{' (acknowledged)' if ok else ''}")
        self._finish(row, acked, "; ".join(text for _, text in results))

    def _finish(self, row, acked: bool, result: str) -> None:
        number = row["attempts"] + 1
        schedule = self.settings.retry_schedule
        if acked:
            state, next_at = "acked", None
        elif number < len(schedule):
            state, next_at = "pending", time.time() + schedule[number]
        else:
            state, next_at = "gave_up", None
        with self.store.transaction() as db:
            db.execute("UPDATE delivery SET state = ?, attempts = ?, next_at = ?, last_result = ? WHERE id = ?",
                       (state, number, next_at, result[:500], row["id"]))
        self.exchange.released_after(row["id"])
        self.exchange.wake.set()

    def _connection(self):
        url = urlsplit(self.settings.direct_ac_url)
        kind = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        connection = kind(url.hostname, url.port, timeout=self.settings.ac_timeout)
        return connection, (url.path or "/") + (f"?{url.query}" if url.query else "")

    def _post(self, body: bytes) -> tuple[bool, str]:
        """(acknowledged, what happened) for one POST of the AC."""
        connection, path = self._connection()
        try:
            connection.request("POST", path, body=body,
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
            response = connection.getresponse()
            answer = response.read(2000)
        except (OSError, http.client.HTTPException) as error:
            return False, f"no answer ({error.__class__.__name__}: {error})"
        finally:
            connection.close()
        acked = response.status == 200 and answer == b"OK"
        return acked, f"HTTP {response.status} {answer[:60]!r}"

    def _hang(self, body: bytes, seconds: float) -> tuple[bool, str]:
        """Send the headers and half of the body, hold the connection `seconds`, then close it."""
        connection, path = self._connection()
        try:
            connection.putrequest("POST", path)
            connection.putheader("Content-Type", "application/x-www-form-urlencoded")
            connection.putheader("Content-Length", str(len(body)))
            connection.endheaders()
            connection.send(body[: len(body) // 2])
            self.stopping.wait(seconds)
        except (OSError, http.client.HTTPException) as error:
            return False, f"hang: connection failed ({error.__class__.__name__})"
        finally:
            connection.close()
        return False, f"hang: half the body sent, connection held {seconds:g}s and closed (direct_ac.hang)"
