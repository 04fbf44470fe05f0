"""FPX reconciliation outside requests: one pass (the CLI) or a worker thread (the web process, or
`flask reconcile-payments --loop`). See webapp.services.reconciliation for what a pass does."""

import logging
import threading
from datetime import UTC, datetime

from webapp import fpx_gateway
from webapp.db import database
from webapp.services import reconciliation

log = logging.getLogger("assist.payments")


def run_once(config: dict, everything: bool = False) -> reconciliation.Summary | None:
    """One pass over the due attempts (or all live ones); None when FPX is not configured."""
    gateway = fpx_gateway.from_config(config)
    if gateway is None:
        return None
    with database.connection_context():
        return reconciliation.reconcile(gateway, datetime.now(UTC), everything=everything)


def start_worker(config: dict) -> threading.Thread:
    """A daemon thread that reconciles every PAYMENT_POLL_SECONDS."""
    stop = threading.Event()

    def run():
        while not stop.wait(config["PAYMENT_POLL_SECONDS"]):
            try:
                summary = run_once(config)
                if summary and summary.checked:
                    log.info("reconciled %s payment(s): %s", summary.checked, summary.answers)
            except Exception:
                log.exception("payment reconciliation pass failed")

    thread = threading.Thread(target=run, name="assist-reconcile", daemon=True)
    thread.stop = stop
    thread.start()
    return thread
