"""PAYMENT HISTORY (QRG 7, Payment History): how a payment of any channel is shown to the employer, pure.

Statuses as the employer reads them: Submitted (an EFT slip waiting for an officer's verification), Pending
bank (an FPX payment or a debit without the bank's final answer), Successful, Unsuccessful, Needs review
(PERKESO is checking it: no final answer in time, or paid twice).
"""

from core.errors import N_
from core.payment_channels import EFT

SUBMITTED, PENDING_BANK, SUCCESSFUL, UNSUCCESSFUL, NEEDS_REVIEW = (
    "submitted", "pending_bank", "successful", "unsuccessful", "needs_review")
LABELS = {SUBMITTED: N_("Submitted"), PENDING_BANK: N_("Pending bank"), SUCCESSFUL: N_("Successful"),
          UNSUCCESSFUL: N_("Unsuccessful"), NEEDS_REVIEW: N_("Needs review")}
PER_PAGE = 10


def shown(channel: str, status: str) -> str:
    """The history's status of a payment (one of LABELS' keys) from its channel and stored status."""
    if status == "succeeded":
        return SUCCESSFUL
    if status == "failed":
        return UNSUCCESSFUL
    if status == "needs_review":
        return NEEDS_REVIEW
    return SUBMITTED if channel == EFT else PENDING_BANK
