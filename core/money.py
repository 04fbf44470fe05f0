"""Money is Decimal ringgit with at most two decimal places; never float.

What a person types is read strictly: ASCII digits only (no superscripts, Arabic-Indic or fullwidth
digits), an optional "RM", commas only as thousands separators, at most two decimals. Exponents ("1e3"),
underscores ("1_000") and stray commas ("2,0,0,0") are refused rather than guessed at.
"""

import re
from decimal import Decimal

from core.errors import N_, ValidationError

SEN = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("9999999999.99")  # no amount the portal handles comes near RM 10 billion
MAX_WAGES = Decimal("999999.99")  # a month's wages: fits every text-file field with room to spare

_AMOUNT = re.compile(r"(?:RM)?\s*([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.([0-9]*))?", re.ASCII)
_ENTER_AMOUNT = N_("Enter an amount in ringgit, for example 2000.00.")


def parse_ringgit(text: str) -> Decimal:
    """Read what a person typed ("2,000", "2000.5", "RM 2,000.50") as ringgit; raise ValidationError."""
    cleaned = (text or "").strip().upper()
    if cleaned.startswith("-"):
        raise ValidationError(N_("The amount cannot be negative."))
    match = _AMOUNT.fullmatch(cleaned)
    if not match or not (match.group(1) or match.group(2)):
        raise ValidationError(_ENTER_AMOUNT)
    whole, fraction = (match.group(1) or "0").replace(",", ""), match.group(2) or ""
    if len(fraction) > 2:
        raise ValidationError(N_("Use at most two decimal places (sen)."))
    if len(whole.lstrip("0")) > 10:
        raise ValidationError(N_("The amount is too large."))
    return check_ringgit(Decimal(f"{whole}.{fraction}" if fraction else whole))


def check_ringgit(value: Decimal) -> Decimal:
    """`value` itself if it is a finite, non-negative amount with at most two decimals; else raise."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationError(_ENTER_AMOUNT)
    if value < 0:
        raise ValidationError(N_("The amount cannot be negative."))
    if value.as_tuple().exponent < -2:
        raise ValidationError(N_("Use at most two decimal places (sen)."))
    if value > MAX_AMOUNT:
        raise ValidationError(N_("The amount is too large."))
    return value


def check_wages(value: Decimal) -> Decimal:
    """A month's wages: an amount (see check_ringgit) of at most RM 999,999.99."""
    check_ringgit(value)
    if value > MAX_WAGES:
        raise ValidationError(N_("A month's wages cannot be more than %(max)s. Check the amount."),
                              max=format_rm(MAX_WAGES))
    return value


def parse_wages(text: str) -> Decimal:
    """What a person typed as a month's wages (parse_ringgit, then the wage ceiling)."""
    return check_wages(parse_ringgit(text))


def sen(value: Decimal) -> int:
    """Whole sen of a ringgit amount (for the text files and the store)."""
    return int(value.quantize(SEN) * 100)


def from_sen(amount: int) -> Decimal:
    """Ringgit from whole sen, exactly (12345 -> Decimal('123.45'))."""
    return Decimal(amount).scaleb(-2)


def format_rm(value: Decimal) -> str:
    """RM 1,234.50"""
    return f"RM {value.quantize(SEN):,.2f}"
