"""Forms of the contribution screens."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import Optional
from wtforms.validators import ValidationError as FieldError

from core.contributions import LINE_STATUSES
from core.money import parse_wages
from webapp.forms import Rule, required
from webapp.forms.registration import choices
from webapp.parsing import parse_month


class LineForm(FlaskForm):
    """The pencil on a row: status and salary (RM, at most two decimals)."""

    status = SelectField(_l("Status"), choices=choices(LINE_STATUSES, blank=False), validators=[required()])
    wages = StringField(_l("Salary (RM)"), validators=[Optional(), Rule(parse_wages)])

    def wages_value(self):
        return parse_wages(self.wages.data) if (self.wages.data or "").strip() else None


def a_month(form, field):
    if parse_month(field.data) is None:
        raise FieldError(_l("Choose a month, for example 2026-11."))


class MonthForm(FlaskForm):
    """ARREARS CONTRIBUTION / SHORT CONTRIBUTION: the month and year to open."""

    month = StringField(_l("Contribution Month"), validators=[required(), a_month])
    type = HiddenField(default="monthly")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.meta.csrf:  # the pending list repeats the token input on every month: build it once
            self.csrf_token.widget = RenderedOnce(self.csrf_token.widget)


class RenderedOnce:
    """A widget that renders its field once and then repeats the same HTML (for unchanging hidden inputs)."""

    def __init__(self, widget):
        self.widget, self.html = widget, None

    def __call__(self, field, **kwargs):
        if kwargs:
            return self.widget(field, **kwargs)
        if self.html is None:
            self.html = self.widget(field)
        return self.html


class ConfirmForm(FlaskForm):
    """CONFIRM at "Proceed for Submission?", carrying the one-time token of the submission."""

    token = HiddenField()


class UploadForm(FlaskForm):
    """TEXT FILE: the contribution file from the payroll software."""

    file = FileField(_l("Choose File"), validators=[FileRequired(message=_l("Choose the file to upload."))])
