"""Migrations 0004 and 0013 move existing data: a database with contributions (and payments) in it,
migrated, keeps every row and gains the constraints. On SQLite a file of its own; on PostgreSQL a database of
its own."""

from datetime import date, datetime

import pytest
from peewee import IntegrityError
from playhouse.migrations import Runner

from webapp.cli import MIGRATIONS
from webapp.db import database, is_sqlite, open_database

NOW = datetime(2026, 11, 1, 9, 0)


@pytest.fixture
def old_database(app, tmp_path):
    """A database migrated to 0003 (the schema before issue 8), then given to the test."""
    if is_sqlite():
        db = open_database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
        yield db
        db.close()
        return
    url = app.config["DATABASE_URL"]
    with database.connection_context():
        database.execute_sql("DROP DATABASE IF EXISTS assist_migration_check")
        database.execute_sql("CREATE DATABASE assist_migration_check")
    db = open_database(url.rsplit("/", 1)[0] + "/assist_migration_check")
    yield db
    db.close()
    with database.connection_context():
        database.execute_sql("DROP DATABASE IF EXISTS assist_migration_check")


def insert(db, table, **values):
    columns = ", ".join(f'"{name}"' for name in values)
    marks = ", ".join([db.param] * len(values))
    cursor = db.execute_sql(f'INSERT INTO "{table}" ({columns}) VALUES ({marks}) RETURNING id',  # noqa: S608
                            list(values.values()))
    return cursor.fetchone()[0]


def test_migration_0004_keeps_the_data_and_adds_the_constraints(old_database):
    db = old_database
    db.connect()
    runner = Runner(db, directory=str(MIGRATIONS))
    runner.up(target="0003_contributions")
    user = insert(db, "user", email="a@example.com", name="A", role="employer", password_hash="x",
                  password_is_temporary=False, language="ms", is_active=True, created_at=NOW)
    employer = insert(db, "employer", code="E9000000001R", kind="business", name="X", business_entity="COMPANY",
                      sub_entity="SDN_BHD", registration_number="1", nationality="MY", industry="G", address="x",
                      postcode="50400", state="Selangor", phone="03", email="", first_employment_date=date(2020, 1, 1),
                      induction_venue="x", status="registered", created_by_id=user, created_at=NOW)
    batch = insert(db, "registration_batch", crn="CRN1", employer_id=employer, kind="new_employer",
                   status="submitted", created_by_id=user, created_at=NOW)
    person = insert(db, "person", id_type="NEW_IC", id_number="900101140001", name="ALI", birth_date=date(1990, 1, 1),
                    gender="M", citizen=True, nationality="MY", first_insured_on=date(2020, 1, 1), created_at=NOW)
    employment = insert(db, "employment", employer_id=employer, person_id=person, batch_id=batch, domestic=False,
                        start_date=date(2020, 1, 1), status="active", passport_number="", permit_number="",
                        kin_name="", kin_phone="", kin_relationship="", created_at=NOW)
    submissions = [insert(db, "submission", employer_id=employer, month=date(2026, 10, 1), type=type_,
                          with_socso=True, with_eis=True, medium="8A", status=status, confirm_token="t" * 43,
                          created_by_id=user, created_at=NOW)
                   for type_, status in (("monthly", "confirmed"), ("monthly", "draft"), ("arrears", "draft"))]
    insert(db, "submission_line", submission_id=submissions[0], employment_id=employment, position=1,
           status="active", wages=200000, socso_employer=3415, socso_employee=975, eis_employer=390,
           eis_employee=390, skbbk_employee=1465)
    insert(db, "acknowledgement", number="ACR112600000001", kind="ACR", submission_id=submissions[0],
           employer_id=employer, month=date(2026, 10, 1), type="monthly", medium="8A", employees=1, amount=5855,
           status="unpaid", created_at=NOW)
    insert(db, "login_throttle", email="a@example.com", failures=2, lockouts=0)

    assert runner.up()[0] == "0004_integrity"

    line = db.execute_sql("SELECT wages, socso_employer, skbbk_employee FROM submission_line").fetchone()
    assert tuple(line) == (200000, 3415, 1465)
    ack = db.execute_sql("SELECT number, amount, status FROM acknowledgement").fetchone()
    assert tuple(ack) == ("ACR112600000001", 5855, "unpaid")
    statuses = db.execute_sql("SELECT id, status FROM submission ORDER BY id").fetchall()
    # two open drafts of one month: the newer is kept, the older set aside (not deleted)
    assert [s for _, s in statuses] == ["confirmed", "cancelled", "draft"]
    assert tuple(db.execute_sql("SELECT failures, pending FROM login_throttle").fetchone()) == (2, 0)
    for statement in ("UPDATE submission SET status = 'sent'", "UPDATE submission_line SET wages = -1",
                      "UPDATE acknowledgement SET kind = 'XCR'"):
        with pytest.raises(IntegrityError), db.atomic():
            db.execute_sql(statement)
    with pytest.raises(IntegrityError), db.atomic():  # a second live bill for the month, as Arrears
        insert(db, "acknowledgement", number="ACR112600000002", kind="ACR", submission_id=submissions[2],
               employer_id=employer, month=date(2026, 10, 1), type="arrears", medium="8A", employees=1,
               amount=5855, status="unpaid", created_at=NOW)
    insert(db, "acknowledgement", number=None, kind="ECR", submission_id=submissions[0], employer_id=employer,
           month=date(2026, 10, 1), type="monthly", medium="8A", employees=0, amount=0, status="nil",
           created_at=NOW)  # a nil return has no number
    db.execute_sql("UPDATE acknowledgement SET amount = 3000000000 WHERE number = 'ACR112600000001'")
    assert db.execute_sql("SELECT amount FROM acknowledgement WHERE kind = 'ACR'").fetchone()[0] == 3_000_000_000


def test_migration_0013_keeps_fpx_payments_and_lets_other_channels_in(old_database):
    db = old_database
    db.connect()
    runner = Runner(db, directory=str(MIGRATIONS))
    runner.up(target="0003_contributions")
    user = insert(db, "user", email="a@example.com", name="A", role="employer", password_hash="x",
                  password_is_temporary=False, language="ms", is_active=True, created_at=NOW)
    employer = insert(db, "employer", code="E9000000001R", kind="business", name="X", business_entity="COMPANY",
                      sub_entity="SDN_BHD", registration_number="1", nationality="MY", industry="G", address="x",
                      postcode="50400", state="Selangor", phone="03", email="", first_employment_date=date(2020, 1, 1),
                      induction_venue="x", status="registered", created_by_id=user, created_at=NOW)
    submission = insert(db, "submission", employer_id=employer, month=date(2026, 10, 1), type="monthly",
                        with_socso=True, with_eis=True, medium="8A", status="confirmed", confirm_token="t" * 43,
                        created_by_id=user, created_at=NOW)
    ack = insert(db, "acknowledgement", number="ACR112600000001", kind="ACR", submission_id=submission,
                 employer_id=employer, month=date(2026, 10, 1), type="monthly", medium="8A", employees=1,
                 amount=5855, status="paid", created_at=NOW)
    runner.up(target="0012_audit_trail")
    attempt = insert(db, "payment_attempt", order_no="AS000000000001", employer_id=employer, user_id=user,
                     msg_token="01", amount=5855, bank_id="TEST0021", email="a@example.com", status="succeeded",
                     ar_fields="{}", fpx_txn_id="2611250000000001", created_at=NOW, updated_at=NOW, checks=0)
    insert(db, "payment_item", attempt_id=attempt, acknowledgement_id=ack, amount=5855, state="paid")
    insert(db, "receipt", number="20260000000001", attempt_id=attempt, employer_id=employer, amount=5855,
           created_at=NOW)

    assert runner.up(target="0013_payment_channels") == ["0013_payment_channels"]

    row = db.execute_sql("SELECT order_no, channel, msg_token, bank_id, fpx_txn_id, amount FROM payment_attempt"
                         ).fetchone()
    assert tuple(row) == ("AS000000000001", "fpx", "01", "TEST0021", "2611250000000001", 5855)
    joined = db.execute_sql("SELECT r.number, i.state FROM receipt r JOIN payment_attempt a ON a.id = r.attempt_id "
                            "JOIN payment_item i ON i.attempt_id = a.id").fetchone()
    assert tuple(joined) == ("20260000000001", "paid")
    insert(db, "payment_attempt", order_no="EF000000000001", employer_id=employer, user_id=user, channel="eft",
           amount=100, email="a@example.com", status="pending", reference="MBB123", created_at=NOW,
           updated_at=NOW, checks=0)  # no FPX fields: another channel
    for values in ({"channel": "fpx"}, {"channel": "cash"}):  # FPX needs its AR; channels are a closed list
        with pytest.raises(IntegrityError), db.atomic():
            insert(db, "payment_attempt", order_no="XX000000000001", employer_id=employer, user_id=user,
                   amount=100, email="a@example.com", status="pending", created_at=NOW, updated_at=NOW, checks=0,
                   **values)
    with pytest.raises(IntegrityError), db.atomic():  # the payment the receipt points at stays
        db.execute_sql("DELETE FROM payment_attempt WHERE order_no = 'AS000000000001'")
