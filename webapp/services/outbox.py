"""Email through an outbox table: written with the change that caused it, delivered with retries."""

import logging
import threading
from datetime import timedelta

from webapp.clock import utcnow
from webapp.db import locked
from webapp.models import Outbox, OutboxAttachment

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=2)
_wakeup = threading.Event()


SCRUBBED = "[removed after delivery]"


def enqueue(to_addr: str, subject: str, body: str, *, sensitive: bool = False,
            attachments: list[tuple[str, str, bytes]] = (), built_later: list[tuple[str, str, str]] = ()) -> Outbox:
    """Queue one message; call inside the transaction of the change it reports.

    A `sensitive` message (a temporary password, a reset link) has its body scrubbed once delivered, so
    the secret does not stay in the database. `attachments` are (filename, content type, bytes);
    `built_later` are (filename, content type, source): documents rendered when the mail is delivered by the
    renderer registered for the source's kind ("receipt:2026..." -> register_renderer("receipt", ...)).
    """
    message = Outbox.create(to_addr=to_addr, subject=subject, body=body, sensitive=sensitive)
    for filename, content_type, data in attachments:
        OutboxAttachment.create(message=message, filename=filename, content_type=content_type, data=data)
    for filename, content_type, source in built_later:
        OutboxAttachment.create(message=message, filename=filename, content_type=content_type, data=b"",
                                source=source)
    _wakeup.set()
    return message


_renderers = {}


def register_renderer(kind: str, render) -> None:
    """`render(key) -> bytes` builds the attachments whose source is "kind:key" (at delivery time)."""
    _renderers[kind] = render


def attachment_data(attachment: OutboxAttachment) -> bytes:
    """The bytes of an attachment: stored, or built now from its source."""
    if attachment.source:
        kind, _, key = attachment.source.partition(":")
        return _renderers[kind](key)
    return bytes(attachment.data)


def _claim(now):
    """Take the oldest due message with a lease, so two workers never send the same one."""
    with locked():
        candidate = (
            Outbox.select(Outbox.id)
            .where(
                (Outbox.status == "pending")
                & (Outbox.next_attempt_at <= now)
                & (Outbox.claimed_until.is_null() | (Outbox.claimed_until < now))
            )
            .order_by(Outbox.id)
            .first()
        )
        if candidate is None:
            return None
        claimed = (
            Outbox.update(claimed_until=now + LEASE, attempts=Outbox.attempts + 1)
            .where(
                (Outbox.id == candidate.id)
                & (Outbox.status == "pending")  # another worker may have sent it since we looked
                & (Outbox.claimed_until.is_null() | (Outbox.claimed_until < now))
            )
            .execute()
        )
    return Outbox.get_by_id(candidate.id) if claimed else None


def deliver_due(send, now=None, limit: int = 100) -> int:
    """Send due messages with `send(message)`; failures are retried with back-off. Returns how many sent."""
    sent = 0
    for _ in range(limit):
        now = now or utcnow()
        message = _claim(now)
        if message is None:
            break
        try:
            send(message)
        except Exception as exc:  # any transport failure is retried later
            log.warning("mail %s to %s failed (attempt %s): %s", message.id, message.to_addr,
                        message.attempts, type(exc).__name__)
            give_up = message.attempts >= MAX_ATTEMPTS
            Outbox.update(
                status="failed" if give_up else "pending",
                claimed_until=None,
                last_error=f"{type(exc).__name__}: {exc}"[:500],
                next_attempt_at=now + timedelta(seconds=30 * 2 ** (message.attempts - 1)),
            ).where(Outbox.id == message.id).execute()
            continue
        done = {"status": "sent", "sent_at": utcnow(), "claimed_until": None, "last_error": None}
        if message.sensitive:
            done["body"] = SCRUBBED
        Outbox.update(**done).where(Outbox.id == message.id).execute()
        sent += 1
    return sent


def wait_for_work(timeout: float) -> None:
    """Block until a message is queued in this process or `timeout` seconds pass."""
    _wakeup.wait(timeout)
    _wakeup.clear()
