"""The e-Mandate messages that arrive at the portal's two FPX URLs (payments.md A.8): the ACs of an enrolment's
RM 1.00 authorisation (direct and indirect, told apart from a payment's by the enrolment's MD order number),
the bank's MA and MT notices and a debit's DS sent later, all to the direct URL. Everything else there is an
FPX payment's AC (webapp.services.fpx_answers)."""

from datetime import datetime
from urllib.parse import urlencode

from core import mandates
from webapp.mandate_gateway import MandateGateway
from webapp.services import direct_debits, mandate_answers
from webapp.services.fpx_answers import Answer

NOTICES = ("MA", "MT")


def is_mandate_message(fields: dict) -> bool:
    """A notice, a DS, or an AC whose order number is an enrolment's."""
    kind = fields.get("fpx_msgType")
    return kind in (*NOTICES, "DS") or (kind == "AC" and mandates.is_enrolment_number(fields.get(
        "fpx_sellerExOrderNo", "")))


def apply_form(fields: dict, kind: str, gateway: MandateGateway | None, now: datetime) -> Answer:
    """Verify and apply an e-Mandate message POSTed to the direct (`AC-direct`) or indirect (`AC-indirect`) URL;
    acknowledged means it was taken into account (now or before) and committed."""
    raw = urlencode(fields)
    if gateway is None:  # nothing can be verified: nothing is applied
        return mandate_answers.refuse(kind, fields, raw, "certificate", "FPX is not configured", now)
    msg_type = fields.get("fpx_msgType")
    if msg_type in NOTICES:
        return mandate_answers.apply_notice(fields, raw, gateway, now)
    if msg_type == "DS":
        return direct_debits.apply_answer(fields, raw, "DS-notice", gateway, now)
    return mandate_answers.apply_authorisation(fields, raw, kind, gateway, now)
