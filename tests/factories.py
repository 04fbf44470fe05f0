"""Records straight in the store, for tests and benchmarks that are not about how they come to exist."""

from datetime import date

from webapp.models import Employer, EmployerAccess, RegistrationBatch


def registered_employer(user, name: str = "BENCH SDN BHD", number: str = "201901000005"):
    """A registered employer managed by `user`, with its (submitted) first batch: (employer, batch)."""
    employer = Employer.create(code="E9000000001R", kind="business", name=name, business_entity="COMPANY",
                               sub_entity="SDN_BHD", registration_number=number, industry="G", address="x",
                               postcode="50400", state="Selangor", phone="0312345678",
                               first_employment_date=date(2015, 1, 1), induction_venue="x", status="registered",
                               created_by=user)
    EmployerAccess.create(user=user, employer=employer)
    batch = RegistrationBatch.create(crn="CRN01202600000001", employer=employer, kind="new_employer",
                                     status="submitted", created_by=user)
    return employer, batch
