"""The FPX Payment form (QRG 5 / QRG 7): Business Model, Bank List, Email Address."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectChoice, SelectField, TextAreaField

from core import fpx
from webapp.forms import at_most, email_address, required

MODELS = [SelectChoice(fpx.B2C, _l("Personal to Corporate (B2C)")),
          SelectChoice(fpx.B2B1, _l("Corporate to Corporate (B2B1)"))]


class FpxPaymentForm(FlaskForm):
    model = RadioField(_l("Business Model"), choices=MODELS, default=fpx.B2C, validate_choice=False)
    bank = SelectField(_l("Bank List"), choices=[], validate_choice=False, validators=[required()])
    email = EmailField(_l("Email Address"), validators=email_address())


class UnsuccessfulForm(FlaskForm):
    """An officer ends a payment that needs review (no final answer from the bank) as unsuccessful."""

    reason = TextAreaField(_l("Reason"), validators=[required(), at_most(200)])
