"""Money is Decimal ringgit with at most two decimal places; never float."""

from decimal import Decimal, InvalidOperation

from core.errors import N_, ValidationError

SEN = Decimal("0.01")
ZERO = Decimal("0.00")


def parse_ringgit(text: str) -> Decimal:
    """Read what a person typed ("2,000", "2000.5", "RM 2,000.50") as ringgit; raise ValidationError."""
    cleaned = text.strip().upper().removeprefix("RM").strip().replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(N_("Enter an amount in ringgit, for example 2000.00.")) from None
    return check_ringgit(value)


def check_ringgit(value: Decimal) -> Decimal:
    """`value` itself if it is a finite, non-negative amount with at most two decimals; else raise."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationError(N_("Enter an amount in ringgit, for example 2000.00."))
    if value < 0:
        raise ValidationError(N_("The amount cannot be negative."))
    if value.as_tuple().exponent < -2:
        raise ValidationError(N_("Use at most two decimal places (sen)."))
    return value


def sen(value: Decimal) -> int:
    """Whole sen of a ringgit amount (for the text files and the store)."""
    return int(value.quantize(SEN) * 100)


def from_sen(amount: int) -> Decimal:
    """Ringgit from whole sen, exactly (12345 -> Decimal('123.45'))."""
    return Decimal(amount).scaleb(-2)


def format_rm(value: Decimal) -> str:
    """RM 1,234.50"""
    return f"RM {value.quantize(SEN):,.2f}"
