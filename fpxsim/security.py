"""Response headers of the exchange's pages: no framing (FPX forbids iframes), scripts from itself only."""

from urllib.parse import urlsplit

from flask import current_app


def add_headers(response):
    if response.mimetype == "text/html":
        url = urlsplit(current_app.extensions["fpxsim"].settings.indirect_ac_url)
        merchant = f"{url.scheme}://{url.netloc}"
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
            f"form-action 'self' {merchant}; connect-src {merchant}; frame-ancestors 'none'; base-uri 'none'")
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
