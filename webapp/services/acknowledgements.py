"""ACR/ECR documents for printing (QRG 8): plain data for core.documents, in Malaysia time."""

from core.contributions import TYPES
from core.documents.acknowledgement import AcknowledgementData, acknowledgement_pdf
from core.money import from_sen
from core.periods import counter_available_on
from webapp.models import MALAYSIA, Acknowledgement


def data_for(ack: Acknowledgement) -> AcknowledgementData:
    submitted = ack.created_at + MALAYSIA
    creator = ack.submission.created_by
    return AcknowledgementData(
        number=ack.number, kind=ack.kind, employer_code=ack.employer.code, employer_name=ack.employer.name,
        type_label=TYPES[ack.type], medium_label="Text File" if ack.medium == "TEXT" else "8A",
        period=ack.month.strftime("%m/%Y"), employees=ack.employees, amount=from_sen(ack.amount),
        receiver_name=creator.name, receiver_id=creator.email, created_at=submitted,
        counter_from=counter_available_on(submitted).strftime("%d/%m/%Y"))


def pdf(acks: list[Acknowledgement]) -> bytes:
    return acknowledgement_pdf([data_for(a) for a in acks])
