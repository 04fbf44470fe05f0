"""FPX reconciliation outside requests: one pass (the CLI) or a worker thread (the web process, or
`flask reconcile-payments --loop`). See webapp.services.reconciliation for what a pass does."""

import logging
import threading
from datetime import UTC, datetime

from webapp import fpx_gateway, mandate_gateway
from webapp.db import database
from webapp.services import direct_debits, reconciliation

log = logging.getLogger("assist.payments")


def run_once(config: dict, everything: bool = False) -> reconciliation.Summary | None:
    """One pass over the due attempts (or all live ones); None when FPX is not configured."""
    gateway = fpx_gateway.from_config(config)
    if gateway is None:
        return None
    with database.connection_context():
        summary = reconciliation.reconcile(gateway, datetime.now(UTC), everything=everything)
        debits = mandate_gateway.from_config(config)
        if debits is not None:  # direct debits without an answer, in the same pass (issue 12)
            more = direct_debits.reconcile(debits, datetime.now(UTC), everything=everything)
            summary.checked, summary.errors = summary.checked + more.checked, summary.errors + more.errors
            for status, count in more.answers.items():
                summary.answers[status] = summary.answers.get(status, 0) + count
        return summary


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
