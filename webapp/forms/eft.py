"""EFT (QRG 6): Registration (Email Address, Contact No., Officer Name), the payment's details with the Payment
Slip, and the officers' VERIFY and REJECT; the payments desk's search."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TelField, TextAreaField
from wtforms.validators import Optional
from wtforms.validators import ValidationError as FieldError

from core import payment_channels
from core.identifiers import normalize_phone
from core.money import parse_ringgit
from webapp.forms import GetForm, Rule, at_most, email_address, required
from webapp.i18n import select_locale
from webapp.parsing import parse_date

SLIP_TYPES = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


def a_day(form, field):
    """A date as <input type=date> sends it (YYYY-MM-DD, ASCII digits)."""
    if field.data and parse_date(field.data) is None:
        raise FieldError(_l("Enter a date, for example 2026-11-22."))


def amount_field(label, optional=False):
    return StringField(label, validators=[Optional() if optional else required(), at_most(20), Rule(parse_ringgit)],
                       render_kw={"inputmode": "decimal", "autocomplete": "off"})


class EftRegistrationForm(FlaskForm):
    email = StringField(_l("Email Address"), validators=email_address(), render_kw={"type": "email"})
    contact_no = TelField(_l("Contact No."), validators=[required(), at_most(20), Rule(normalize_phone)])
    officer_name = StringField(_l("Officer Name"), validators=[required(), at_most(150)])


class EftPaymentForm(FlaskForm):
    payment_date = StringField(_l("Payment Date"), validators=[required(), a_day], render_kw={"type": "date"})
    reference = StringField(_l("Payment Reference No."), validators=[required(), at_most(60)],
                            render_kw={"autocomplete": "off"})
    amount = amount_field(_l("Amount (RM)"))
    slip = FileField(_l("Payment Slip"), validators=[FileRequired(message=_l("Attach the Payment Slip."))],
                     render_kw={"accept": SLIP_TYPES})


class VerifyForm(FlaskForm):
    statement_amount = amount_field(_l("Amount on the bank statement (RM)"))
    statement_reference = StringField(_l("Reference on the bank statement"), validators=[required(), at_most(60)])


class EftRejectForm(FlaskForm):
    reason = TextAreaField(_l("Reason for rejection"), validators=[required(), at_most(500)])
    statement_amount = amount_field(_l("Amount on the bank statement (RM)"), optional=True)
    statement_reference = StringField(_l("Reference on the bank statement"), validators=[Optional(), at_most(60)])


def channel_name(code: str) -> str:
    """A channel's name in the page's language (core.payment_channels.NAMES)."""
    malay, english = payment_channels.NAMES.get(code, (code, code))
    return malay if select_locale() == "ms" else english


def channel_choices():
    return [("", _l("All channels"))] + [(code, channel_name(code)) for code in payment_channels.CHANNELS]


class PaymentSearchForm(GetForm):
    q = StringField(_l("Employer code, ACR/ECR No., FPX Transaction ID, receipt or order number"),
                    validators=[Optional(), at_most(60)])
    day = StringField(_l("Date"), validators=[Optional(), a_day], render_kw={"type": "date"})


class CollectionsForm(GetForm):
    day = StringField(_l("Date"), validators=[required(), a_day], render_kw={"type": "date"})
    channel = SelectField(_l("Channel"), choices=channel_choices, validate_choice=True, default="")
