"""Response headers for every page (ASVS 14.4 / 3.4) and no-store for logged-in users (ASVS 8.2.1)."""

from flask import request
from flask_login import current_user

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def init_app(app) -> None:
    @app.after_request
    def set_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        headers["X-Frame-Options"] = "DENY"
        if request.is_secure:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if current_user and current_user.is_authenticated:
            headers["Cache-Control"] = "no-store"
        elif response.mimetype == "text/html" and "Cache-Control" not in headers:
            headers["Cache-Control"] = "no-cache"
        headers.add("Vary", "HX-Request")
        headers.pop("Server", None)
        return response


def allow_form_to(response, origin: str):
    """The page's CSP with `origin` added to form-action: a form the browser posts to the payment exchange
    (Chromium applies form-action to its redirects too). Returns the response."""
    response.headers["Content-Security-Policy"] = f"{CSP} {origin}"
    return response
