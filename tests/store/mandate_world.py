"""The direct-debit store tests' world (tests/store/test_direct_debit*.py): a registered employer with an
e-Mandate gateway answered by the stand-in exchange (fixtures `exchange` and `world` in conftest.py), and the
steps of QRG 7 as one call each."""

from datetime import UTC, date, datetime

from core import fpx, mandates
from tests.mandates_support import authorisation_ac, notice
from webapp.mandate_models import Mandate
from webapp.services import cart, direct_debits, mandate_callbacks
from webapp.services import mandates as mandate_service

NOW = datetime(2026, 4, 10, 2, 0, tzinfo=UTC)  # Friday 10 April 2026, 10.00 am in Malaysia
MARCH = date(2026, 3, 1)


def enrol(world, scheme="socso", limit=500_00, frequency=2, bank="TEST0021", token=fpx.B2C, now=NOW):
    user, employer, gateway = world
    return mandate_service.enrol(user, employer, gateway, scheme=scheme, token=token, bank_id=bank, limit_sen=limit,
                                 max_frequency=frequency, phone="0123456789", email="payroll@example.com", now=now)


def authorise(world, mandate, code="00", kind="AC-direct", now=NOW, **wire):
    gateway = world[2]
    fields = authorisation_ac(gateway.exchange, Mandate.get_by_id(mandate.id), code, **wire)
    return mandate_callbacks.apply_form(fields, kind, gateway, now)


def tell(world, mandate, msg_type="MA", now=NOW, **options):
    gateway = world[2]
    return mandate_callbacks.apply_form(notice(gateway.exchange, Mandate.get_by_id(mandate.id), msg_type, **options),
                                        "AC-direct", gateway, now)


def approved(world, **terms):
    mandate = enrol(world, **terms)
    assert authorise(world, mandate).status == mandates.AWAITING_APPROVAL
    assert tell(world, mandate).status == mandates.APPROVED
    return Mandate.get_by_id(mandate.id)


def status_of(model):
    return type(model).get_by_id(model.id).status


def pay(world, mandate, *acks, now=NOW, user=None):
    owner, employer, gateway = world
    cart.add(user or owner, employer, [a.number for a in acks])
    return direct_debits.start(user or owner, employer, gateway, mandate_order_no=mandate.order_no, now=now)
