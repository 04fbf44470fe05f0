"""Headers, error pages, static files, languages and configuration."""

import gzip
import re
import subprocess
import sys
from pathlib import Path

import brotli
import pytest

from tests.conftest import PASSWORD
from tests.support import login
from webapp import config as app_config
from webapp import create_app


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers
    assert "Server" not in response.headers


def test_hsts_when_served_over_https(client):
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_no_inline_script_or_style_in_pages(client):
    html = client.get("/employer/login").get_data(as_text=True)
    assert "<style" not in html and " style=" not in html and " on" not in re.sub(r'"[^"]*"', "", html)
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts  # htmx and the portal's own script at least
    for script in scripts:
        assert 'src="/static/' in script


def test_logged_in_pages_are_not_stored(client, employer):
    assert client.get("/").headers.get("Cache-Control") != "no-store"
    login(client, employer.email, PASSWORD)
    for path in ("/employer/dashboard", "/", "/help"):
        assert client.get(path).headers["Cache-Control"] == "no-store"


def test_logged_in_pages_turn_off_htmx_history(client, employer):
    login(client, employer.email, PASSWORD)
    html = client.get("/employer/dashboard").get_data(as_text=True)
    assert 'hx-history="false"' in html
    assert '"historyCacheSize":0' in html


def test_404_page_has_a_correlation_id_and_no_traceback(client):
    response = client.get("/no/such/page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert response.headers["X-Request-ID"] in html


def test_htmx_errors_come_back_as_a_fragment_for_the_messages_area(client):
    response = client.get("/no/such/page", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert response.headers["HX-Retarget"] == "#messages"
    assert "<html" not in response.get_data(as_text=True)


def test_500_shows_a_reference_and_no_traceback(app, monkeypatch):
    monkeypatch.setitem(app.view_functions, "public.help_page", lambda: 1 / 0)
    response = app.test_client().get("/help")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "ZeroDivisionError" not in html and "Traceback" not in html
    assert response.headers["X-Request-ID"] in html


def test_static_files_are_hashed_compressed_and_cached_for_a_year(client):
    html = client.get("/employer/login").get_data(as_text=True)
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert len(urls) == 3
    for url in urls:
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", url)
        plain = client.get(url)
        assert "max-age=31536000" in plain.headers["Cache-Control"]
        assert "immutable" in plain.headers["Cache-Control"]
        compressed_br = client.get(url, headers={"Accept-Encoding": "br"})
        assert compressed_br.headers["Content-Encoding"] == "br"
        assert brotli.decompress(compressed_br.data) == plain.data
        compressed_gz = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert gzip.decompress(compressed_gz.data) == plain.data
        for response in (plain, compressed_br, compressed_gz):
            response.close()


def test_htmx_is_the_pinned_self_hosted_version(client):
    html = client.get("/").get_data(as_text=True)
    src = re.search(r'src="(/static/vendor/htmx-2\.0\.11\.min\.[0-9a-f]{12}\.js)"', html).group(1)
    response = client.get(src)
    assert b"2.0.11" in response.data
    response.close()


def test_html_is_compressed(client):
    response = client.get("/help", headers={"Accept-Encoding": "br, gzip"})
    assert response.headers["Content-Encoding"] == "br"


def test_language_switch_is_remembered_in_a_cookie(client):
    assert "NEXT" in client.get("/employer/login").get_data(as_text=True)
    response = client.get("/language/ms?next=/employer/login")
    assert response.status_code == 303 and response.headers["Location"] == "/employer/login"
    html = client.get("/employer/login").get_data(as_text=True)
    assert "SETERUSNYA" in html and 'lang="ms"' in html and "Log Masuk Majikan" in html
    assert client.get("/language/en?next=https://evil.example/").headers["Location"] == "/"


def test_malay_is_the_default_without_a_preference(app):
    client = app.test_client()
    client.environ_base.pop("HTTP_ACCEPT_LANGUAGE", None)
    assert "SETERUSNYA" in client.get("/employer/login").get_data(as_text=True)


def test_error_messages_follow_the_language(client, employer):
    client.get("/language/ms")
    response = login(client, employer.email, "wrong password!!")
    assert "Emel atau kata laluan tidak betul." in response.get_data(as_text=True)


def test_both_catalogues_are_complete():
    script = Path(__file__).resolve().parents[2] / "scripts" / "i18n.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_help_page_has_the_faq_and_hotline_in_both_languages(client):
    english = client.get("/help").get_data(as_text=True)
    assert "1-300-22-8000" in english and "How do I get an ID" in english
    client.get("/language/ms")
    malay = client.get("/help").get_data(as_text=True)
    assert "Bagaimana saya boleh dapatkan ID" in malay


@pytest.mark.parametrize("key", ["", "dev", "short"])
def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch, tmp_path, key):
    monkeypatch.setenv("ASSIST_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"INSTANCE_DIR": str(tmp_path)})


def test_production_config_uses_host_prefixed_secure_cookies(monkeypatch):
    monkeypatch.setenv("ASSIST_ENV", "production")
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    settings = app_config.from_environment()
    assert settings["SESSION_COOKIE_NAME"] == "__Host-session"
    assert settings["SESSION_COOKIE_SECURE"] and settings["SESSION_COOKIE_HTTPONLY"]
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_no_message_has_a_stray_percent_sign():
    """Jinja formats every translated message with %: a bare "6% a year" would print as "6{} year"."""
    import re as regex

    from babel.messages.pofile import read_po

    stray = regex.compile(r"%(?!\(\w+\)[sd]|%)")
    root = Path(__file__).resolve().parents[2] / "webapp" / "translations"
    for locale in ("ms", "en"):
        with (root / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            for message in read_po(fh):
                for text in (message.id, message.string):
                    assert not stray.search(text or ""), (locale, text)
