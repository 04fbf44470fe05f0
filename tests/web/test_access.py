"""Access control: CSRF on every POST, login on every private route, officer pages for officers only."""

import pytest

from tests.conftest import PASSWORD
from tests.support import csrf_token, login

PUBLIC_ENDPOINTS = {
    "public.home", "public.help_page", "public.language", "auth.login", "auth.logout", "auth.logged_out",
    "auth.forgot_password", "auth.reset_password", "portal_id.register", "portal_id.submitted",
    "calculator.index", "public.help_topic", "team.accept",
    "fpx.direct_ac", "fpx.indirect_ac",  # FPX's answers: signed, no session (I7)
}
SAMPLE_ARGS = {"application_id": 1, "token": "x", "code": "en", "batch_id": 1, "employment_id": 1, "document_id": 1,
               "kind": "sip1", "employer_id": 1, ("registration.letter", "kind"): "successful", "submission_id": 1,
               "line_id": 1, "user_id": 1, "invitation_id": 1, "number": "ACR112260000001", "scheme": "combined",
               "layout": "combined", "order_no": "AS000000000001", "ref": "ACR112260000001", "year": 2026,
               "eft_scheme": "socso"}
SAMPLE_ARGS.update({"file_id": 1, "line_id": 1})  # issue 12: collection files and their lines


def private_routes(app):
    """(method, url) for every route that needs a login, taken from the URL map so new ones are covered."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or rule.endpoint == "static":
            continue
        args = {k: SAMPLE_ARGS.get((rule.endpoint, k), SAMPLE_ARGS[k]) for k in rule.arguments}
        url = rule.build(args, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, url, rule.endpoint))
    return routes


def test_every_private_route_refuses_anonymous_users(app, client):
    routes = private_routes(app)
    assert len(routes) >= 8
    token = csrf_token(client)
    for method, url, _endpoint in routes:
        response = client.open(url, method=method, data={"csrf_token": token})
        assert response.status_code == 303, (method, url)
        assert response.headers["Location"].startswith("/employer/login"), (method, url)
        htmx = client.open(url, method=method, data={"csrf_token": token}, headers={"HX-Request": "true"})
        assert htmx.status_code == 401 and htmx.headers["HX-Redirect"].startswith("/employer/login")


def test_officer_routes_refuse_employers(app, client, employer):
    login(client, employer.email, PASSWORD)
    token = csrf_token(client, "/employer/dashboard")
    officer_routes = [r for r in private_routes(app) if r[2].startswith("officer")]
    assert len(officer_routes) >= 8
    for method, url, _ in officer_routes:
        assert client.open(url, method=method, data={"csrf_token": token}).status_code == 403, url


def test_employer_routes_refuse_officers(app, client, officer):
    login(client, officer.email, PASSWORD)
    assert client.get("/employer/dashboard").status_code == 403


@pytest.mark.parametrize("path", ["/employer/login", "/employer/forgot-password", "/portal-id/register"])
def test_a_post_without_the_csrf_token_is_refused(client, path):
    response = client.post(path, data={"email": "someone@example.com", "step": "email"})
    assert response.status_code == 400
    assert "Reference" in response.get_data(as_text=True)


def test_the_csrf_token_is_accepted_from_the_htmx_header(client):
    token = csrf_token(client)
    response = client.post("/employer/login", data={"step": "email", "email": "someone@example.com"},
                           headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 200
    assert 'name="password"' in response.get_data(as_text=True)


def test_logout_needs_a_post_with_the_token(client, employer):
    login(client, employer.email, PASSWORD)
    assert client.get("/employer/logout").status_code == 405
    assert client.post("/employer/logout").status_code == 400
    assert client.get("/employer/dashboard").status_code == 200
