"""The public contribution calculator's form (a GET form: no CSRF token, nothing changes)."""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, SelectChoice, StringField
from wtforms.validators import NumberRange
from wtforms.validators import ValidationError as FieldError

from core.money import parse_wages
from webapp.forms import GetForm, Rule, required
from webapp.parsing import parse_month


def contribution_month(form, field):
    if parse_month(field.data) is None:
        raise FieldError(_l("Choose a month, for example 2026-11."))


class CalculatorForm(GetForm):
    wages = StringField(_l("Monthly wages (RM)"), validators=[required(), Rule(parse_wages)])
    month = StringField(_l("Contribution month"), validators=[required(), contribution_month])
    age = IntegerField(_l("Age of the employee"), default=30, validators=[
        required(), NumberRange(min=14, max=99, message=_l("Enter an age from 14 to 99."))])
    nationality = RadioField(_l("Employee"), default="local", choices=[
        SelectChoice("local", _l("Malaysian citizen or permanent resident")),
        SelectChoice("foreign", _l("Foreign worker"))])
    domestic = BooleanField(_l("Domestic worker (maid, driver, gardener...)"))
    first_insured_late = BooleanField(_l("First insured with SOCSO at age 55 or over"))
    eis_late = BooleanField(_l("No EIS contribution before age 57 (first employed at 57 or over)"))

    def month_date(self) -> date:
        return parse_month(self.month.data)
