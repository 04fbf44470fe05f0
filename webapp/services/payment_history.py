"""PAYMENT HISTORY: an employer's payments of every channel, newest first, 10 a page, each with its status as
core.payment_history shows it and its receipt when it has one (two queries a page)."""

import math
from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN

from core import payment_history
from webapp.clock import MALAYSIA
from webapp.models import Employer
from webapp.payment_models import PaymentAttempt, Receipt


@dataclass(frozen=True)
class Row:
    order_no: str
    at: datetime  # Malaysia time
    channel: str
    amount: int  # sen
    status: str  # core.payment_history
    receipt: str | None


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    page: int
    pages: int
    count: int


def page(employer: Employer, number: int) -> Page:
    """Page `number` (clamped to the pages there are) of the employer's payments."""
    count = PaymentAttempt.select().where(PaymentAttempt.employer == employer).count()
    pages = max(1, math.ceil(count / payment_history.PER_PAGE))
    number = min(max(1, number), pages)
    query = (PaymentAttempt.select(PaymentAttempt.order_no, PaymentAttempt.created_at, PaymentAttempt.channel,
                                   PaymentAttempt.amount, PaymentAttempt.status, Receipt.number)
             .join(Receipt, JOIN.LEFT_OUTER, on=(Receipt.attempt == PaymentAttempt.id))
             .where(PaymentAttempt.employer == employer)
             .order_by(PaymentAttempt.created_at.desc(), PaymentAttempt.id.desc())
             .paginate(number, payment_history.PER_PAGE))
    rows = [Row(order_no, created_at + MALAYSIA, channel, amount, payment_history.shown(channel, status), receipt)
            for order_no, created_at, channel, amount, status, receipt in query.tuples()]
    return Page(rows, number, pages, count)
