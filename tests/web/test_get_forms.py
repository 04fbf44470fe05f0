"""No CSRF token in a GET: every form the portal renders that is sent by GET (or a button that sends its
form by GET) carries no csrf_token field, so the token never lands in URLs, history or server logs."""

from datetime import date
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from tests.conftest import PASSWORD, make_user
from tests.factories import registered_employer
from tests.support import csrf_token, login
from webapp.clock import malaysia_today
from webapp.db import database
from webapp.models import Employment, Person
from webapp.services import registration

SKIP = ("/employer/logout", "/language/", "/static/")


class Forms(HTMLParser):
    """The forms of a page: method, field names, buttons that override the method; and the page's links."""

    def __init__(self):
        super().__init__()
        self.forms, self.links, self._open = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href", "").startswith("/"):
            self.links.append(attrs["href"])
        if tag == "form":
            form = {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action"), "fields": [],
                    "get_buttons": []}
            self.forms.append(form)
            self._open.append(form)
        elif self._open and tag in ("input", "select", "textarea", "button") and attrs.get("name"):
            self._open[-1]["fields"].append(attrs["name"])
        if self._open and tag in ("button", "input") and (attrs.get("formmethod") or "").lower() == "get":
            self._open[-1]["get_buttons"].append(attrs)

    def handle_endtag(self, tag):
        if tag == "form" and self._open:
            self._open.pop()


def crawl(client, starts, limit=60):
    """Follow the portal's own links from `starts`: {path: [forms]} of every HTML page reached."""
    seen, pending, pages = set(), list(starts), {}
    while pending and len(seen) < limit:
        path = urldefrag(pending.pop(0))[0]
        if path in seen or path.startswith(SKIP):
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        parser = Forms()
        parser.feed(response.get_data(as_text=True))
        pages[path] = parser.forms
        pending += [link for link in parser.links if urlsplit(link).path not in seen]
    return pages


def test_no_get_form_carries_the_csrf_token(app, employer, officer):
    with database.connection_context():
        company, batch = registered_employer(employer)
        person = Person.create(id_type="NEW_IC", id_number="901225085344", name="SITI AMINAH", gender="F",
                               birth_date=date(1990, 12, 25), first_insured_on=date(2015, 1, 1))
        Employment.create(employer=company, person=person, batch=batch, start_date=date(2024, 1, 1), status="active")
        draft = registration.start_employer(employer, registration.EmployerForm(
            kind="business", name="Kedai Baru Sdn Bhd", business_entity="COMPANY", sub_entity="SDN_BHD",
            registration_number="202101000123", nationality="MY", industry="G", address="x", postcode="50400",
            state="Selangor", phone="0326872677", email="", induction_venue="x",
            first_employment_date=date(2024, 1, 1)), malaysia_today())
    anonymous = app.test_client()
    employer_client, officer_client = app.test_client(), app.test_client()
    login(employer_client, employer.email, PASSWORD)
    login(officer_client, officer.email, PASSWORD)
    pages = {}
    pages.update(crawl(anonymous, ["/", "/employer/login", "/employer/forgot-password", "/portal-id/register",
                                   "/calculator"]))
    pages.update(crawl(employer_client, [
        "/employer/dashboard", "/registration/", f"/registration/{draft.id}/employees",
        f"/registration/{draft.id}/employees/new", f"/registration/{draft.id}/employees/new?foreign=1",
        f"/registration/{draft.id}/documents", "/employees/", "/contributions/history"]))
    pages.update(crawl(officer_client, ["/officer/", "/officer/employers/?q=SITI"]))

    get_forms = [(path, form) for path, forms in pages.items() for form in forms if form["method"] == "get"]
    post_forms = [(path, form) for path, forms in pages.items() for form in forms if form["method"] == "post"]
    assert len(pages) >= 15, sorted(pages)
    assert len(get_forms) >= 4, "the employees, history, calculator and officer searches are GET forms"
    assert any(path.endswith("/employees/new") for path, _ in post_forms)
    for path, form in get_forms:
        assert "csrf_token" not in form["fields"], f"GET form on {path} carries the CSRF token"
    for path, form in post_forms:
        assert not (form["get_buttons"] and "csrf_token" in form["fields"]), \
            f"a button on {path} sends a form with its CSRF token by GET"


def test_search_existing_employee_is_not_a_get(app, employer):
    """SEARCH posts the identification (CSRF token in a header or the body), never in a URL."""
    make_user("second@example.com")
    with database.connection_context():
        draft = registration.start_employer(employer, registration.EmployerForm(
            kind="business", name="Kedai Baru Sdn Bhd", business_entity="COMPANY", sub_entity="SDN_BHD",
            registration_number="202101000123", nationality="MY", industry="G", address="x", postcode="50400",
            state="Selangor", phone="0326872677", email="", induction_venue="x",
            first_employment_date=date(2024, 1, 1)), malaysia_today())
    client = app.test_client()
    login(client, employer.email, PASSWORD)
    html = client.get(f"/registration/{draft.id}/employees/new").get_data(as_text=True)
    assert 'formmethod="get"' not in html and "hx-get" not in html
    assert f'hx-post="/registration/{draft.id}/employees/search"' in html
    assert client.get(f"/registration/{draft.id}/employees/search").status_code == 405
    without_token = client.post(f"/registration/{draft.id}/employees/search",
                                data={"id_type": "NEW_IC", "id_number": "901225085344"})
    assert without_token.status_code == 400


def test_search_without_javascript_posts_the_whole_form_and_keeps_what_was_typed(app, employer):
    with database.connection_context():
        Person.create(id_type="NEW_IC", id_number="901225085344", name="SITI AMINAH", gender="F",
                      birth_date=date(1990, 12, 25), first_insured_on=date(2015, 1, 1))
        draft = registration.start_employer(employer, registration.EmployerForm(
            kind="business", name="Kedai Baru Sdn Bhd", business_entity="COMPANY", sub_entity="SDN_BHD",
            registration_number="202101000123", nationality="MY", industry="G", address="x", postcode="50400",
            state="Selangor", phone="0326872677", email="", induction_venue="x",
            first_employment_date=date(2024, 1, 1)), malaysia_today())
    client = app.test_client()
    login(client, employer.email, PASSWORD)
    token = csrf_token(client, f"/registration/{draft.id}/employees/new")
    page = client.post(f"/registration/{draft.id}/employees/search", data={
        "csrf_token": token, "id_type": "NEW_IC", "id_number": "901225085344", "start_date": "2024-02-01"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.lstrip().startswith("<!doctype html>")
    assert "Registered before: SITI AMINAH" in html and 'value="2024-02-01"' in html
    assert f'action="/registration/{draft.id}/employees/new"' in html  # SAVE still goes to the form's own URL
    nobody = client.post(f"/registration/{draft.id}/employees/search?foreign=1", data={
        "csrf_token": token, "id_type": "PASSPORT", "id_number": "X9999999"})
    assert "Nobody is registered with this number" in nobody.get_data(as_text=True)
    assert f'action="/registration/{draft.id}/employees/new?foreign=1"' in nobody.get_data(as_text=True)
