"""How a payment reached PERKESO (payments.md A, B.2): the channels ASSIST records, with their bilingual names
as the receipt, the emails and the officers' desk print them.

Every channel's payment is one `payment_attempt` with its items, so the invariants of the FPX issue hold for
all of them: an ACR/ECR or notice is paid at most once, and an item in a payment still waiting for its answer
(an FPX payment at the bank, an EFT slip before an officer verifies it, a direct debit before the bank
confirms it) is in no other payment and cannot be cancelled.
"""

FPX, EFT, DIRECT_DEBIT, COUNTER, COLLECTION = "fpx", "eft", "direct_debit", "counter", "collection"
CHANNELS = (FPX, EFT, DIRECT_DEBIT, COUNTER, COLLECTION)

# (Malay, English): the receipt and the emails print both, "Malay / English" when they differ.
NAMES = {
    FPX: ("FPX", "FPX"),
    EFT: ("Pindahan Dana Elektronik (EFT)", "Electronic Fund Transfer (EFT)"),
    DIRECT_DEBIT: ("Debit Terus", "Direct Debit"),
    COUNTER: ("Kaunter Bank", "Bank Counter"),
    COLLECTION: ("Kaunter Bank (fail kutipan bank)", "Bank Counter (bank collection file)"),
}

# The running number behind each channel's order number (payment_attempt.order_no), and its two-letter prefix.
ORDER_PREFIXES = {FPX: "AS", EFT: "EF", DIRECT_DEBIT: "DD", COUNTER: "KT", COLLECTION: "KF"}


def bilingual_name(channel: str) -> str:
    """'Debit Terus / Direct Debit'; a name that is the same in both languages once ('FPX')."""
    malay, english = NAMES[channel]
    return malay if malay == english else f"{malay} / {english}"


def order_number(channel: str, sequence: int) -> str:
    """A payment's order number: the channel's prefix and a running number from the database (never the
    clock, payments.md A.6). FPX's stays AS + 12 digits (fpx_sellerExOrderNo)."""
    if sequence < 1:
        raise ValueError("sequence starts at 1")
    return f"{ORDER_PREFIXES[channel]}{sequence:012d}"
