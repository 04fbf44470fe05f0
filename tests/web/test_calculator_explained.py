""""How is this amount made?": the calculator explains band, category, schedule and rounding, and the month's
page links each employee's amount to the calculator filled in for them (the same amount, to the sen)."""

import re
from datetime import date
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import PASSWORD, make_user
from tests.support import login
from tests.web.test_contributions import edit, open_month
from tests.web.test_registration import add_document, add_local, post, registered, start_business
from webapp.db import database
from webapp.models import Employment, Person, SubmissionLine

HOW_LINK = re.compile(r'<a class="how-link" href="(/calculator/line/\d+/\d+)">How is this amount made\?</a>')


def explained(client, **params):
    query = {"wages": "2000", "month": "2024-10", "age": "30", "nationality": "local", **params}
    response = client.get("/calculator", query_string=query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html[html.index('id="how"'):]


def test_the_calculator_shows_band_schedule_category_and_rounding(client):
    how = explained(client)
    assert "How is this amount made?" in how
    assert "Row 24 of 65: wages exceed RM 1,900.00 but not RM 2,000.00" in how
    assert "Act 4, Third Schedule, from 10/2024, ceiling RM 6,000.00" in how
    assert "Act 800, Second Schedule, from 10/2024, ceiling RM 6,000.00" in how
    assert "SOCSO · First Category" in how and "Under 60" in how
    assert "Employer RM 34.15 · Employee RM 9.75" in how
    assert "A1724" in how  # the source of the schedule
    assert "Rounding: none" in how


def test_above_the_ceiling_and_second_category_are_explained(client):
    how = explained(client, wages="9000", age="64")
    assert "Row 65 of 65: wages exceed RM 6,000.00 (above the ceiling" in how
    assert "SOCSO · Second Category" in how and "Second Category: RM 74.40, paid by the employer alone" in how
    assert "Aged 60 or over: not covered by EIS." in how


def test_eis_exemption_after_57_is_a_choice_of_the_calculator(client):
    assert "exempt from EIS" in explained(client, age="58", eis_late="y")
    assert "Aged 18 to 59: covered by EIS." in explained(client, age="58")


def test_the_explanation_in_malay(client):
    client.get("/language/ms")
    how = explained(client)
    assert "Bagaimana jumlah ini dikira?" in how and "Baris 24 daripada 65" in how and "Pembundaran" in how


@pytest.fixture
def month(app, employer):
    """A month with people whose amounts differ: under 60, over 60, first insured at 55, foreign, domestic."""
    client = app.test_client()
    login(client, employer.email, PASSWORD)
    registered(client)
    with database.connection_context():
        batch = Employment.select().first().batch
        people = [("OLD", date(1962, 3, 15), True, date(2016, 6, 1), date(2016, 6, 1), False),
                  ("LATE", date(1968, 8, 20), True, date(2024, 2, 1), date(2024, 2, 1), False),
                  ("FOREIGN", date(1990, 5, 10), False, date(2023, 3, 1), date(2023, 3, 1), False),
                  ("MAID", date(1985, 1, 1), True, date(2022, 1, 1), date(2022, 1, 1), True),
                  ("EIS LATE", date(1966, 12, 5), True, date(2024, 1, 2), date(1990, 1, 1), False)]
        for n, (name, born, citizen, start, insured, domestic) in enumerate(people):
            person = Person.create(id_type="NEW_IC", id_number=f"9000000000{n:02d}", name=name, gender="M",
                                   birth_date=born, citizen=citizen, first_insured_on=insured)
            Employment.create(employer=batch.employer, person=person, batch=batch, start_date=start,
                              domestic=domestic, status="active")
    submission_id = open_month(client, "2024-10")
    lines = list(SubmissionLine.select().where(SubmissionLine.submission == submission_id))
    assert len(lines) == 7
    for n, line in enumerate(lines):
        assert edit(client, submission_id, line.id, f"{1800 + 575 * n}.00").status_code == 200
    return client, submission_id


def test_each_amount_links_to_the_calculator_filled_in_for_that_employee(month):
    client, submission_id = month
    page = client.get(f"/contribution/s/{submission_id}").get_data(as_text=True)
    links = HOW_LINK.findall(page)
    assert len(links) == 7
    compared = set()
    for link in links:
        line = SubmissionLine.get_by_id(int(link.rsplit("/", 1)[1]))
        response = client.get(link)
        assert response.status_code == 303
        target = urlsplit(response.headers["Location"])
        fields = parse_qs(target.query)
        assert target.path == "/calculator" and fields["month"] == ["2024-10"]
        assert fields["wages"] == [f"{line.wages / 100:.2f}"] and fields["back"] == [f"/contribution/s/{submission_id}"]
        html = client.get(response.headers["Location"]).get_data(as_text=True)
        total = unescape(re.search(r'id="total">([^<]+)<', html).group(1))
        amount = line.socso_employer + line.socso_employee + line.skbbk_employee + line.eis_employer + line.eis_employee
        assert total == f"RM {amount / 100:,.2f}", (line.employment.person.name, fields)
        assert f'href="/contribution/s/{submission_id}"' in html  # BACK to the month
        compared.add(tuple(sorted((k, v[0]) for k, v in fields.items() if k not in ("wages", "back", "age"))))
    assert len(compared) >= 5, compared  # local, foreign, domestic, first insured at 55, no EIS before 57


def test_the_pencil_form_has_the_link_too_and_rows_without_wages_do_not(month):
    client, submission_id = month
    line = SubmissionLine.select().where(SubmissionLine.submission == submission_id).first()
    open_row = client.get(f"/contribution/s/{submission_id}/lines/{line.id}?edit=1&number=1",
                          headers={"HX-Request": "true"}).get_data(as_text=True)
    assert f'href="/calculator/line/{submission_id}/{line.id}"' in open_row and 'name="wages"' in open_row
    SubmissionLine.update(wages=None).where(SubmissionLine.id == line.id).execute()
    row = client.get(f"/contribution/s/{submission_id}/lines/{line.id}?number=1",
                     headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "How is this amount made?" not in row


def test_another_employers_line_is_not_found(app, month):
    _client, submission_id = month
    line = SubmissionLine.select().where(SubmissionLine.submission == submission_id).first()
    other = app.test_client()
    login(other, make_user("other@example.com").email, PASSWORD)
    batch_id = start_business(other, registration_number="202001000077", name="Other Sdn Bhd")
    add_local(other, batch_id, id_number="950303105433", name="Lee Jun Hao", gender="M")
    add_document(other, batch_id)
    post(other, f"/registration/{batch_id}/confirm", {})  # a registered employer of its own: the page is reached
    assert other.get(f"/calculator/line/{submission_id}/{line.id}").status_code == 404
    assert app.test_client().get(f"/calculator/line/{submission_id}/{line.id}").status_code == 303  # log in
