"""Demo data for `flask seed-demo`: accounts, the demo employer with 25 employees, and a second employer.

The employees cover the cases that change amounts: locals under 60, one aged 60 or more, one first insured
after 55, foreign workers, one who started this month and one who left last month. The month before last is
submitted and unpaid (an ACR and an ECR, overdue), so the dashboard shows late-payment interest. Everything goes through
the same services as the screens, so the demo data obeys the same rules.
"""

import io
import json
from datetime import date, timedelta
from decimal import Decimal

from fpdf import FPDF

from core.periods import add_months
from webapp.models import Employer, EmployerAccess, Employment, Submission, User
from webapp.services import contributions, eft, registration
from webapp.services.employees import terminate

LOCAL_NAMES = [
    "AHMAD FAIZAL BIN ISMAIL", "NURUL AIN BINTI RAHMAN", "TAN WEI MING", "SITI HAJAR BINTI OMAR",
    "LIM CHEE KEONG", "MUHAMMAD HAFIZ BIN SHAMSUL", "KAVITHA A/P MURUGAN", "WONG MEI LING",
    "MOHD RIDZUAN BIN YUSOF", "NOR AZIZAH BINTI HASSAN", "RAJESH A/L KRISHNAN", "CHONG KAR YAN",
    "FARAH NADIA BINTI ZAINAL", "LEE JUN HAO", "AISYAH BINTI KAMARUDDIN", "GOH SIEW LAN", "HARIS BIN ABDULLAH",
    "DEVI A/P SUBRAMANIAM",
]


def demo_pdf() -> bytes:
    """A one-page PDF standing in for the demo employer's Borang 1 (uploads are parsed, so it must be real)."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(text="Borang 1 - demo supporting document")
    return bytes(pdf.output())


def mykad(birth: date, serial: int, female: bool, state: int = 14) -> str:
    """A well-formed MyKad number for demo people (the last digit is even for women, odd for men)."""
    last = (serial * 2) % 10 if female else (serial * 2 + 1) % 10
    return f"{birth:%y%m%d}{state:02d}{serial % 1000:03d}{last}"


def _employee(batch, settings, today, **facts):
    data = registration.EmployeeForm(
        foreign=facts.get("foreign", False), id_type=facts.get("id_type", "NEW_IC"), id_number=facts["id_number"],
        name=facts["name"], birth_date=facts["birth"], gender=facts["gender"],
        nationality=facts.get("nationality", "MY"), start_date=facts["start"],
        passport_number=facts.get("passport", ""), passport_start=facts.get("passport_start"),
        passport_end=facts.get("passport_end"), permit_number=facts.get("permit", ""),
        permit_start=facts.get("permit_start"), permit_end=facts.get("permit_end"), kin_name=facts.get("kin", ""),
        kin_phone="0123456789" if facts.get("kin") else "", kin_relationship="SPOUSE" if facts.get("kin") else "")
    return registration.add_employee(batch, data, {}, settings, today)


def _employer(user, settings, today, number, name, employees):
    form = registration.EmployerForm(
        kind="business", name=name, business_entity="COMPANY", sub_entity="SDN_BHD", registration_number=number,
        nationality="MY", industry="G", address="No. 12, Jalan Tun Razak\nTaman Maju", postcode="50400",
        state="W.P. Kuala Lumpur", phone="0326872677", email="", first_employment_date=date(2015, 1, 1),
        induction_venue="PERKESO Kuala Lumpur")
    batch = registration.start_employer(user, form, today)
    made = [_employee(batch, settings, today, **facts) for facts in employees]
    for kind in registration.checklist(batch):
        registration.add_document(batch, kind, io.BytesIO(demo_pdf()), f"{kind.lower()}.pdf", "demo", settings)
    registration.submit(batch, today)
    return made


def demo_employees(today: date) -> list[dict]:
    this_month, last_month = today.replace(day=1), add_months(today.replace(day=1), -1)
    people = []
    for n, name in enumerate(LOCAL_NAMES):
        female = "BINTI" in name or "A/P" in name or n % 3 == 1
        birth = date(1975 + n, 1 + n % 12, 1 + n)
        people.append({"id_number": mykad(birth, 100 + n, female), "name": name, "birth": birth,
                       "gender": "F" if female else "M", "start": date(2018 + n % 6, 1 + n % 12, 1)})
    people += [
        {"id_number": mykad(date(1962, 3, 15), 201, False), "name": "ISMAIL BIN DAUD", "birth": date(1962, 3, 15),
         "gender": "M", "start": date(2016, 6, 1)},  # aged 60 or more: Second Category, no EIS
        {"id_number": mykad(date(1968, 8, 20), 202, True), "name": "ROHANI BINTI SALLEH", "birth": date(1968, 8, 20),
         "gender": "F", "start": date(2024, 2, 1)},  # first insured at 55: Second Category
        {"id_number": mykad(date(1996, 9, 9), 203, False), "name": "ARIF BIN ZULKIFLI", "birth": date(1996, 9, 9),
         "gender": "M", "start": this_month},  # started this month
        {"id_number": mykad(date(1991, 4, 4), 204, True), "name": "MEI CHEN", "birth": date(1991, 4, 4),
         "gender": "F", "start": date(2020, 1, 1), "leaves": last_month + timedelta(days=9)},  # left last month
    ]
    for n, (name, country) in enumerate((("BUDI SANTOSO", "ID"), ("MD RAHIM UDDIN", "BD"), ("RAM BAHADUR", "NP"))):
        people.append({"foreign": True, "id_type": "PASSPORT", "id_number": f"{country}{8800100 + n}", "name": name,
                       "birth": date(1990 + n, 5, 10), "gender": "M", "nationality": country,
                       "start": date(2023, 3, 1), "passport": f"{country}{8800100 + n}",
                       "passport_start": date(2022, 1, 1), "passport_end": date(2031, 12, 31),
                       "permit": f"PLKS{700 + n}", "permit_start": date(2026, 1, 1),
                       "permit_end": add_months(this_month, 12), "kin": "ISTERI " + name.split()[0]})
    return people


def _submitted_month(employer, user, month: date, today: date) -> None:
    """A confirmed, unpaid SOCSO + EIS month, so the dashboard, PAYMENT and the history have something."""
    submission = contributions.open_submission(employer, user, "combined", month, "arrears", today)
    for n, line in enumerate(contributions.lines(submission, 1, 1000)):
        contributions.update_line(submission, line.id, line.status, Decimal(1800 + 150 * (n % 12)))
    contributions.complete(submission)
    contributions.confirm(submission, Submission.get_by_id(submission.id).confirm_token)


def seed_employers(settings, today: date) -> None:
    """The demo employer of the demo user and a second employer of another user (idempotent)."""
    demo_user = User.get(User.email == "employer@demo.assist.test")
    other_user = User.get(User.email == "employer2@demo.assist.test")
    if not Employer.select().where(Employer.registration_number == "201901000005").exists():
        people = demo_employees(today)
        made = _employer(demo_user, settings, today, "201901000005", "Kedai Runcit Maju Sdn. Bhd.", people)
        for employment, facts in zip(made, people, strict=True):
            if facts.get("leaves"):
                terminate(Employment.get_by_id(employment.id), facts["leaves"], "RESIGNED", today)
        demo_employer = Employer.get(Employer.registration_number == "201901000005")
        _submitted_month(demo_employer, demo_user, add_months(today.replace(day=1), -2), today)
    if not Employer.select().where(Employer.registration_number == "202001012345").exists():
        others = [{"id_number": mykad(date(1985, 2, 2), 300 + n, n % 2 == 1), "name": name, "birth": date(1985, 2, 2),
                   "gender": "F" if n % 2 else "M", "start": date(2021, 1, 1)}
                  for n, name in enumerate(("ZAINAL BIN ARIFFIN", "SALMAH BINTI YUSOF", "KUMAR A/L RAMASAMY"))]
        _employer(other_user, settings, today, "202001012345", "Syarikat Kedua Sdn. Bhd.", others)



def seed_team(members: dict[str, str]) -> None:
    """The demo employer's clerk and approver (email -> role), in its team beside the demo account."""
    employer = Employer.get(Employer.registration_number == "201901000005")
    for email, role in members.items():
        user = User.get(User.email == email)
        EmployerAccess.insert(user=user, employer=employer, role=role).on_conflict(
            conflict_target=[EmployerAccess.user, EmployerAccess.employer],
            update={EmployerAccess.role: role}).execute()


def seed_eft(email: str) -> None:
    """The demo employer's EFT registration for SOCSO (QRG 6), as its account would SUBMIT it (idempotent)."""
    employer = Employer.get(Employer.registration_number == "201901000005")
    if eft.registration(employer, "socso") is None:
        eft.register(User.get(User.email == email), employer, "socso", email=email, contact_no="0326872677",
                     officer_name="Majikan Demo")


DEMO_MANDATE_ID = "9000000000000001"  # the bank's id of the demo SOCSO mandate (the simulator is given it too)


def seed_mandate(today: date) -> None:
    """An approved SOCSO direct-debit mandate of the demo employer (SBI Bank A, RM 5,000.00 a debit, two a
    month), unless it has a live one; `flask demo-mandates` gives it to the simulated exchange."""
    from core import fpx, mandates
    from webapp.mandate_models import Mandate
    from webapp.services import counters

    employer = Employer.get(Employer.registration_number == "201901000005")
    live = Mandate.select().where((Mandate.employer == employer) & (Mandate.scheme == mandates.SOCSO)
                                  & Mandate.status.in_(mandates.LIVE))
    if live.exists() or Mandate.select().where(Mandate.mandate_id == DEMO_MANDATE_ID).exists():
        return
    order_no = mandates.enrolment_number(counters.next_value("mandate-order"))
    expiry = mandates.expiry_of(today)
    terms = {"fpx_msgType": "AD", "fpx_sellerExOrderNo": order_no, "fpx_sellerOrderNo": order_no,
             "fpx_buyerBankId": "TEST0021", "fpx_maxAmount": "5000.00", "fpx_frequencyMode": "MT",
             "fpx_maxFrequency": "2", "fpx_effectiveDate": f"{today:%Y%m%d}", "fpx_expiryDate": f"{expiry:%Y%m%d}"}
    Mandate.create(order_no=order_no, employer=employer, user=User.get(User.email == "employer@demo.assist.test"),
                   scheme=mandates.SOCSO, msg_token=fpx.B2C, bank_id="TEST0021", limit_sen=500_000, max_frequency=2,
                   phone="0123456789", email="employer@demo.assist.test", effective_on=today, expiry_on=expiry,
                   status=mandates.APPROVED, mandate_id=DEMO_MANDATE_ID, auth_code="00", approved_on=today,
                   ad_fields=json.dumps(terms))


def mandates_for_simulator() -> list[dict]:
    """The approved demo mandates as `python -m fpxsim add-mandates` reads them (one JSON object each)."""
    from webapp.mandate_models import Mandate

    return [{"id": m.mandate_id, "seller_ex_order_no": m.order_no, "seller_order_no": m.order_no,
             "terms": {"max_amount_sen": m.limit_sen, "frequency_mode": "MT", "max_frequency": m.max_frequency,
                       "effective": f"{m.effective_on:%Y%m%d}", "expiry": f"{m.expiry_on:%Y%m%d}",
                       "buyer_bank_id": m.bank_id, "buyer_id": "201901000005", "email": m.email,
                       "msg_token": m.msg_token}}
            for m in Mandate.select().where((Mandate.mandate_id == DEMO_MANDATE_ID) & (Mandate.status == "approved"))]

