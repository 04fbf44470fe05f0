"""The banks' daily collection files (QRG 8, payments.md B.2): an officer imports one; each line that matches an
unpaid ACR/ECR with the same amount pays it (channel "collection", one payment and receipt per line, the bank's
reference as its reference); a line the teller's counter payment of that document already recorded confirms
it; the rest go to the exceptions queue with their reason, for an officer to resolve with a note.

Importing the same file twice changes nothing: the file's sha256 is imported once (a unique index), and a
bank's reference names one collection for ever, so a line seen before (in another file too) is a duplicate
and changes nothing; the same reference with other details is an exception. A file with any bad line is
refused as a whole (core.collection_file), nothing imported. One locked transaction per import.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from peewee import JOIN, IntegrityError

from core import collection_file, counter, payment_channels
from core.errors import N_, Conflict, NotFound, ValidationError
from webapp.clock import MALAYSIA
from webapp.counter_models import CollectionFile, CollectionLine, CollectionResolution
from webapp.db import for_update, locked
from webapp.models import Acknowledgement, User
from webapp.payment_models import LIVE_STATUSES, PaymentAttempt, PaymentItem
from webapp.services import audit, payments, settlement
from webapp.services.counter import employer_email

REASONS = {
    "unknown_number": N_("Unknown number: no ACR or ECR has it"),
    "amount_differs": N_("Amount differs from the ACR/ECR"),
    "already_paid": N_("Already paid by another payment"),
    "held": N_("Held by another payment waiting for its answer"),
    "cancelled": N_("The ACR/ECR was cancelled"),
    "reference_reused": N_("Bank reference imported before with other details"),
}
OUTCOMES = {"matched": N_("Paid"), "confirmed": N_("Counter payment confirmed"), "duplicate": N_("Duplicate"),
            "exception": N_("Exception")}
ALREADY = N_("This file was imported already, on %(date)s. Nothing was changed.")


@dataclass
class Imported:
    """What an import did, or why it did nothing (`errors`: the file's bad lines; `earlier`: same file)."""

    errors: list[collection_file.LineError] = field(default_factory=list)
    unchecked: int = 0
    file: CollectionFile | None = None
    counts: dict[str, int] = field(default_factory=dict)


def import_file(officer: User, bank: str, filename: str, data: bytes, now: datetime) -> Imported:
    """Import one bank's collection file (`now` naive UTC). Returns the bad lines (nothing imported) or the
    file with the count of each outcome; raises Conflict when this file was imported already."""
    counter.check_bank(bank)
    today = (now + MALAYSIA).date()
    parsed = collection_file.parse(data, today)
    if parsed.errors:
        return Imported(errors=parsed.errors, unchecked=parsed.unchecked)
    with locked():
        earlier = CollectionFile.get_or_none(CollectionFile.fingerprint == parsed.fingerprint)
        if earlier is not None:
            raise Conflict(ALREADY, date=(earlier.imported_at + MALAYSIA).strftime("%d/%m/%Y %H:%M"))
        try:
            imported = CollectionFile.create(fingerprint=parsed.fingerprint, bank=bank, filename=filename[:255],
                                             lines=len(parsed.lines), imported_by=officer, imported_at=now)
        except IntegrityError:  # the same file, imported by someone else a moment ago
            raise Conflict(ALREADY, date=(now + MALAYSIA).strftime("%d/%m/%Y %H:%M")) from None
        counts = dict.fromkeys(OUTCOMES, 0)
        for line in parsed.lines:
            counts[_apply(officer, imported, line, now)] += 1
        audit.record(officer, "collection.imported", subject=imported.filename,
                     details={"file": imported.id, "bank": bank, "lines": len(parsed.lines), **counts})
    return Imported(file=imported, counts=counts)


def _apply(officer: User, imported: CollectionFile, line: collection_file.Collection, now: datetime) -> str:
    """One line: what it becomes (see the module docstring); returns its outcome."""
    values = {"file": imported, "line_no": line.line, "day": line.day, "number": line.number,
              "amount": line.amount, "bank": imported.bank, "reference": line.reference, "raw": line.raw,
              "created_at": now}
    first = CollectionLine.get_or_none((CollectionLine.bank == imported.bank)
                                       & (CollectionLine.reference == line.reference)
                                       & CollectionLine.repeats.is_null())
    if first is not None:
        same = (first.day, first.number, first.amount) == (line.day, line.number, line.amount)
        CollectionLine.create(**values, repeats=first, outcome="duplicate" if same else "exception",
                              reason=None if same else "reference_reused")
        return "duplicate" if same else "exception"
    ack = for_update(Acknowledgement.select().where(Acknowledgement.number == line.number)).first()
    outcome, reason, attempt = _judge(ack, line)
    if outcome == "matched":
        attempt = payments.hold_one(officer, ack, channel=payment_channels.COLLECTION, email=employer_email(ack),
                                    now=now, reference=line.reference,
                                    details={"bank": imported.bank, "file": imported.id, "line": line.line})
        CollectionLine.create(**values, outcome=outcome, acknowledgement=ack, attempt=attempt)
        if settlement.settle(attempt, _stamp(line.day, now), actor=officer,
                             details={"bank": imported.bank, "reference": line.reference}) != "succeeded":
            raise Conflict(N_("%(number)s changed during the import. Import the file again."), number=line.number)
        return outcome
    CollectionLine.create(**values, outcome=outcome, reason=reason, acknowledgement=ack, attempt=attempt)
    return outcome


def _judge(ack: Acknowledgement | None, line) -> tuple[str, str | None, PaymentAttempt | None]:
    """(outcome, exception reason, the payment it confirms) of a line for `ack` (locked)."""
    if ack is None:
        return "exception", "unknown_number", None
    if ack.status == "cancelled":
        return "exception", "cancelled", None
    if ack.status == "paid":
        teller = _unconfirmed_counter_payment(ack, line.amount)
        return ("confirmed", None, teller) if teller else ("exception", "already_paid", None)
    if ack.status != "unpaid":
        return "exception", "unknown_number", None  # a nil return has no number: not reached
    held = (PaymentItem.select().join(PaymentAttempt).where(
        (PaymentItem.acknowledgement == ack) & (PaymentItem.state == "open")
        & PaymentAttempt.status.in_(LIVE_STATUSES)).exists())
    if held:
        return "exception", "held", None
    if line.amount != ack.amount:
        return "exception", "amount_differs", None
    return "matched", None, None


def _unconfirmed_counter_payment(ack: Acknowledgement, amount: int) -> PaymentAttempt | None:
    """The teller's counter payment that paid `ack` for `amount`, not yet confirmed by a collection line."""
    return (PaymentAttempt.select().join(PaymentItem)
            .join_from(PaymentAttempt, CollectionLine, JOIN.LEFT_OUTER,
                       on=(CollectionLine.attempt == PaymentAttempt.id))
            .where((PaymentItem.acknowledgement == ack) & (PaymentItem.state == "paid")
                   & (PaymentAttempt.channel == payment_channels.COUNTER) & (PaymentAttempt.amount == amount)
                   & CollectionLine.id.is_null()).first())


def _stamp(day: date, now: datetime) -> datetime:
    """When a collection is recorded as paid: the file gives the day only, so noon of that day in Malaysia
    (late interest runs to that day), or now if that is earlier. Naive UTC."""
    return min(now, datetime.combine(day, time(12)) - MALAYSIA)


def exceptions(open_only: bool = True, limit: int = 200) -> list[CollectionLine]:
    """The exceptions queue: the lines that need an officer, oldest first; or (open_only False) the resolved
    ones, last resolved first. Each line carries `resolution` (None while open)."""
    resolved = CollectionResolution.select(CollectionResolution.line)
    query = CollectionLine.select().where((CollectionLine.outcome == "exception")
                                          & (CollectionLine.id.not_in(resolved) if open_only
                                             else CollectionLine.id.in_(resolved)))
    lines = list(query.order_by(CollectionLine.id if open_only else CollectionLine.id.desc()).limit(limit))
    return _with_resolutions(lines)


def open_exceptions() -> int:
    """How many exceptions wait for an officer (the queue shows the oldest 200)."""
    resolved = CollectionResolution.select(CollectionResolution.line)
    return CollectionLine.select().where((CollectionLine.outcome == "exception")
                                         & CollectionLine.id.not_in(resolved)).count()


def _with_resolutions(lines: list[CollectionLine]) -> list[CollectionLine]:
    found = {r.line_id: r for r in CollectionResolution.select().where(
        CollectionResolution.line.in_([line.id for line in lines] or [0]))}
    for line in lines:
        line.resolution = found.get(line.id)
    return lines


def files(limit: int = 30) -> list[CollectionFile]:
    return list(CollectionFile.select().order_by(CollectionFile.id.desc()).limit(limit))


def file_with_lines(file_id: int) -> tuple[CollectionFile, list[CollectionLine]]:
    imported = CollectionFile.get_or_none(CollectionFile.id == file_id)
    if imported is None:
        raise NotFound(N_("No such file."))
    lines = list(CollectionLine.select().where(CollectionLine.file == imported).order_by(CollectionLine.line_no))
    return imported, _with_resolutions(lines)


def resolve(officer: User, line_id: int, note: str, now: datetime) -> CollectionLine:
    """Mark an exception resolved with a note (what was done: refunded, paid otherwise ...). Once per line;
    nothing is deleted or changed on the line itself."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(N_("Write what was done about it."), field="note")
    if len(note) > 300:
        raise ValidationError(N_("Use at most %(max)d characters."), field="note", max=300)
    with locked():
        line = for_update(CollectionLine.select().where(CollectionLine.id == line_id)).first()
        if line is None or line.outcome != "exception":
            raise NotFound(N_("No such exception."))
        if CollectionResolution.select().where(CollectionResolution.line == line).exists():
            raise Conflict(N_("This exception was resolved already."))
        try:
            CollectionResolution.create(line=line, note=note, resolved_by=officer, resolved_at=now)
        except IntegrityError:
            raise Conflict(N_("This exception was resolved already.")) from None
        audit.record(officer, "collection.resolved", employer=line.acknowledgement.employer_id
                     if line.acknowledgement_id else None, subject=line.reference,
                     details={"line": line.id, "number": line.number, "reason": line.reason, "note": note})
    return line
