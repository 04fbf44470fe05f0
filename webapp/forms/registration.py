"""Forms of employer registration (Form 1), employee registration (Form 2), documents and termination."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import Optional, Regexp
from wtforms.validators import ValidationError as FieldError

from core.errors import N_
from core.identifiers import normalize_phone
from core.names import normalize_person_name
from core.registration import (
    BUSINESS_ENTITIES,
    COUNTRIES,
    DOCUMENT_TYPES,
    DOMESTIC_ENTITY,
    FOREIGN_ID_TYPES,
    INDUSTRIES,
    LOCAL_ID_TYPES,
    PERKESO_OFFICES,
    RELATIONSHIPS,
    STATES,
    TERMINATION_REASONS,
)
from webapp.forms import EmailAddress, Rule, at_most, required

DATE_MESSAGE = _l("Enter a date, for example 2026-11-22.")


def choices(mapping: dict, blank: bool = True) -> list[SelectChoice]:
    """Select choices from a code -> label mapping, labels translated when shown."""
    items = [SelectChoice(code, _l(label)) for code, label in mapping.items()]
    return ([SelectChoice("", _l("Please Select"))] if blank else []) + items


def a_date(label, optional=False):
    return DateField(label, validators=[Optional() if optional else required()],
                     render_kw={"type": "date"}, format="%Y-%m-%d")


def entity_choices(domestic: bool):
    return choices({code: label for code, (label, _) in BUSINESS_ENTITIES.items()
                    if (code == DOMESTIC_ENTITY) == domestic})


def sub_entity_choices(domestic: bool):
    return choices({code: label for entity, (_, subs) in BUSINESS_ENTITIES.items()
                    if (entity == DOMESTIC_ENTITY) == domestic for code, label in subs.items()})


class EmployerRegistrationForm(FlaskForm):
    business_entity = SelectField(_l("Business Entity"), validators=[required()])
    sub_entity = SelectField(_l("Sub-Business Entity"), validators=[required()])
    nationality = SelectField(_l("Nationality"), default="MY",
                              choices=choices({"MY": N_("Malaysian"), "XX": N_("Non-Malaysian")}, blank=False))
    registration_number = StringField(_l("Registration Number (BRN)"), validators=[required(), at_most(20)])
    name = StringField(_l("Employer Name"), validators=[required(), at_most(150)])
    industry = SelectField(_l("Industry"), choices=choices(INDUSTRIES), validators=[required()])
    address = TextAreaField(_l("Address"), validators=[required(), at_most(300)])
    postcode = StringField(_l("Postcode"), validators=[
        required(), Regexp(r"^\d{5}$", message=_l("A postcode has 5 digits."))])
    state = SelectField(_l("State"), choices=choices({s: s for s in STATES}), validators=[required()])
    phone = TelField(_l("Phone No."), validators=[required(), at_most(20), Rule(normalize_phone)])
    email = StringField(_l("Email Address"), validators=[Optional(), EmailAddress(strict=True), at_most(254)])
    first_employment_date = a_date(_l("Date of first employment"))
    induction_venue = SelectField(_l("Induction Venue"), validators=[required()],
                                  choices=choices({o: o for o in PERKESO_OFFICES}))

    def configure(self, domestic: bool) -> "EmployerRegistrationForm":
        self.business_entity.choices = entity_choices(domestic)
        self.sub_entity.choices = sub_entity_choices(domestic)
        if domestic:
            self.registration_number.label.text = _l("Registration Number (MyKad or passport)")
            self.name.label.text = _l("Name (as in MyKad or passport)")
            self.industry.data = self.industry.data or "T"
        return self

    def validate_sub_entity(self, field):
        allowed = BUSINESS_ENTITIES.get(self.business_entity.data, ("", {}))[1]
        if field.data and field.data not in allowed:
            raise FieldError(_l("Choose a Sub-Business Entity of the Business Entity chosen."))


class EmployeeForm(FlaskForm):
    id_type = SelectField(_l("Identification Type"), validators=[required()])
    id_number = StringField(_l("Identification No."), validators=[required(), at_most(20)])
    register_new = HiddenField(default="")
    name = StringField(_l("Name of Employee"), validators=[Optional(), at_most(150), Rule(normalize_person_name)])
    birth_date = a_date(_l("Date of Birth"), optional=True)
    gender = RadioField(_l("Gender (M/F)"), choices=choices({"M": N_("Male"), "F": N_("Female")}, blank=False),
                        validators=[Optional()])
    nationality = SelectField(_l("Nationality"), default="MY")
    start_date = a_date(_l("Employment Start Date"))
    passport_number = StringField(_l("Passport No."), validators=[Optional(), at_most(20)])
    passport_start = a_date(_l("Passport Start Date"), optional=True)
    passport_end = a_date(_l("Passport End Date"), optional=True)
    passport_file = FileField(_l("Upload Passport"))
    permit_number = StringField(_l("Pass/Permit No."), validators=[Optional(), at_most(20)])
    permit_start = a_date(_l("Pass/Permit Start Date"), optional=True)
    permit_end = a_date(_l("Pass/Permit End Date"), optional=True)
    permit_file = FileField(_l("Upload Pass/Permit"))
    kin_name = StringField(_l("Name"), validators=[Optional(), at_most(150), Rule(normalize_person_name)])
    kin_phone = TelField(_l("Phone No."), validators=[Optional(), at_most(15)])
    kin_relationship = SelectField(_l("Relationship with Employee"), choices=choices(RELATIONSHIPS),
                                   validators=[Optional()])

    def configure(self, foreign: bool) -> "EmployeeForm":
        self.id_type.choices = choices(FOREIGN_ID_TYPES if foreign else LOCAL_ID_TYPES, blank=False)
        self.nationality.choices = (choices(COUNTRIES) if foreign
                                    else choices({"MY": N_("Malaysian"), "PR": N_("Permanent resident")}, blank=False))
        return self


class DocumentForm(FlaskForm):
    document_type = SelectField(_l("Supporting Document"), choices=choices(DOCUMENT_TYPES),
                                validators=[required()])
    file = FileField(_l("Choose File"), validators=[FileRequired(message=_l("Choose the file to upload."))])
    remarks = StringField(_l("Remarks"), validators=[Optional(), at_most(200)])


class TerminationForm(FlaskForm):
    last_day = a_date(_l("Last day of work"))
    reason = SelectField(_l("Reason"), choices=choices(TERMINATION_REASONS), validators=[required()])
