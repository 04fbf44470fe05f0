"""Forms of the team pages (issue 13)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import EqualTo

from core.passwords import MAX_LENGTH
from core.team import ROLES
from webapp.forms import at_most, email_address, required
from webapp.forms.registration import choices


class InviteForm(FlaskForm):
    email = StringField(_l("Email Address"), validators=email_address(strict=True))
    role = SelectField(_l("Role"), choices=choices(ROLES, blank=False), validators=[required()])


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=choices(ROLES, blank=False), validators=[required()])


class NewMemberForm(FlaskForm):
    """Accepting an invitation without a portal account: a name and a password of one's own."""

    name = StringField(_l("Your name"), validators=[required(), at_most(150)])
    password = PasswordField(_l("New Password"), validators=[required(), at_most(MAX_LENGTH)])
    confirm = PasswordField(_l("Confirm New Password"), validators=[
        required(), EqualTo("password", message=_l("The two passwords are not the same."))])
