"""Direct debit (QRG 7): ENROLL NEW (Business Model, Bank List, Limit Per Transaction (RM), Max Frequency Per
Month, Phone No, Email Address, the consent tick) and the Mandate List of the payment."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, TelField
from wtforms.validators import DataRequired

from core.identifiers import normalize_phone
from core.mandates import parse_frequency
from core.money import parse_ringgit
from webapp.forms import Rule, at_most, email_address, required
from webapp.forms.payment import MODELS


class MandateForm(FlaskForm):
    model = RadioField(_l("Business Model"), choices=MODELS, default="01", validate_choice=False)
    bank = SelectField(_l("Bank List"), choices=[], validate_choice=False, validators=[required()])
    limit = StringField(_l("Limit Per Transaction (RM)"), validators=[required(), at_most(20), Rule(parse_ringgit)])
    frequency = StringField(_l("Max Frequency Per Month"), validators=[required(), at_most(3), Rule(parse_frequency)])
    phone = TelField(_l("Phone No"), validators=[required(), at_most(20), Rule(normalize_phone)])
    email = EmailField(_l("Email Address"), validators=email_address())
    consent = BooleanField(_l("I authorise PERKESO to debit my account through this mandate, up to the limit per "
                              "transaction and the number of debits a month above, for the SOCSO or EIS "
                              "contributions I choose to pay. I may terminate the mandate at any time."),
                           validators=[DataRequired(message=_l("Tick the box to give your consent."))])


class ChooseMandateForm(FlaskForm):
    mandate = RadioField(_l("Mandate List"), choices=[], validate_choice=False,
                         validators=[DataRequired(message=_l("Choose a mandate from the Mandate List."))])
