"""The online Borang Permohonan Enrolment Penggunaan Portal ASSIST, and the officer's decision."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, StringField, TelField, TextAreaField

from core.identifiers import normalize_brn, normalize_mykad, normalize_phone
from core.names import normalize_person_name
from webapp.forms import Rule, at_most, email_address, required


class PortalIdForm(FlaskForm):
    company_name = StringField(_l("Company Name"), validators=[required(), at_most(150)])
    brn = StringField(_l("SSM / Business Registration No."),
                      validators=[required(), at_most(20), Rule(normalize_brn)])
    applicant_name = StringField(_l("Applicant's Name"),
                                 validators=[required(), at_most(150), Rule(normalize_person_name)])
    applicant_mykad = StringField(_l("Applicant's MyKad No."),
                                  validators=[required(), at_most(14), Rule(normalize_mykad)])
    designation = StringField(_l("Designation"), validators=[required(), at_most(100)])
    email = EmailField(_l("Email Address"), validators=email_address(strict=True))
    phone = TelField(_l("Phone No."), validators=[required(), at_most(20), Rule(normalize_phone)])
    certificate = FileField(_l("SSM Certificate (PDF, JPEG or PNG, at most 5 MB)"),
                            validators=[FileRequired(message=_l("Attach the SSM certificate."))])


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Reason for rejection"), validators=[required(), at_most(1000)])
