"""Every e-Mandate message to and from FPX, kept raw in `mandate_message` with what the portal made of it
(payments.md I3): the AD sent, the ACs of its RM 1.00 authorisation, the bank's notices, each DR sent and DS
received, terminations. The table refuses updates and deletes; an answer is applied at most once (a partial
unique index on order number, FPX id and code)."""

from datetime import datetime
from urllib.parse import urlencode

from webapp.mandate_models import Mandate, MandateMessage
from webapp.payment_models import PaymentAttempt
from webapp.services.fpx_answers import naive_utc


def record(direction: str, kind: str, fields: dict | None, verdict: str, now: datetime, *, raw: str | None = None,
           note: str = "", mandate: Mandate | None = None, attempt: PaymentAttempt | None = None,
           code: str | None = None) -> MandateMessage:
    """Append one message (inside the caller's transaction when there is one). `code` defaults to the
    message's debitAuthCode; the FPX id is the message's fpxTxnId, or its mandate id for a notice."""
    fields = fields or {}

    def cut(value, size):
        return value[:size] if isinstance(value, str) and value else None

    return MandateMessage.create(
        direction=direction, kind=kind, mandate=mandate, attempt=attempt,
        order_no=cut(fields.get("fpx_sellerExOrderNo"), 60),
        fpx_txn_id=cut(fields.get("fpx_fpxTxnId") or fields.get("fpx_mandateId"), 30),
        code=cut(code or fields.get("fpx_debitAuthCode"), 10), verdict=verdict, note=(note or "")[:300],
        raw=raw if raw is not None else urlencode(fields), received_at=naive_utc(now))


def applied_before(order_no: str, fpx_txn_id: str | None, code: str) -> bool:
    """Was this answer (order, FPX id, code) applied already? (The dedupe key of payments.md B.1.)"""
    return MandateMessage.select().where(
        (MandateMessage.order_no == order_no) & (MandateMessage.fpx_txn_id == fpx_txn_id)
        & (MandateMessage.code == code) & (MandateMessage.verdict == "applied")).exists()


def of_mandate(mandate: Mandate, limit: int = 50) -> list[MandateMessage]:
    """A mandate's messages, newest first (for officers and tests)."""
    return list(MandateMessage.select().where(MandateMessage.mandate == mandate)
                .order_by(MandateMessage.id.desc()).limit(limit))


def of_attempt(attempt: PaymentAttempt, limit: int = 50) -> list[MandateMessage]:
    """A debit's DR and DS messages, newest first."""
    return list(MandateMessage.select().where(MandateMessage.attempt == attempt)
                .order_by(MandateMessage.id.desc()).limit(limit))
