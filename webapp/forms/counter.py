"""Forms of the bank counter (a teller's SEARCH and RECORD PAYMENT) and of the officers' collection files."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField

from core import counter
from core.money import parse_ringgit
from webapp.forms import Rule, at_most, required

BANK_CHOICES = [SelectChoice("", _l("Choose the bank"))] + [SelectChoice(code, name)
                                                             for code, name in counter.BANKS.items()]


class FindForm(FlaskForm):
    number = StringField(_l("ACR/ECR No."), validators=[required(), at_most(60)])


class RecordForm(FlaskForm):
    number = HiddenField(validators=[required(), at_most(60)])
    token = HiddenField(validators=[required(), at_most(43)])
    method = RadioField(_l("Paid by"), choices=[SelectChoice(counter.CASH, _l("Cash")),
                                                SelectChoice(counter.CHEQUE, _l("Cheque"))],
                        validators=[required()])
    amount = StringField(_l("Amount received (RM)"), validators=[required(), at_most(20), Rule(parse_ringgit)])
    bank = SelectField(_l("Bank of the cheque"), choices=BANK_CHOICES, validate_choice=False)
    cheque_no = StringField(_l("Cheque No."), validators=[at_most(6)])


class ImportForm(FlaskForm):
    bank = SelectField(_l("Bank"), choices=BANK_CHOICES, validate_choice=False, validators=[required()])
    file = FileField(_l("Collection file (CSV)"), validators=[FileRequired(message=_l("Choose the file to upload."))])


class ResolveForm(FlaskForm):
    note = TextAreaField(_l("What was done"), validators=[required(), at_most(300)])
