"""Delivering the outbox: an SMTP sender, a console sender for development, and a worker thread."""

import logging
import smtplib
import threading
import time
from email.message import EmailMessage
from email.utils import make_msgid

from webapp.db import database
from webapp.services import outbox

log = logging.getLogger(__name__)


class SmtpSender:
    """Send one outbox row over SMTP (settings from the app config)."""

    def __init__(self, config: dict):
        self.config = config

    def __call__(self, message) -> None:
        cfg = self.config
        email = EmailMessage()
        email["From"] = cfg["MAIL_SENDER"]
        email["To"] = message.to_addr
        email["Subject"] = message.subject
        email["Message-ID"] = make_msgid(idstring=f"outbox{message.id}")
        email.set_content(message.body)
        for attachment in message.attachments:
            maintype, subtype = attachment.content_type.split("/", 1)
            email.add_attachment(outbox.attachment_data(attachment), maintype=maintype, subtype=subtype,
                                 filename=attachment.filename)
        with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=20) as smtp:
            if cfg["MAIL_STARTTLS"]:
                smtp.starttls()
            if cfg["MAIL_USERNAME"]:
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
            smtp.send_message(email)


def console_sender(message) -> None:
    """Development: print the message so a newcomer can read the temporary password."""
    print(f"\n----- email to {message.to_addr} -----\nSubject: {message.subject}\n\n{message.body}\n"
          "----- end of email -----\n", flush=True)


def sender_for(config: dict):
    return console_sender if config["MAIL_BACKEND"] == "console" else SmtpSender(config)


def deliver_once(config: dict) -> int:
    """Deliver what is due now (used by the CLI and the worker)."""
    with database.connection_context():
        return outbox.deliver_due(sender_for(config))


def start_worker(config: dict) -> threading.Thread:
    """A daemon thread that delivers the outbox: promptly after a message is queued, else every poll."""

    def run():
        while True:
            outbox.wait_for_work(config["MAIL_POLL_SECONDS"])
            # The queuing transaction may not have committed yet when we wake: look a few times.
            for _ in range(6):
                try:
                    if deliver_once(config) == 0:
                        time.sleep(0.5)
                except Exception:
                    log.exception("mail worker pass failed")
                    time.sleep(1)

    thread = threading.Thread(target=run, name="assist-mail", daemon=True)
    thread.start()
    return thread
