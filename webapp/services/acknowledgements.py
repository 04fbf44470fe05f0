"""ACR/ECR documents for printing (QRG 8): plain data for core.documents, in Malaysia time."""

from core.contributions import TYPES
from core.documents.acknowledgement import AcknowledgementData, acknowledgement_pdf
from core.money import from_sen
from core.periods import counter_available_on
from webapp.clock import MALAYSIA
from webapp.models import Acknowledgement

# RECEIVER DETAILS name who received the contribution data: the portal, at the time it received it.
RECEIVER_NAME = "PORTAL ASSIST PERKESO"
RECEIVER_ID = "ASSIST (ONLINE)"


def data_for(ack: Acknowledgement) -> AcknowledgementData:
    submitted = ack.created_at + MALAYSIA
    return AcknowledgementData(
        number=ack.number, kind=ack.kind, employer_code=ack.employer.code, employer_name=ack.employer.name,
        type_label=TYPES[ack.type], medium_label="Text File" if ack.medium == "TEXT" else "8A",
        period=ack.month.strftime("%m/%Y"), employees=ack.employees, amount=from_sen(ack.amount),
        receiver_name=RECEIVER_NAME, receiver_id=RECEIVER_ID, created_at=submitted,
        counter_from=counter_available_on(submitted).strftime("%d/%m/%Y"))


def pdf(acks: list[Acknowledgement]) -> bytes:
    return acknowledgement_pdf([data_for(a) for a in acks])
