"""Records straight in the store, for tests and benchmarks that are not about how they come to exist."""

from datetime import date

from webapp.models import Employer, EmployerAccess, RegistrationBatch


def registered_employer(user, name: str = "BENCH SDN BHD", number: str = "201901000005", code: str = "E9000000001R"):
    """A registered employer managed by `user`, with its (submitted) first batch: (employer, batch)."""
    employer = Employer.create(code=code, kind="business", name=name, business_entity="COMPANY",
                               sub_entity="SDN_BHD", registration_number=number, industry="G", address="x",
                               postcode="50400", state="Selangor", phone="0312345678",
                               first_employment_date=date(2015, 1, 1), induction_venue="x", status="registered",
                               created_by=user)
    EmployerAccess.create(user=user, employer=employer)
    batch = RegistrationBatch.create(crn=f"CRN012026{code[1:11]}", employer=employer, kind="new_employer",
                                     status="submitted", created_by=user)
    return employer, batch


_bills = {"count": 0}


def bill(employer, user, month: date, kind: str = "ACR", amount: int = 10_000, status: str = "unpaid",
         type_: str = "monthly", employees: int = 1):
    """A confirmed submission with one ACR or ECR of `amount` sen for `month` (a fresh number each time)."""
    from webapp.models import Acknowledgement, Submission

    _bills["count"] += 1
    submission = Submission.create(employer=employer, month=month, type=type_, with_socso=kind == "ACR",
                                   with_eis=kind == "ECR", status="confirmed", confirm_token="t" * 43,
                                   created_by=user)
    number = f"{kind}{month.month:02d}2{month.year % 100:02d}{_bills['count'] % 10**7:07d}"
    return Acknowledgement.create(number=number, kind=kind, submission=submission, employer=employer, month=month,
                                  type=type_, medium="8A", employees=employees, amount=amount, status=status)
