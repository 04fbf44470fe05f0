"""FPX response codes (`fpx_debitAuthCode`, payments.md A.5): what each means and what it means for a payment.

Only `00` is success; `09` and `99` are pending (not final); `76` ("transaction not found") is its own class
because in an AE reply for a just-created attempt it may only mean that the buyer never reached the bank
(payments.md A.5: treat it as abandoned only after a grace period, never at once). Every other code, known
or not, is a final failure, but only once it arrives in a signature-verified AC or AE reply.

Each code has the official English description (for logs and officer screens, not translated) and a
message for the person paying, marked with N_ so the web layer can translate it. Sources: Jagdish-J-P
fpx-payment `src/Constant/Response.php`, Billplz and Payex code lists.
"""

from dataclasses import dataclass

from core.errors import N_

SUCCESS = "success"
PENDING = "pending"
FAILED = "failed"
NOT_FOUND = "not_found"

APPROVED = N_("The payment was approved by your bank.")
PENDING_BANK = N_("Your bank has not confirmed the payment yet. Its status is updated as soon as the bank answers.")
PENDING_AUTHORISER = N_("The payment is waiting for your company's authoriser to approve it at the bank.")
CANCELLED = N_("The payment was cancelled at the bank.")
TIMED_OUT = N_("The bank session timed out before the payment was completed.")
DETAILS_MISSING = N_("The bank could not complete the payment because some details were not given.")
NO_FUNDS = N_("The bank declined the payment: insufficient funds in the account.")
OVER_LIMIT = N_("The amount is above the transaction limit of your bank account.")
UNDER_MINIMUM = N_("The amount is below the minimum for an FPX payment.")
BANK_UNAVAILABLE = N_("Your bank's internet banking is not available now. Try again later or choose another bank.")
WRONG_BANK = N_("This bank or account cannot make this payment. Choose another bank.")
OUT_OF_HOURS = N_("FPX is outside its operating hours. Try again later.")
SYSTEM_ERROR = N_("The payment could not be completed because of a system error at FPX or the bank. Try again later.")
MERCHANT_ERROR = N_("The payment could not be started because of a problem on the portal's side. Try again later.")
MERCHANT_CANCELLED = N_("The payment was cancelled by the portal.")
NOT_FOUND_MESSAGE = N_("FPX has no record of this payment yet.")
UNKNOWN = N_("The payment was not completed (FPX code %(code)s).")


@dataclass(frozen=True)
class ResponseCode:
    """One `fpx_debitAuthCode`: its class (SUCCESS, PENDING, FAILED, NOT_FOUND), the official description and
    the message for the payer (an N_-marked English source string; format it with `code=`)."""

    code: str
    outcome: str
    description: str
    message: str


_TABLE = [
    # code, outcome, official description, payer message
    ("00", SUCCESS, "Approved", APPROVED),
    ("09", PENDING, "Transaction Pending", PENDING_BANK),
    ("99", PENDING, "Pending Authorization (Applicable for B2B model)", PENDING_AUTHORISER),
    ("76", NOT_FOUND, "Transaction Not Found", NOT_FOUND_MESSAGE),
    ("03", FAILED, "Invalid Merchant", MERCHANT_ERROR),
    ("05", FAILED, "Invalid Seller Or Acquiring Bank Code", MERCHANT_ERROR),
    ("12", FAILED, "Invalid Transaction", SYSTEM_ERROR),
    ("13", FAILED, "Invalid Amount", MERCHANT_ERROR),
    ("14", FAILED, "Invalid Buyer Account", WRONG_BANK),
    ("20", FAILED, "Invalid Response", SYSTEM_ERROR),
    ("30", FAILED, "Format Error", MERCHANT_ERROR),
    ("31", FAILED, "Invalid Bank", WRONG_BANK),
    ("39", FAILED, "No Credit Account", MERCHANT_ERROR),
    ("45", FAILED, "Duplicate Seller Order Number", MERCHANT_ERROR),
    ("46", FAILED, "Invalid Seller Exchange Or Seller", MERCHANT_ERROR),
    ("47", FAILED, "Invalid Currency", MERCHANT_ERROR),
    ("48", FAILED, "Maximum Transaction Limit Exceeded", OVER_LIMIT),
    ("49", FAILED, "Merchant Specific Limit Exceeded", OVER_LIMIT),
    ("50", FAILED, "Invalid Seller for Merchant Specific Limit", MERCHANT_ERROR),
    ("51", FAILED, "Insufficient Funds", NO_FUNDS),
    ("53", FAILED, "No Buyer Account Number", WRONG_BANK),
    ("57", FAILED, "Transaction Not Permitted", WRONG_BANK),
    ("58", FAILED, "Transaction To Merchant Not Permitted", WRONG_BANK),
    ("70", FAILED, "Invalid Serial Number", MERCHANT_ERROR),
    ("77", FAILED, "Invalid Buyer Name Or Buyer ID", WRONG_BANK),
    ("78", FAILED, "Decryption Failed", MERCHANT_ERROR),
    ("79", FAILED, "Host Decline When Down", BANK_UNAVAILABLE),
    ("80", FAILED, "Buyer Cancel Transaction", CANCELLED),
    ("83", FAILED, "Invalid Transaction Model", MERCHANT_ERROR),
    ("84", FAILED, "Invalid Transaction Type", MERCHANT_ERROR),
    ("85", FAILED, "Internal Error At Bank System", BANK_UNAVAILABLE),
    ("87", FAILED, "Debit Failed Exception Handling", SYSTEM_ERROR),
    ("88", FAILED, "Credit Failed Exception Handling", SYSTEM_ERROR),
    ("89", FAILED, "Transaction Not Received Exception Handling", SYSTEM_ERROR),
    ("90", FAILED, "Bank Internet Banking Unavailable", BANK_UNAVAILABLE),
    ("92", FAILED, "Invalid Buyer Bank", WRONG_BANK),
    ("96", FAILED, "System Malfunction", SYSTEM_ERROR),
    ("98", FAILED, "MAC Error", MERCHANT_ERROR),
    ("BB", FAILED, "Blocked Bank", BANK_UNAVAILABLE),
    ("BC", FAILED, "Transaction Cancelled By Customer", CANCELLED),
    ("FE", FAILED, "Internal Error", SYSTEM_ERROR),
    ("OE", FAILED, "Transaction Rejected As Not In FPX Operating Hours", OUT_OF_HOURS),
    ("OF", FAILED, "Transaction Timeout", TIMED_OUT),
    ("SB", FAILED, "Invalid Acquiring Bank Code", MERCHANT_ERROR),
    ("XA", FAILED, "Invalid Source IP Address (Applicable for B2B2 model)", MERCHANT_ERROR),
    ("XB", FAILED, "Invalid Seller Exchange IP", MERCHANT_ERROR),
    ("XC", FAILED, "Seller Exchange Encryption Error", MERCHANT_ERROR),
    ("XE", FAILED, "Invalid Message", MERCHANT_ERROR),
    ("XF", FAILED, "Invalid Number Of Orders", MERCHANT_ERROR),
    ("XI", FAILED, "Invalid Seller Exchange", MERCHANT_ERROR),
    ("XM", FAILED, "Invalid FPX Transaction Model", MERCHANT_ERROR),
    ("XN", FAILED, "Transaction Rejected Due To Duplicate Seller Exchange Order Number", MERCHANT_ERROR),
    ("XO", FAILED, "Duplicate Exchange Order Number", MERCHANT_ERROR),
    ("XS", FAILED, "Seller Does Not Belong To Exchange", MERCHANT_ERROR),
    ("XT", FAILED, "Invalid Transaction Type", MERCHANT_ERROR),
    ("XW", FAILED, "Seller Exchange Date Difference Exceeded", MERCHANT_ERROR),
    ("1A", FAILED, "Buyer Session Timeout At Internet Banking Login Page", TIMED_OUT),
    ("1B", FAILED, "Buyer Failed To Provide The Necessary Info To Login To Internet Banking Login Page",
     DETAILS_MISSING),
    ("1C", FAILED, "Buyer Choose Cancel At Login Page", CANCELLED),
    ("1D", FAILED, "Buyer Session Timeout At Account Selection Page", TIMED_OUT),
    ("1E", FAILED, "Buyer Failed To Provide The Necessary Info At Account Selection Page", DETAILS_MISSING),
    ("1F", FAILED, "Buyer Choose Cancel At Account Selection Page", CANCELLED),
    ("1G", FAILED, "Buyer Session Timeout At TAC Request Page", TIMED_OUT),
    ("1H", FAILED, "Buyer Failed To Provide The Necessary Info At TAC Request Page", DETAILS_MISSING),
    ("1I", FAILED, "Buyer Choose Cancel At TAC Request Page", CANCELLED),
    ("1J", FAILED, "Buyer Session Timeout At Confirmation Page", TIMED_OUT),
    ("1K", FAILED, "Buyer Failed To Provide The Necessary Info At Confirmation Page", DETAILS_MISSING),
    ("1L", FAILED, "Buyer Choose Cancel At Confirmation Page", CANCELLED),
    ("1M", FAILED, "Internet Banking Session Timeout", TIMED_OUT),
    ("2A", FAILED, "Transaction Amount Is Lower Than Minimum Limit", UNDER_MINIMUM),
    ("2X", FAILED, "Transaction Is Canceled By Merchant", MERCHANT_CANCELLED),
    ("DA", FAILED, "Invalid Application Type", MERCHANT_ERROR),
    ("DB", FAILED, "Invalid Email Format", MERCHANT_ERROR),
    ("DC", FAILED, "Invalid Maximum Frequency", MERCHANT_ERROR),
    ("DD", FAILED, "Invalid Frequency Mode", MERCHANT_ERROR),
    ("DE", FAILED, "Invalid Expiry Date", MERCHANT_ERROR),
    ("DF", FAILED, "Invalid e-Mandate Buyer Bank ID", WRONG_BANK),
]

RESPONSE_CODES: dict[str, ResponseCode] = {row[0]: ResponseCode(*row) for row in _TABLE}


def response_code(code: str) -> ResponseCode:
    """What `code` means; an unknown code is a final failure with a message that names the code."""
    known = RESPONSE_CODES.get(code)
    if known is not None:
        return known
    return ResponseCode(code, FAILED, "Unknown response code", UNKNOWN)


def outcome(code: str) -> str:
    """SUCCESS for `00`, PENDING for `09`/`99`, NOT_FOUND for `76`, FAILED for everything else."""
    return response_code(code).outcome


# Display names of FPX buyer banks by model (the BC list carries only codes; the merchant names them).
# TEST0021-23 exist in PayNet's UAT only ("SBI Bank A/B/C").
BANK_NAMES = {
    "01": {
        "ABB0233": "Affin Bank", "ABMB0212": "Alliance Bank (Personal)", "AGRO01": "AGRONet",
        "AMBB0209": "AmBank", "BCBB0235": "CIMB Clicks", "BIMB0340": "Bank Islam", "BKRM0602": "Bank Rakyat",
        "BMMB0341": "Bank Muamalat", "BSN0601": "BSN", "HLB0224": "Hong Leong Bank", "HSBC0223": "HSBC Bank",
        "KFH0346": "KFH", "MB2U0227": "Maybank2U", "MBB0228": "Maybank2E", "OCBC0229": "OCBC Bank",
        "PBB0233": "Public Bank", "RHB0218": "RHB Bank", "SCB0216": "Standard Chartered", "UOB0226": "UOB Bank",
        "TEST0021": "SBI Bank A", "TEST0022": "SBI Bank B", "TEST0023": "SBI Bank C",
    },
    "02": {
        "ABB0232": "Affin Bank", "ABMB0213": "Alliance Bank (Business)", "AMBB0208": "AmBank",
        "BCBB0235": "CIMB Bank", "BIMB0340": "Bank Islam", "BKRM0602": "Bank Rakyat", "BMMB0342": "Bank Muamalat",
        "HLB0224": "Hong Leong Bank", "HSBC0223": "HSBC Bank", "KFH0346": "KFH", "MBB0228": "Maybank2E",
        "OCBC0229": "OCBC Bank", "PBB0234": "PB Enterprise", "RHB0218": "RHB Bank", "SCB0215": "Standard Chartered",
        "UOB0228": "UOB Regional",
        "TEST0021": "SBI Bank A", "TEST0022": "SBI Bank B", "TEST0023": "SBI Bank C",
    },
}


def bank_name(token: str, code: str) -> str:
    """The display name of a buyer bank in a model's list, or the code itself when it is not known."""
    return BANK_NAMES.get(token, {}).get(code, code)
