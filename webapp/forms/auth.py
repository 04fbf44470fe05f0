"""Forms of the login, password and terms pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import EqualTo

from core.passwords import MAX_LENGTH
from webapp.forms import at_most, email_address, required


class EmailStepForm(FlaskForm):
    email = EmailField(_l("Email Address"), validators=email_address())


class PasswordStepForm(FlaskForm):
    email = HiddenField(validators=email_address())
    password = PasswordField(_l("Password"), validators=[required(), at_most(MAX_LENGTH)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New Password"), validators=[required(), at_most(MAX_LENGTH)])
    confirm = PasswordField(_l("Confirm New Password"), validators=[
        required(), EqualTo("password", message=_l("The two passwords are not the same."))])


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(_l("Current Password"), validators=[at_most(MAX_LENGTH)])


class PlainForm(FlaskForm):
    """A form with nothing but its CSRF token (I Agree, LOGOUT, stay logged in)."""
