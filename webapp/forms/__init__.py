"""WTForms (Flask-WTF) forms; every message is given explicitly so both catalogues carry it."""

import email_validator
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from wtforms.csrf.core import CSRFTokenField
from wtforms.validators import DataRequired, Length
from wtforms.validators import ValidationError as FieldError
from wtforms.widgets import HiddenInput

from core.errors import AssistError
from webapp.i18n import translate_error

REQUIRED = _l("This field is required.")


class TokenInput(HiddenInput):
    """The CSRF token's hidden input, as WTForms writes it but without its generic walk over the field's flags
    and attributes: every form of every page has one, and that walk cost a tenth of a millisecond each."""

    def __call__(self, field, **kwargs):
        if kwargs:
            return super().__call__(field, **kwargs)
        return Markup('<input id="%s" name="%s" type="hidden" value="%s">') % (field.id, field.name, field._value())


CSRFTokenField.widget = TokenInput()


class TokenOnly:
    """What a page shows of a form holding only the CSRF token (PlainForm), without building one: a GET page
    writes the token into its POST forms but validates nothing, and building a form costs 50 us."""

    @property
    def csrf_token(self) -> Markup:
        return Markup('<input id="csrf_token" name="csrf_token" type="hidden" value="%s">') % generate_csrf()

    def hidden_tag(self) -> Markup:
        return self.csrf_token


class GetForm(FlaskForm):
    """A form sent by GET (a search or a filter): it changes nothing, so it carries no CSRF token, which would
    end up in the URL, the browser history and the server logs. Anything that changes data is a POST form."""

    class Meta:
        csrf = False


def required():
    return DataRequired(message=REQUIRED)


def at_most(n: int):
    return Length(max=n, message=_l("Use at most %(max)d characters."))


class EmailAddress:
    """An email address (email-validator, no DNS look-up).

    `strict` refuses special-use domains such as .test (new applications) in production; logging in, and
    every form in development and tests, accept them so the demo accounts (@demo.assist.test) work.
    """

    def __init__(self, strict: bool):
        self.strict = strict

    def __call__(self, form, field):
        try:
            relaxed = not self.strict or current_app.config["ASSIST_ENV"] in ("development", "testing")
            email_validator.validate_email(field.data or "", check_deliverability=False, test_environment=relaxed)
        except email_validator.EmailNotValidError:
            raise FieldError(_l("Enter a valid email address, for example name@company.com.")) from None


class Rule:
    """Run a core rule (e.g. core.identifiers.normalize_mykad) on the field; its message shows at the field."""

    def __init__(self, rule):
        self.rule = rule

    def __call__(self, form, field):
        if not field.data:
            return
        try:
            self.rule(field.data)
        except AssistError as exc:
            raise FieldError(translate_error(exc)) from None


def email_address(strict: bool = False):
    return [required(), EmailAddress(strict), at_most(254)]
