"""The FPX Payment Status page refreshes itself while FPX has not answered, but not for ever, and its
refreshes are not the user's activity: the idle logout (30 minutes, 3 on a kiosk) still comes. An item held
by a payment in flight says which payment, and the cart does not lead to a dead end with it."""

from datetime import date, timedelta

from tests.conftest import PASSWORD, make_user
from tests.factories import bill, registered_employer
from tests.support import CSRF_META, login
from webapp.clock import utcnow
from webapp.db import database
from webapp.models import AuthSession
from webapp.payment_models import PaymentAttempt, PaymentItem
from webapp.services import cart


def attempt(employer, user, order_no, age):
    created = utcnow() - age
    return PaymentAttempt.create(order_no=order_no, employer=employer, user=user, msg_token="01", amount=1000,
                                 bank_id="TEST0021", email="a@b.test", status="created", ar_fields="{}",
                                 created_at=created, updated_at=created)


def test_the_status_page_refreshes_fast_then_slowly_then_not_at_all(client, auth):
    with database.connection_context():
        user = make_user()
        employer, _ = registered_employer(user)
        for order_no, age in (("AS000000000001", timedelta(seconds=10)), ("AS000000000002", timedelta(minutes=10)),
                              ("AS000000000003", timedelta(hours=2))):
            attempt(employer, user, order_no, age)
    auth.login()
    fresh = client.get("/payment/fpx/AS000000000001").get_data(as_text=True)
    assert 'hx-trigger="every 5s"' in fresh and "X-Assist-Poll" in fresh
    assert 'hx-trigger="every 30s"' in client.get("/payment/fpx/AS000000000002").get_data(as_text=True)
    old = client.get("/payment/fpx/AS000000000003").get_data(as_text=True)
    assert "hx-trigger=\"every" not in old and "CHECK STATUS" in old


def test_a_refresh_by_the_page_does_not_keep_the_session_alive(client, auth):
    with database.connection_context():
        user = make_user()
        employer, _ = registered_employer(user)
        attempt(employer, user, "AS000000000001", timedelta(seconds=10))
    auth.login()
    earlier = utcnow() - timedelta(minutes=5)
    with database.connection_context():
        AuthSession.update(last_seen_at=earlier).execute()
    poll = {"HX-Request": "true", "X-Assist-Poll": "1"}
    assert client.get("/payment/fpx/AS000000000001", headers=poll).status_code == 200
    with database.connection_context():
        assert AuthSession.get().last_seen_at == earlier
    assert client.get("/payment/fpx/AS000000000001", headers={"HX-Request": "true"}).status_code == 200
    with database.connection_context():
        assert AuthSession.get().last_seen_at > earlier


def test_a_cart_holding_an_item_in_flight_says_so_and_links_to_that_payment_instead_of_continue(client, auth):
    with database.connection_context():
        user = make_user()
        employer, _ = registered_employer(user)
        acr = bill(employer, user, date(2026, 3, 1), "ACR", 4390)
        cart.add(user, employer, [acr.number])
        held = attempt(employer, user, "AS000000000001", timedelta(minutes=1))
        PaymentItem.create(attempt=held, acknowledgement=acr, amount=4390)
    auth.login()
    summary = client.get("/payment/summary").get_data(as_text=True)
    assert 'id="held-warning"' in summary and ">CONTINUE<" not in summary
    assert 'href="/payment/fpx/AS000000000001"' in summary
    assert 'href="/payment/fpx/AS000000000001"' in client.get("/payment/").get_data(as_text=True)


def test_an_officer_marks_a_payment_that_needs_review_unsuccessful_from_its_page(app, client):
    with database.connection_context():
        user = make_user()
        make_user("officer@example.com", role="officer")
        employer, _ = registered_employer(user)
        stuck = attempt(employer, user, "AS000000000001", timedelta(days=2))
        PaymentAttempt.update(status="needs_review").where(PaymentAttempt.id == stuck.id).execute()
    login(client, "officer@example.com", PASSWORD)
    page = client.get("/officer/payments/AS000000000001").get_data(as_text=True)
    assert "MARK UNSUCCESSFUL" in page
    token = CSRF_META.search(page).group(1)
    empty = client.post("/officer/payments/AS000000000001/unsuccessful", data={"csrf_token": token})
    assert empty.status_code == 422  # the reason is required
    done = client.post("/officer/payments/AS000000000001/unsuccessful",
                       data={"csrf_token": token, "unsuccessful-reason": "The bank has no such transaction."})
    assert done.status_code == 303
    with database.connection_context():
        assert PaymentAttempt.get().status == "failed"
