"""The reminder job: send the reminders due today, now and then every REMINDER_POLL_SECONDS (a daemon thread in
the web process, or `flask --app wsgi send-reminders --loop` as a service of its own)."""

import logging
import threading
import time

from webapp.clock import malaysia_today
from webapp.db import database
from webapp.services import reminders

log = logging.getLogger(__name__)


def run_once(config: dict) -> int:
    """Queue the reminders due today (the outbox delivers them); returns how many."""
    with database.connection_context():
        return reminders.send_due(malaysia_today(), config["PUBLIC_URL"])


def start(config: dict) -> threading.Thread:
    def run():
        while True:
            try:
                run_once(config)
            except Exception:
                log.exception("reminder pass failed")
            time.sleep(config["REMINDER_POLL_SECONDS"])

    thread = threading.Thread(target=run, name="assist-reminders", daemon=True)
    thread.start()
    return thread
