"""The htmx conventions of DESIGN.md: a page or its block by HX-Request, Vary: HX-Request, HX-Redirect."""



def test_the_same_address_answers_a_page_or_a_block_and_says_it_varies(client):
    page = client.get("/employer/login")
    block = client.get("/employer/login", headers={"HX-Request": "true"})
    for response in (page, block):
        assert "HX-Request" in {part.strip() for part in response.headers.get("Vary", "").split(",")}
    assert "<html" in page.get_data(as_text=True) and "<html" not in block.get_data(as_text=True)
    assert 'name="email"' in block.get_data(as_text=True)


def test_a_boosted_request_gets_the_whole_page(client):
    boosted = client.get("/employer/login", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.get_data(as_text=True)


def test_htmx_is_sent_to_another_page_with_hx_redirect_not_a_303(client, auth, employer):
    anonymous = client.get("/employer/dashboard", headers={"HX-Request": "true"})
    assert anonymous.status_code == 401 and anonymous.headers["HX-Redirect"].startswith("/employer/login")
    plain = client.get("/employer/dashboard")
    assert plain.status_code == 303 and plain.headers["Location"].startswith("/employer/login")
    response = auth.login(employer.email, **{"HX-Request": "true"})
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/employer/dashboard"
    assert client.get("/employer/dashboard").status_code == 200
    assert auth.logout().status_code == 303
    assert client.get("/employer/dashboard").status_code == 303
