"""Error pages: htmx-aware, with a correlation id, never a traceback (ASVS 7.4.1 / 16.5.1)."""

import logging
import math
import time
from datetime import UTC, datetime, timedelta

from flask import current_app, g, render_template, request
from flask_babel import format_datetime, gettext
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from jinja2_fragments.flask import render_block
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError, NotFound

from webapp.services import hashing

log = logging.getLogger("assist.errors")


class DocumentMissing(NotFound):
    """A stored document whose file is not on the server (lost, or not restored with the database)."""


class NulCharacter(BadRequest):
    """A NUL character in the address or a form: not text (PostgreSQL refuses it), answered 400 at the door."""


def _titles():
    return {
        400: gettext("The request could not be accepted"),
        403: gettext("You may not open this page"),
        404: gettext("Page not found"),
        405: gettext("This action is not allowed here"),
        413: gettext("The file is too large"),
        422: gettext("Some details need correcting"),
        429: gettext("Too many attempts"),
        500: gettext("Something went wrong on our side"),
        503: gettext("Many employers are logging in right now"),
    }


def _explanations():
    return {
        400: gettext("The form may have expired. Go back, reload the page and try again."),
        403: gettext("Your account does not give access to this page."),
        404: gettext("The address may be mistyped, or the record is not yours."),
        405: gettext("Use the buttons on the page instead of typing the address."),
        413: gettext("Upload a file of at most 5 MB."),
        422: gettext("Go back and check what you entered."),
        429: gettext("For your security this step was tried too many times. Wait a while and try again."),
        500: gettext("Please try again. If it happens again, call the hotline and quote the reference below."),
        503: gettext("Wait a few seconds, then press the button again."),
    }


def render_error(code: int, title: str | None = None, explanation: str | None = None):
    context = {
        "code": code,
        "title": title or _titles().get(code, _titles()[500]),
        "explanation": explanation or _explanations().get(code, _explanations()[500]),
        "request_id": g.get("request_id", "-"),
    }
    try:
        if request.headers.get("HX-Request"):
            body = render_block("errors.html", "error", **context)
            return body, code, {"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"}
        return render_template("errors.html", **context), code
    except Exception:  # the error page itself failed: plain text, still with the reference
        log.exception("error page failed request_id=%s", context["request_id"])
        return f"Error {code}. Reference: {context['request_id']}", code, {"Content-Type": "text/plain"}


def _retry_at(error) -> datetime:
    """When the limit that was reached lets this request through again (naive UTC)."""
    seconds = error.limit.limit.get_expiry()
    for limiter in current_app.extensions.get("limiter", ()):
        current = limiter.current_limit
        if current is not None and current.breached:
            seconds = max(0, current.reset_at - time.time())
    # + 59 s: the page shows hours and minutes, so round up to the next whole minute
    return datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=math.ceil(seconds) + 59)


def init_app(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        log.warning("csrf refused request_id=%s path=%s: %s", g.get("request_id"), request.path,
                    error.description)
        return render_error(400)

    @app.errorhandler(DocumentMissing)
    def document_missing(error):
        return render_error(404, gettext("The file of this document is missing"), gettext(
            "The record is here but its file is not on the server. Call the hotline and quote the reference "
            "below: the branch can restore it from a backup, or you can upload the document again."))

    @app.errorhandler(NulCharacter)
    def nul_character(error):
        return render_error(400, explanation=gettext(
            "The address or the form contains a character that is not text (NUL). Remove it and try again."))

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(error):
        log.warning("rate limit reached request_id=%s path=%s limit=%s", g.get("request_id"), request.path,
                    error.description)
        return render_error(429, explanation=gettext(
            "For your security this step was tried too many times. Try again after %(time)s.",
            time=format_datetime(_retry_at(error), "h:mm a")))

    @app.errorhandler(hashing.Busy)
    def busy(error):
        log.warning("login shed: hash queue full request_id=%s", g.get("request_id"))
        body, code, *headers = render_error(503)
        return body, code, {**(headers[0] if headers else {}), "Retry-After": "5"}

    @app.errorhandler(HTTPException)
    def http_error(error):
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected(error):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unhandled error request_id=%s path=%s", g.get("request_id"), request.path)
        return render_error(InternalServerError.code)
