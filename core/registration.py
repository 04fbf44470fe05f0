"""Registration rules and reference lists: Form 1 (employer), Form 2 (employees), QRG 2, 3, 4, 10 and 11.

Labels are English source strings marked for translation; codes are what the store keeps.
"""

from dataclasses import dataclass
from datetime import date

from core.errors import N_, ValidationError
from core.identifiers import mykad_birth_date, mykad_gender, normalize_mykad

DOMESTIC_ENTITY = "INDIVIDUAL_DOMESTIC"

# Business Entity -> its Sub-Business Entities (QRG 2).
BUSINESS_ENTITIES = {
    "COMPANY": (N_("Company (SSM)"), {"SDN_BHD": N_("Private limited company (Sdn. Bhd.)"),
                                     "BHD": N_("Public limited company (Berhad)")}),
    "BUSINESS": (N_("Business (SSM)"), {"SOLE": N_("Sole proprietorship"), "PARTNERSHIP": N_("Partnership")}),
    "LLP": (N_("Limited liability partnership"), {"LLP": N_("Limited liability partnership")}),
    "ORGANISATION": (N_("Organisation"), {
        "SOCIETY": N_("Society (ROS)"), "COOPERATIVE": N_("Cooperative"), "TRADE_UNION": N_("Trade union"),
        "NGO": N_("Non-governmental organisation")}),
    DOMESTIC_ENTITY: (N_("Individual for Domestic Worker"), {"INDIVIDUAL": N_("Individual")}),
}

INDUSTRIES = {  # MSIC 2008 sections
    "A": N_("Agriculture, forestry and fishing"), "B": N_("Mining and quarrying"), "C": N_("Manufacturing"),
    "D": N_("Electricity, gas, steam and air conditioning supply"), "E": N_("Water supply and waste management"),
    "F": N_("Construction"), "G": N_("Wholesale and retail trade"), "H": N_("Transportation and storage"),
    "I": N_("Accommodation and food service"), "J": N_("Information and communication"),
    "K": N_("Financial and insurance"), "L": N_("Real estate"), "M": N_("Professional, scientific and technical"),
    "N": N_("Administrative and support services"), "P": N_("Education"), "Q": N_("Health and social work"),
    "R": N_("Arts, entertainment and recreation"), "S": N_("Other service activities"),
    "T": N_("Households as employers (domestic workers)"),
}

STATES = ("Johor", "Kedah", "Kelantan", "Melaka", "Negeri Sembilan", "Pahang", "Perak", "Perlis", "Pulau Pinang",
          "Sabah", "Sarawak", "Selangor", "Terengganu", "W.P. Kuala Lumpur", "W.P. Labuan", "W.P. Putrajaya")

PERKESO_OFFICES = ("PERKESO Kuala Lumpur", "PERKESO Petaling Jaya", "PERKESO Shah Alam", "PERKESO Klang",
                   "PERKESO Johor Bahru", "PERKESO Melaka", "PERKESO Seremban", "PERKESO Ipoh", "PERKESO Pulau Pinang",
                   "PERKESO Alor Setar", "PERKESO Kota Bharu", "PERKESO Kuala Terengganu", "PERKESO Kuantan",
                   "PERKESO Kota Kinabalu", "PERKESO Kuching", "PERKESO Putrajaya", "Online (webinar)")

LOCAL_ID_TYPES = {"NEW_IC": N_("New IC No."), "OLD_IC": N_("Old IC No."), "PASSPORT": N_("Passport No. (PR)")}
FOREIGN_ID_TYPES = {"SSFW": N_("SSFW / SSFDW Foreign Worker No."), "PASSPORT": N_("Passport No.")}

COUNTRIES = {"ID": "Indonesia", "BD": "Bangladesh", "NP": "Nepal", "MM": "Myanmar", "IN": "India", "PK": "Pakistan",
             "PH": "Philippines", "VN": "Vietnam", "KH": "Cambodia", "TH": "Thailand", "LK": "Sri Lanka",
             "CN": "China", "XX": N_("Other")}

TERMINATION_REASONS = {"RESIGNED": N_("Resigned"), "DISMISSED": N_("Dismissed"), "CONTRACT": N_("Contract ended"),
                       "RETIRED": N_("Retired"), "DECEASED": N_("Deceased"), "OTHER": N_("Other")}

DOCUMENT_TYPES = {
    "IC_COPY": N_("Copy of Identity Card"), "DOMESTIC_FORM": N_("Domestic Worker Registration Form"),
    "FORM_1": N_("Form 1 - Employer Registered"),
    "FORM_2": N_("Form 2 - Employee Registered / Foreign Worker Registration Form"),
    "SIP_1": N_("Borang SIP 1"), "OTHERS": N_("Others"),
}
RELATIONSHIPS = {"SPOUSE": N_("Spouse"), "PARENT": N_("Parent"), "CHILD": N_("Child"), "SIBLING": N_("Sibling"),
                 "OTHER": N_("Other")}


def required_documents(domestic_employer: bool, new_employer: bool, has_foreign: bool) -> list[str]:
    """The supporting documents the checklist asks for in this case (codes of DOCUMENT_TYPES)."""
    needed = ["IC_COPY"]
    if domestic_employer:
        needed.append("DOMESTIC_FORM")
    elif new_employer:
        needed.append("FORM_1")
    if has_foreign or not domestic_employer:
        needed.append("FORM_2")
    return needed


@dataclass(frozen=True)
class Identity:
    id_type: str
    id_number: str
    birth_date: date
    gender: str


def check_identity(id_type: str, id_number: str, birth_date: date | None, gender: str | None) -> Identity:
    """Normalise an identification number; a MyKad must agree with the birth date and gender given.

    For a MyKad the birth date and gender may be left out: they are read from the number.
    """
    number = id_number.strip().upper().replace("-", "").replace(" ", "")
    if id_type == "NEW_IC":
        number = normalize_mykad(number)
        from_card, card_gender = mykad_birth_date(number), mykad_gender(number)
        if birth_date and (birth_date.month, birth_date.day, birth_date.year % 100) != \
                (from_card.month, from_card.day, from_card.year % 100):
            raise ValidationError(N_("The date of birth does not match the MyKad number (%(date)s)."),
                                  field="birth_date", date=from_card.strftime("%d/%m/%Y"))
        if gender and gender != card_gender:
            raise ValidationError(N_("The gender does not match the MyKad number."), field="gender")
        return Identity(id_type, number, birth_date or from_card, card_gender)
    if not (4 <= len(number) <= 20 and number.isalnum()):
        raise ValidationError(N_("Enter the number as on the document: 4 to 20 letters or digits."),
                              field="id_number")
    if birth_date is None or gender not in ("M", "F"):
        raise ValidationError(N_("Enter the date of birth and gender."), field="birth_date")
    return Identity(id_type, number, birth_date, gender)


def check_document_period(label: str, number: str, start: date | None, end: date | None, today: date,
                          field: str) -> None:
    """Passport or pass/permit: number, start and end given, end after start, not expired today."""
    if not number or start is None or end is None:
        raise ValidationError(N_("Enter the %(document)s number, start date and end date."), field=field,
                              document=label)
    if end <= start:
        raise ValidationError(N_("The %(document)s end date must be after its start date."), field=field,
                              document=label)
    if end < today:
        raise ValidationError(N_("The %(document)s expired on %(date)s."), field=field, document=label,
                              date=end.strftime("%d/%m/%Y"))


def check_start_date(start: date, birth_date: date, today: date) -> None:
    """Employment starts on a real day: not in the future and not before the age of 14."""
    if start > today:
        raise ValidationError(N_("The employment start date cannot be in the future."), field="start_date")
    if (start.year - birth_date.year) - ((start.month, start.day) < (birth_date.month, birth_date.day)) < 14:
        raise ValidationError(N_("The employee would be under 14 on the start date."), field="start_date")
