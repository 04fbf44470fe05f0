"""The reconciliation worker in the web process (PAYMENT_WORKER, like the mail worker): an attempt without
any AC is settled by the portal itself once its AE is due, with no command run."""

from datetime import timedelta
from pathlib import Path

from tests.payments.live import Browser
from webapp.payment_models import GatewayMessage, PaymentAttempt


def test_the_web_process_reconciles_due_payments_by_itself(world, tmp_path):
    world.sim.scenario(rules=[{"match": {}, "auto": True, "direct_ac": {"drop": True},
                               "indirect_ac": {"abandon": True}}])
    server = world.another_portal(tmp_path, PAYMENT_WORKER="1", PAYMENT_POLL_SECONDS="0.3")
    database = Path(server.env["DATABASE_URL"].removeprefix("sqlite:///"))
    try:
        payer = Browser(server.url).login()
        [acr] = world.new_bills(("ACR", 5300), path=database)
        journey = world.pay(payer, [acr], portal=server)
        with world.store(database):
            attempt = PaymentAttempt.get(PaymentAttempt.order_no == journey.order_no)
            assert attempt.status == "created"
            PaymentAttempt.update(next_check_at=attempt.created_at - timedelta(seconds=1)).where(
                PaymentAttempt.id == attempt.id).execute()  # its first AE is due now, not in 5 minutes
        world.wait_status(journey.order_no, ("succeeded",), path=database)
        with world.store(database):
            kinds = [(m.kind, m.verdict) for m in GatewayMessage.select().order_by(GatewayMessage.id)]
        assert kinds[-2:] == [("AE", "sent"), ("AE-reply", "applied")]  # learnt by the worker's AE
    finally:
        server.stop()
