"""Services against the store (run on SQLite and again on PostgreSQL)."""

import io
import threading
from datetime import UTC, date, timedelta

import pytest
import time_machine

from core.errors import Conflict, NotAllowed
from tests.conftest import PASSWORD, make_user
from tests.documents import PDF
from webapp.clock import utcnow
from webapp.db import database
from webapp.models import AuthSession, LoginThrottle, Outbox, PortalApplication, User
from webapp.services import auth, outbox, portal_id, sessions


def application(app, email="boss@syarikat.com.my", submitted_by=None):
    data = portal_id.Application(company_name="Syarikat Contoh Sdn Bhd", brn="201901000005",
                                 applicant_name="Ahmad bin Ali", applicant_mykad="880101-14-5671",
                                 designation="Director", email=email, phone="0312345678")
    with database.connection_context():
        return portal_id.submit(data, io.BytesIO(PDF), "ssm.pdf", app.config, submitted_by=submitted_by)


def test_outbox_retries_a_failed_delivery_then_sends_it(app):
    with database.connection_context():
        outbox.enqueue("a@example.com", "Subject", "Body")
        calls = []

        def flaky(message):
            calls.append(message.id)
            if len(calls) == 1:
                raise ConnectionRefusedError("smtp down")

        assert outbox.deliver_due(flaky) == 0
        row = Outbox.get()
        assert row.status == "pending" and row.attempts == 1 and "smtp down" in row.last_error
        assert outbox.deliver_due(flaky) == 0  # not due yet: back-off
        assert outbox.deliver_due(flaky, now=utcnow() + timedelta(minutes=1)) == 1
        assert Outbox.get().status == "sent" and len(calls) == 2


def test_outbox_gives_up_after_the_last_attempt(app):
    with database.connection_context():
        outbox.enqueue("a@example.com", "Subject", "Body")
        moment = utcnow()
        def unreachable(message):
            raise OSError("no route to host")

        for _ in range(outbox.MAX_ATTEMPTS):
            moment += timedelta(hours=24)
            outbox.deliver_due(unreachable, now=moment)
        assert Outbox.get().status == "failed"


def test_two_workers_never_send_the_same_message(app):
    with database.connection_context():
        for n in range(30):
            outbox.enqueue(f"user{n}@example.com", "Subject", "Body")
    sent, lock = [], threading.Lock()

    def send(message):
        with lock:
            sent.append(message.id)

    def worker():
        with database.connection_context():
            outbox.deliver_due(send)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(sent) == sorted(set(sent)) and len(sent) == 30


def test_lockout_counter_lives_in_the_store(app):
    user = make_user("lock@example.com")
    with database.connection_context():
        for _ in range(4):
            with pytest.raises(auth.LoginFailed):
                auth.authenticate(user.email, "bad password!!", app.config, kiosk=False)
        assert LoginThrottle.get().failures == 4
        with pytest.raises(auth.AccountLocked) as locked:
            auth.authenticate(user.email, "bad password!!", app.config, kiosk=False)
        assert timedelta(minutes=14) < locked.value.locked_until - utcnow() <= timedelta(minutes=15)
        with pytest.raises(auth.AccountLocked):
            auth.authenticate(user.email, PASSWORD, app.config, kiosk=False)


def test_at_most_a_hundred_failures_an_hour(app):
    """ASVS 2.2.1: even across lockouts, no more than 100 wrong passwords per account per hour."""
    make_user("hour@example.com")
    tries, moment = 0, utcnow()
    with database.connection_context():
        while moment < utcnow() + timedelta(hours=1):
            with time_machine.travel(moment):
                try:
                    auth.authenticate("hour@example.com", "bad password!!", app.config, kiosk=False)
                except auth.AccountLocked:
                    pass
                except auth.LoginFailed:
                    tries += 1
            moment += timedelta(seconds=30)
    assert tries <= 100


def test_session_revocation(app):
    user = make_user("sess@example.com")
    timeouts = sessions.Timeouts(timedelta(minutes=30), timedelta(minutes=3), timedelta(hours=12))
    with database.connection_context():
        token = sessions.start(user, kiosk=False)
        assert sessions.resolve(token, timeouts).user_id == user.id
        assert AuthSession.get().token_hash != token  # only the hash is stored
        sessions.revoke_all(user, "password")
        assert sessions.resolve(token, timeouts) is None


def test_approval_is_all_or_nothing(app, monkeypatch):
    """A failure after the user and the decision were written (the email cannot be queued) undoes both."""
    officer = make_user("officer@example.com", role="officer")
    pending = application(app, email="new@syarikat.com.my")

    def queue_full(*args, **kwargs):
        assert User.select().where(User.email == "new@syarikat.com.my").exists()  # written already
        raise OSError("outbox unavailable")

    monkeypatch.setattr(outbox, "enqueue", queue_full)
    with database.connection_context():
        queued, users = Outbox.select().count(), User.select().count()
        with pytest.raises(OSError):
            portal_id.approve(pending.id, officer, app.config)
        assert PortalApplication.get_by_id(pending.id).status == "pending"
        assert Outbox.select().count() == queued and User.select().count() == users


def test_approval_for_an_email_that_has_an_account_is_refused(app):
    officer = make_user("officer@example.com", role="officer")
    make_user("taken@syarikat.com.my")
    pending = application(app, email="taken@syarikat.com.my")
    with database.connection_context(), pytest.raises(Conflict):
        portal_id.approve(pending.id, officer, app.config)


def test_maker_checker_on_approval(app):
    officer = make_user("officer@example.com", role="officer")
    own = application(app, email="friend@syarikat.com.my", submitted_by=officer)
    with database.connection_context(), pytest.raises(NotAllowed):
        portal_id.approve(own.id, officer, app.config)


def test_application_references_are_unique_and_sequential(app):
    first = application(app, email="one@syarikat.com.my")
    second = application(app, email="two@syarikat.com.my")
    year = utcnow().year
    assert first.reference == f"PID{year}000001" and second.reference == f"PID{year}000002"


def test_days_are_malaysian_days():
    """At 23:30 UTC on the 15th it is already the 16th in Malaysia: the deadline has passed."""
    from datetime import datetime

    from webapp.clock import malaysia_today

    with time_machine.travel(datetime(2026, 11, 15, 23, 30, tzinfo=UTC), tick=False):
        assert malaysia_today() == date(2026, 11, 16)
    with time_machine.travel(datetime(2026, 11, 15, 15, 59, tzinfo=UTC), tick=False):
        assert malaysia_today() == date(2026, 11, 15)
