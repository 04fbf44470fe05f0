"""FPX figures (issue 11), through two real processes (the portal under waitress, fpxsim):

- payments per second end to end: browser-like clients (one per thread, each its own cart) ADD TO CART (htmx),
  PROCEED on FPX Payment (the attempt and its signed AR committed), the page that takes them to the exchange,
  the AR at the exchange, the indirect AC back to the portal, while the exchange also sends its direct AC; a
  payment counts when it is settled (paid, receipt, FCLB notice when late, email queued). Pages that only
  show something (PAYMENT, the summary) are left out: they are measured by the page benchmarks;
- the time `flask reconcile-payments --all` takes for 10,000 payments without a final answer (B2B1 `99` at the
  exchange: each gets an AE, its signed reply is verified and applied, and its next AE planned).
"""

import json
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from peewee import fn

from core import fpx
from core.periods import add_months
from tests.factories import bill
from tests.fpxsim_support import post_form
from tests.payments.live import DEMO, Browser, FpxWorld, ar_form
from tests.support import free_port
from webapp.models import Acknowledgement, Employer, EmployerAccess, User
from webapp.payment_models import PaymentAttempt
from webapp.services import hashing

SELLER = fpx.Seller("SE00000001", "EX00000001")
THREADS = 4


def _world(workdir: Path) -> FpxWorld:
    world = FpxWorld(workdir, smtp_port=free_port(), extra_env={"MAIL_WORKER": "0", "THREADS": "8"})
    world.sim.env.update(FPXSIM_THREADS="8")
    return world.start()


def _payers(world: FpxWorld, count: int, bills_each: int) -> list[tuple[str, list[str]]]:
    """`count` employer users of the demo employer, each with its own unpaid ACRs."""
    found = []
    with world.store():
        employer = Employer.get(Employer.registration_number == "201901000005")
        demo = User.get(User.email == DEMO)
        hashing.configure("CHEAPEST")
        for n in range(count):
            email = f"bench{n}@demo.assist.test"
            User.create(email=email, name=f"Bench {n}", password_hash=hashing.hash_password("Demo-Password-2026"),
                        password_is_temporary=False, terms_accepted_at=datetime.now(UTC).replace(tzinfo=None))
            EmployerAccess.create(user=User.get(User.email == email), employer=employer)
            slots = [(add_months(date(1970, 1, 1), (n * bills_each + i) // 2), ("ACR", "ECR")[i % 2])
                     for i in range(bills_each)]
            found.append((email, [bill(employer, demo, month, kind, 10_000 + n).number for month, kind in slots]))
    return found


def payments_per_second(seconds: float = 15.0, threads: int = THREADS) -> tuple[float, int]:
    """(settled payments per second, how many were settled) with `threads` payers at once."""
    with tempfile.TemporaryDirectory() as workdir:
        world = _world(Path(workdir))
        try:
            world.sim.scenario(rules=[{"match": {}, "auto": True}])
            payers = _payers(world, threads, 150)
            warm = Browser(world.portal.url).login(payers[0][0])
            world.pay(warm, [payers[0][1].pop()])
            stop_at = [0.0]
            orders: list[str] = []
            lock = threading.Lock()

            def run(payer):
                email, numbers = payer
                browser = Browser(world.portal.url).login(email)
                while numbers and time.monotonic() < stop_at[0]:
                    order = _pay(world, browser, numbers.pop())
                    with lock:
                        orders.append(order)

            start = time.monotonic()
            stop_at[0] = start + seconds
            with ThreadPoolExecutor(threads) as pool:
                list(pool.map(run, payers))
            elapsed = time.monotonic() - start
            with world.store():
                settled = PaymentAttempt.select().where(PaymentAttempt.order_no.in_(orders)
                                                        & (PaymentAttempt.status == "succeeded")).count()
            return settled / elapsed, settled
        finally:
            world.stop()


def _pay(world: FpxWorld, browser: Browser, number: str) -> str:
    """One payment the short way a browser goes (no page views): cart, PROCEED, the exchange, back."""
    browser.post("/payment/cart/add", [("item", number)], **{"HX-Request": "true"})
    go = browser.post("/payment/fpx/", {"model": "01", "bank": "TEST0021", "email": "payer@example.com"})
    action, fields = ar_form(go.text)
    result = post_form(action, fields)
    world.return_from_bank(result.text)
    return fields["fpx_sellerExOrderNo"]


def reconcile_pending(count: int = 10_000, workers: int = 8) -> tuple[float, dict]:
    """(seconds for `flask reconcile-payments --all`, what the attempts became) with `count` B2B1 payments
    pending (`99`) at the exchange."""
    with tempfile.TemporaryDirectory() as workdir:
        world = _world(Path(workdir))
        try:
            world.sim.scenario(rules=[{"match": {}, "auto": True, "direct_ac": {"drop": True}}])
            key = (world.workdir / "merchant" / "merchant.key").read_bytes()
            now = datetime.now(UTC)
            with world.store() as db:
                employer = Employer.get(Employer.registration_number == "201901000005")
                user = User.get(User.email == DEMO)
                ack = Acknowledgement.select().where(Acknowledgement.employer == employer).first()
                ars = []
                with db.atomic():
                    for n in range(count):
                        order = f"BN{n + 1:012d}"
                        ar = fpx.signed(fpx.build_ar(SELLER, token=fpx.B2B1, seller_ex_order_no=order,
                                                     seller_order_no=order, txn_time=now, amount_sen=ack.amount + 99,
                                                     buyer_bank_id="TEST0021", product_desc="BENCH"), key)
                        ars.append(ar)
                        PaymentAttempt.create(order_no=order, employer=employer, user=user, msg_token=fpx.B2B1,
                                              amount=ack.amount + 99, bank_id="TEST0021", email="a@b.test",
                                              ar_fields=json.dumps(ar), created_at=now.replace(tzinfo=None),
                                              next_check_at=(now + timedelta(minutes=5)).replace(tzinfo=None))
            ar_url = world.portal.env["FPX_URL"] + "/FPXMain/seller2DReceiver.jsp"
            with ThreadPoolExecutor(workers) as pool:  # the exchange knows them all: 99, awaiting the authoriser
                list(pool.map(lambda fields: post_form(ar_url, fields), ars))
            start = time.monotonic()
            output = world.flask("reconcile-payments", "--all")
            elapsed = time.monotonic() - start
            with world.store():
                outcome = dict(PaymentAttempt.select(PaymentAttempt.status, fn.COUNT(PaymentAttempt.id)).where(
                    PaymentAttempt.order_no.startswith("BN")).group_by(PaymentAttempt.status).tuples())
            assert "Asked FPX about" in output, output
            return elapsed, outcome
        finally:
            world.stop()
