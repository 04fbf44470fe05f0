"""Error pages: htmx-aware, with a correlation id, never a traceback (ASVS 7.4.1 / 16.5.1)."""

import logging

from flask import g, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from jinja2_fragments.flask import render_block
from werkzeug.exceptions import HTTPException, InternalServerError

from webapp.services import hashing

log = logging.getLogger("assist.errors")


def _titles():
    return {
        400: gettext("The request could not be accepted"),
        403: gettext("You may not open this page"),
        404: gettext("Page not found"),
        405: gettext("This action is not allowed here"),
        413: gettext("The file is too large"),
        422: gettext("Some details need correcting"),
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
        500: gettext("Please try again. If it happens again, call the hotline and quote the reference below."),
        503: gettext("Wait a few seconds, then press the button again."),
    }


def render_error(code: int):
    context = {
        "code": code,
        "title": _titles().get(code, _titles()[500]),
        "explanation": _explanations().get(code, _explanations()[500]),
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


def init_app(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        log.warning("csrf refused request_id=%s path=%s: %s", g.get("request_id"), request.path,
                    error.description)
        return render_error(400)

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
