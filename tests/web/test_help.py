"""Help where it is needed: every page links to the QRG step it implements (webapp/help/topics.toml), and /help
searches the topics and the FAQ (SQLite FTS5, or a word search without it), in both languages."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from werkzeug.routing import Map, Rule

from tests.conftest import PASSWORD
from tests.support import csrf_token, login
from tests.web.test_contributions import confirmed_month
from tests.web.test_registration import registered
from webapp import help as content
from webapp.help import search
from webapp.models import Employment, SubmissionLine

ROOT = Path(__file__).resolve().parents[2]
HELP_LINK = re.compile(r'<a class="help-link" id="help-link" href="([^"]+)"')


def missing_topics(url_map) -> list[str]:
    """The page endpoints (GET routes that render a page) that no help topic covers."""
    return sorted({rule.endpoint for rule in url_map.iter_rules()
                   if content.is_page(rule.endpoint, rule.rule, rule.methods)
                   and content.topic_for(rule.endpoint) is None})


def test_every_page_has_a_help_topic(app):
    pages = [r for r in app.url_map.iter_rules() if content.is_page(r.endpoint, r.rule, r.methods)]
    assert len(pages) > 30
    assert missing_topics(app.url_map) == [], (
        "pages without help: add the endpoint to a topic in webapp/help/topics.toml (or to NOT_PAGES in "
        "webapp/help/__init__.py if it renders no page)")


def test_the_check_catches_a_page_without_a_topic_and_follows_the_fallbacks():
    get = ["GET"]
    url_map = Map([Rule("/statements/", endpoint="unknown_blueprint.index", methods=get),
                   Rule("/statements/x.pdf", endpoint="unknown_blueprint.pdf", methods=get),
                   Rule("/payment/fpx/", endpoint="fpx_payment.pay", methods=get),
                   Rule("/payment/new", endpoint="payment.new", methods=get),
                   Rule("/payment/eft/", endpoint="payment.eft_register", methods=get),
                   Rule("/statements/add", endpoint="unknown_blueprint.add", methods=["POST"])])
    assert missing_topics(url_map) == ["unknown_blueprint.index"]  # a file and a POST need no help page
    assert content.topic_for("fpx_payment.pay").id == "pay-fpx"  # a pattern: pages still being built
    assert content.topic_for("payment.eft_register").id == "pay-eft"
    assert content.topic_for("payment.new").id == "payment"  # the blueprint's topic
    assert content.topic_for("payment.cancel").id == "cancel"  # its own topic first


def test_every_endpoint_a_topic_names_exists(app):
    named = [(t.id, e) for t in content.topics() for e in t.endpoints]
    assert len(named) > 30
    assert [pair for pair in named if pair[1] not in app.view_functions] == []
    assert all("*" in p or "?" in p for t in content.topics() for p in t.patterns)  # else an endpoint
    blueprints = [b for t in content.topics() for b in t.blueprints]
    assert [b for b in blueprints if b not in app.blueprints] == []


def test_every_topic_is_in_both_languages_and_names_its_qrg():
    steps, faq = content.steps(), content.faq()
    assert len(steps) >= 25 and len(faq) == 6
    for topic in steps:
        for language in content.LANGUAGES:
            text = topic.text(language)
            assert text.title and text.section and text.steps, (topic.id, language)
            if topic.qrg:
                assert f"QRG {topic.qrg}" in text.section, (topic.id, language, text.section)
            assert not any(marker in text.plain + text.title for marker in (search.OPEN, search.CLOSE))
        assert len(topic.text("ms").steps) == len(topic.text("en").steps), topic.id
        assert topic.text("ms").title != topic.text("en").title, topic.id
    qrgs = {t.qrg for t in steps}
    assert {str(n) for n in range(1, 12)} <= qrgs, "every QRG from 1 to 11 has a topic"


def test_the_button_labels_are_those_the_pages_show():
    """A **LABEL** in a topic is on a page: in a template as written, or a message of that language."""
    templates = "\n".join(p.read_text() for p in (ROOT / "webapp" / "templates").rglob("*.html"))
    catalogues = {}
    for language in content.LANGUAGES:
        with (ROOT / "webapp" / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            catalogues[language] = "\n".join(m.string for m in read_po(fh, locale=language) if m.id)
    checked, wrong = 0, []
    for topic in content.steps():
        if topic.to_come:
            continue  # pages still being built (payments): their labels come from the QRG
        for language in content.LANGUAGES:
            for label in topic.text(language).labels:
                checked += 1
                if label not in templates and label not in catalogues[language]:
                    wrong.append((topic.id, language, label))
    assert checked > 60
    assert wrong == []


def test_the_data_entry_topic_has_the_qrg_buttons_in_bold(client):
    english = client.get("/help/data-entry").get_data(as_text=True)
    for label in ("SAVE DRAFT", "COMPLETE", "SAVE"):
        assert f"<b>{label}</b>" in english
    assert "QRG 4" in english and "Update employees&#39; wages one by one" in english
    client.get("/language/ms")
    malay = client.get("/help/data-entry").get_data(as_text=True)
    assert "Kemaskini gaji pekerja satu persatu" in malay and "<b>SAVE DRAFT</b>" in malay


def test_payment_topics_are_there_before_their_pages(client):
    cart = client.get("/help/payment").get_data(as_text=True)
    for label in ("FPX PAYMENT", "ADD TO CART", "PROCEED TO SUMMARY", "CONTINUE"):
        assert f"<b>{label}</b>" in cart
    page = client.get("/help/pay-fpx").get_data(as_text=True)
    for label in ("CONTINUE", "PROCEED", "RECEIPT", "END"):
        assert f"<b>{label}</b>" in page
    built = any(e.startswith("fpx_payment.") for e in client.application.view_functions)
    assert ('id="to-come"' in page) == (not built)


def test_an_unknown_topic_is_not_found(client):
    assert client.get("/help/no-such-topic").status_code == 404


def test_the_faq_is_on_the_help_page_in_both_languages(client):
    english = client.get("/help").get_data(as_text=True)
    assert english.count('<h3 id="faq-') == 6 and "What if I forget my ASSIST user ID?" in english
    assert "1-300-22-8000" in english
    client.get("/language/ms")
    assert "Akaun saya dikunci" in client.get("/help").get_data(as_text=True)


@pytest.mark.parametrize("engine", ["fts5", "plain"])
def test_search_finds_a_button_label_and_marks_it(app, client, monkeypatch, engine):
    if engine == "fts5" and not search.fts5_available():
        pytest.skip("this Python's SQLite has no FTS5")
    monkeypatch.setitem(app.config, "HELP_SEARCH", engine)
    page = client.get("/help", query_string={"q": "proceed to summary"}).get_data(as_text=True)
    assert f'data-engine="{engine}"' in page
    assert 'href="/help/pay-fpx"' in page and "<mark>PROCEED</mark>" in page
    saved = client.get("/help", query_string={"q": "save draft"}).get_data(as_text=True)
    assert 'href="/help/data-entry"' in saved and "<mark>DRAFT</mark>" in saved
    client.get("/language/ms")
    malay = client.get("/help", query_string={"q": "kata laluan"}).get_data(as_text=True)
    assert 'href="/help/forgot-password"' in malay and "<mark>" in malay


def test_without_fts5_the_word_search_is_used(monkeypatch):
    monkeypatch.setattr(search, "fts5_available", lambda: False)
    monkeypatch.setattr(search, "_indexes", {})
    assert search.index().engine == "plain"
    hits = search.search("cek", "ms")
    assert {h.topic.id for h in hits} == {"bank-counter", "bank-teller"}  # QRG 8: the employer's and the teller's
    assert all("<mark>cek</mark>" in h.snippet.lower() for h in hits)


def test_both_engines_find_the_same_topics():
    if not search.fts5_available():
        pytest.skip("this Python's SQLite has no FTS5")
    queries = ["SAVE DRAFT", "ADD TO CART", "text file", "kaunter", "CONFIRM", "kata laluan", "QRG 9", "FCLB",
               "Berhentikan", "pasport"]
    compared = 0
    for language in content.LANGUAGES:
        for query in queries:
            fts = {h.topic.id for h in search.search(query, language, "fts5")}
            plain = {h.topic.id for h in search.search(query, language, "plain")}
            assert fts == plain, (language, query)
            compared += bool(fts)
    assert compared >= 12


HOSTILE = ['"', '""', "NEAR(", "NEAR(a b", "*", "a*", "^", "title:", "-", "AND", "OR NOT", "(", ")", "{title}: x",
           "x" * 5000, "é" * 300, "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "\u202e", "%", "\\"]


@pytest.mark.parametrize("engine", ["fts5", "plain"])
def test_hostile_queries_are_just_words(app, client, monkeypatch, engine):
    monkeypatch.setitem(app.config, "HELP_SEARCH", engine)
    for query in HOSTILE:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get("/help", query_string={"q": query}, headers=headers)
            html = response.get_data(as_text=True)
            assert response.status_code == 200, query
            assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in client.get("/help", query_string={"q": "<script>"}).get_data(as_text=True)
    assert client.get("/help", query_string={"q": "a\x00b"}).status_code == 400  # NUL: refused at the door


def test_highlighting_never_lets_markup_through():
    assert str(search.to_markup("<b>\x02x&y\x03</b>")) == "&lt;b&gt;<mark>x&amp;y</mark>&lt;/b&gt;"
    for engine in ("fts5", "plain") if search.fts5_available() else ("plain",):
        for hit in search.search('mark script "employer"', "en", engine):
            assert "<script" not in hit.title + hit.snippet


def test_the_search_is_a_get_form_and_an_active_search(client):
    page = client.get("/help").get_data(as_text=True)
    form = re.search(r"<form[^>]*role=\"search\"[^>]*>.*?</form>", page, re.S).group(0)
    assert 'method="get"' in form and "csrf_token" not in form
    assert 'hx-get="/help"' in form and 'hx-push-url="true"' in form and "delay:300ms" in form
    assert 'hx-indicator="#help-results"' in form and 'hx-disabled-elt="#help-search-button"' in form
    block = client.get("/help?q=CONFIRM", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert block.lstrip().startswith('<section id="help-results"') and "<html" not in block
    assert "<html" in client.get("/help?q=CONFIRM").get_data(as_text=True)  # the pushed URL is a page too


@pytest.fixture
def employer_client(app, employer):
    client = app.test_client()
    login(client, employer.email, PASSWORD)
    registered(client)
    return client


def _url(rule, values: dict) -> str | None:
    try:
        return rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
    except KeyError:
        return None


def test_every_page_served_links_to_its_topic_in_the_header(app, client, employer_client, officer):
    """Walks the route map as a visitor, an employer and an officer: each HTML page has the help link, to
    the topic of its endpoint, small and in the header."""
    submission_id = confirmed_month(employer_client)  # and a month still a draft, for the pencil:
    draft = employer_client.post("/contribution/combined/open", data={
        "month": "2024-12", "type": "arrears", "csrf_token": csrf_token(employer_client, "/employer/dashboard")})
    draft_id = int(draft.headers["Location"].rsplit("/", 1)[1])
    values = {"submission_id": draft_id, "topic_id": "data-entry", "scheme": "combined", "code": "en",
              "line_id": SubmissionLine.select().where(SubmissionLine.submission == draft_id).first().id,
              "employment_id": Employment.select().first().id, "batch_id": Employment.select().first().batch_id,
              "token": "not-a-token", "year": 2024, "eft_scheme": "socso"}
    officer_client = app.test_client()
    login(officer_client, officer.email, PASSWORD)
    checked = {}
    for rule in app.url_map.iter_rules():
        if not content.is_page(rule.endpoint, rule.rule, rule.methods):
            continue
        confirmed = rule.endpoint in ("contributions.acknowledgement", "payment.cancel")
        url = _url(rule, {**values, "submission_id": submission_id} if confirmed else values)
        who = officer_client if rule.rule.startswith("/officer") else employer_client
        for browser in (who, client):
            response = browser.get(url) if url else None
            if response is None or response.status_code != 200 or response.mimetype != "text/html":
                continue
            html = response.get_data(as_text=True)
            link = HELP_LINK.search(html)
            assert link, f"{url}: no help link"
            assert link.group(1) == f"/help/{content.topic_for(rule.endpoint).id}", (url, rule.endpoint)
            checked[rule.endpoint] = url
    assert {"contributions.employees", "contributions.line", "contributions.acknowledgement", "payment.cancel",
            "payment.index",
            "employees.index", "calculator.index", "public.help_page", "public.help_topic", "auth.login",
            "employer.dashboard", "officer.applications", "registration.index", "statements.index",
            "statements.employee"} <= set(checked)
    assert len(checked) >= 20, sorted(checked)


def test_the_help_link_follows_the_language(client):
    english = client.get("/employer/login").get_data(as_text=True)
    assert re.search(r'href="/help/login" title="Log in to the ASSIST portal"><span aria-hidden="true">'
                     r'\?</span> Help</a>', english)
    client.get("/language/ms")
    malay = client.get("/employer/login").get_data(as_text=True)
    assert 'title="Log masuk Portal ASSIST"><span aria-hidden="true">?</span> Bantuan</a>' in malay
    assert "Log masuk dalam dua langkah" in client.get("/help/login").get_data(as_text=True)
