"""The banks' collection files against the store (SQLite and PostgreSQL): matched lines pay with a receipt,
the teller's counter payments are confirmed, duplicates change nothing, the rest are exceptions with their
reason; the same file twice changes nothing; a bad file imports nothing; exceptions are resolved once."""

import io
from datetime import date, datetime

import pytest
from peewee import IntegrityError
from pypdf import PdfReader

from core.errors import Conflict, NotFound, ValidationError
from core.interest import late_interest
from core.money import from_sen, sen
from tests.conftest import make_user
from tests.factories import bill, registered_employer
from tests.store.test_counter import THURSDAY_5_59_PM, document
from webapp.counter_models import CollectionFile, CollectionLine, CollectionResolution
from webapp.db import database
from webapp.models import Acknowledgement, AuditEvent
from webapp.payment_models import FclbNotice, PaymentAttempt, Receipt
from webapp.services import cart, collections, counter, payments, receipts

NOW = datetime(2026, 4, 10, 8, 0)  # naive UTC: Friday 10 April 2026, 4.00 pm in Malaysia
MARCH, FEBRUARY, JANUARY = date(2026, 3, 1), date(2026, 2, 1), date(2026, 1, 1)
HEADER = "date,acr_ecr_number,amount,bank_reference\r\n"


@pytest.fixture
def world(app):
    with database.connection_context():
        owner = make_user()
        employer, _ = registered_employer(owner)
        officer = make_user("officer@example.com", role="officer", name="Pegawai")
        yield owner, employer, officer


def csv(*lines: str) -> bytes:
    return ("\ufeff" + HEADER + "".join(f"{line}\r\n" for line in lines)).encode()


def run(officer, data: bytes, bank="MBB", name="mbb-20260410.csv"):
    return collections.import_file(officer, bank, name, data, NOW)


def outcomes(file) -> list[tuple]:
    return [(line.line_no, line.outcome, line.reason) for line in
            CollectionLine.select().where(CollectionLine.file == file).order_by(CollectionLine.line_no)]


def test_matched_unmatched_and_duplicate_lines(world):
    owner, employer, officer = world
    acr = bill(employer, owner, MARCH, "ACR", 44400)
    ecr = bill(employer, owner, MARCH, "ECR", 1580)
    paid = bill(employer, owner, FEBRUARY, "ACR", 100, status="paid")
    cancelled = bill(employer, owner, FEBRUARY, "ECR", 200, status="cancelled")
    held = bill(employer, owner, JANUARY, "ACR", 300)
    cart.add(owner, employer, [held.number])
    payments.hold_cart(owner, employer, channel="eft", email="pay@example.com", now=NOW, reference="EFT1")
    done = run(officer, csv(
        f"10/04/2026,{acr.number},444.00,MBB0001",  # line 2: matched
        f"2026-04-10,{ecr.number},15.00,MBB0002",  # amount differs
        "10/04/2026,ACR012269999999,1.00,MBB0003",  # unknown number
        f"10/04/2026,{paid.number},1.00,MBB0004",  # paid already (not at a counter)
        f"10/04/2026,{cancelled.number},2.00,MBB0005",  # cancelled
        f"10/04/2026,{held.number},3.00,MBB0006",  # held by an EFT being verified
        f"10/04/2026,{acr.number},444.00,MBB0001",  # line 8: the same collection again in the file
    ))
    assert done.errors == [] and done.counts == {"matched": 1, "confirmed": 0, "duplicate": 1, "exception": 5}
    assert outcomes(done.file) == [(2, "matched", None), (3, "exception", "amount_differs"),
                                   (4, "exception", "unknown_number"), (5, "exception", "already_paid"),
                                   (6, "exception", "cancelled"), (7, "exception", "held"), (8, "duplicate", None)]
    assert Acknowledgement.get_by_id(acr.id).status == "paid" and Acknowledgement.get_by_id(ecr.id).status == "unpaid"
    attempt = PaymentAttempt.get(PaymentAttempt.channel == "collection")
    assert (attempt.reference, attempt.amount, attempt.status, attempt.order_no[:2]) == ("MBB0001", 44400,
                                                                                         "succeeded", "KF")
    receipt = Receipt.get(Receipt.attempt == attempt)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(receipts.pdf_of_receipt(receipt))).pages)
    assert "fail kutipan bank" in text and "MBB0001" in text and "10/04/2026" in text
    queue = collections.exceptions()
    assert [line.line_no for line in queue] == [3, 4, 5, 6, 7] and all(line.resolution is None for line in queue)
    assert AuditEvent.get(AuditEvent.action == "collection.imported").subject == "mbb-20260410.csv"


def test_the_same_file_twice_changes_nothing_and_a_later_file_repeating_lines_neither(world):
    owner, employer, officer = world
    acr, ecr = bill(employer, owner, MARCH, "ACR", 44400), bill(employer, owner, MARCH, "ECR", 1580)
    data = csv(f"10/04/2026,{acr.number},444.00,MBB0001", "10/04/2026,ACR012269999999,1.00,MBB0002")
    first = run(officer, data)
    before = (PaymentAttempt.select().count(), Receipt.select().count(), CollectionLine.select().count())
    with pytest.raises(Conflict, match="imported already"):
        run(officer, data, name="renamed.csv")
    assert (PaymentAttempt.select().count(), Receipt.select().count(), CollectionLine.select().count()) == before
    assert CollectionFile.select().count() == 1
    # The next day's file repeats yesterday's lines (saved again, other bytes) and adds one.
    later = run(officer, data.replace(b"\r\n", b"\n") + f"10/04/2026,{ecr.number},15.80,MBB0003\n".encode())
    assert outcomes(later.file) == [(2, "duplicate", None), (3, "duplicate", None), (4, "matched", None)]
    assert PaymentAttempt.select().count() == 2 and len(collections.exceptions()) == 1  # the first file's one
    repeat = CollectionLine.get((CollectionLine.file == later.file) & (CollectionLine.line_no == 2))
    assert repeat.repeats.file_id == first.file.id
    # The same reference with other details is not a repeat: an officer must look at it.
    reused = run(officer, csv(f"10/04/2026,{ecr.number},15.80,MBB0001"))
    assert outcomes(reused.file) == [(2, "exception", "reference_reused")]
    other_bank = run(officer, csv(f"10/04/2026,{acr.number},444.00,MBB0001"), bank="CIMB")  # another bank's ref
    assert outcomes(other_bank.file) == [(2, "exception", "already_paid")]


def test_a_line_confirms_the_tellers_counter_payment_once(world):
    owner, employer, officer = world
    teller = make_user("teller@bank.example", role="teller")
    acr = document(employer, owner, submitted=THURSDAY_5_59_PM)
    token = counter.find(teller, acr.number, NOW).token
    paid = counter.record(teller, number=acr.number, token=token, method="cash", amount=44400, now=NOW)
    done = run(officer, csv(f"10/04/2026,{acr.number},444.00,MBB0001", f"10/04/2026,{acr.number},444.00,MBB0002"))
    assert outcomes(done.file) == [(2, "confirmed", None), (3, "exception", "already_paid")]
    line = CollectionLine.get(CollectionLine.outcome == "confirmed")
    assert line.attempt.order_no == paid.order_no and PaymentAttempt.select().count() == 1


def test_a_late_document_paid_by_the_file_pays_interest_to_the_collection_day(world):
    owner, employer, officer = world
    late = bill(employer, owner, JANUARY, "ACR", 100_000)
    run(officer, csv(f"06/04/2026,{late.number},1000.00,MBB0001"))
    [notice] = FclbNotice.select()
    assert notice.paid_on == date(2026, 4, 6)  # the bank's day, not the import's
    assert notice.amount == sen(late_interest(from_sen(100_000), JANUARY, date(2026, 4, 6)))


def test_a_bad_file_imports_nothing_and_lists_every_bad_line(world):
    owner, employer, officer = world
    acr = bill(employer, owner, MARCH, "ACR", 44400)
    done = run(officer, csv(f"10/04/2026,{acr.number},444.00,MBB0001", f"31/02/2026,{acr.number},444,MBB 2",
                            "11/04/2026,ACR0322600000٠1,1.00,MBB0003"))
    assert done.file is None
    assert [(e.line, e.field) for e in done.errors] == [(3, "date"), (3, "amount"), (3, "bank_reference"),
                                                        (4, "date"), (4, "acr_ecr_number")]
    assert CollectionFile.select().count() == 0 and Acknowledgement.get_by_id(acr.id).status == "unpaid"
    with pytest.raises(ValidationError):
        collections.import_file(officer, "NOBANK", "x.csv", csv(), NOW)


def test_an_exception_is_resolved_once_with_a_note_and_nothing_is_deleted(world):
    owner, employer, officer = world
    done = run(officer, csv("10/04/2026,ACR012269999999,1.00,MBB0001"))
    [line] = collections.exceptions()
    with pytest.raises(ValidationError):
        collections.resolve(officer, line.id, "   ", NOW)
    collections.resolve(officer, line.id, "Refunded to the payer by MBB on 11/04", NOW)
    assert collections.exceptions() == []
    [resolved] = collections.exceptions(open_only=False)
    assert resolved.resolution.note.startswith("Refunded") and resolved.id == line.id
    with pytest.raises(Conflict):
        collections.resolve(officer, line.id, "again", NOW)
    matched = bill(employer, owner, MARCH, "ACR", 100)
    ok = run(officer, csv(f"10/04/2026,{matched.number},1.00,MBB0009"))
    with pytest.raises(NotFound):  # only exceptions are resolved
        collections.resolve(officer, CollectionLine.get(CollectionLine.file == ok.file).id, "x", NOW)
    for table in (CollectionLine, CollectionResolution, CollectionFile):
        for change in (table.delete(), table.update(created_at=NOW) if table is CollectionLine
                       else table.update(id=table.id)):
            with pytest.raises(IntegrityError), database.atomic():
                change.execute()
    assert CollectionLine.select().count() == 2 and done.file.id
    assert AuditEvent.get(AuditEvent.action == "collection.resolved").details.count("Refunded") == 1
