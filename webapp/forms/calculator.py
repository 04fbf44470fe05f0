"""The public contribution calculator's form (a GET form: no CSRF token, nothing changes)."""

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, SelectChoice, StringField
from wtforms.validators import NumberRange
from wtforms.validators import ValidationError as FieldError

from core.money import parse_wages
from webapp.forms import GetForm, Rule, required


def contribution_month(form, field):
    text = (field.data or "").strip()
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
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

    def month_date(self) -> date:
        year, month = map(int, self.month.data.split("-"))
        return date(year, month, 1)
