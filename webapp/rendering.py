"""Render a whole page, or one of its blocks for a targeted htmx request (DESIGN.md, Pages and partials)."""

from flask import Response, current_app, make_response, redirect, render_template, request
from jinja2_fragments.flask import render_block

from webapp.extensions import htmx


def wants_partial() -> bool:
    """A targeted htmx request gets a block; a full or boosted request gets the page."""
    return bool(htmx) and not htmx.boosted


def render(template: str, block: str | None = None, status: int = 200, **context) -> Response:
    """The page, or only `block` of it when htmx asked for a part, as a Response with `status`."""
    if not isinstance(status, int):
        raise TypeError("status must be an HTTP status code (is a template variable named 'status'?)")
    if block and wants_partial():
        return make_response(render_block(template, block, **context), status)
    return make_response(render_template(template, **context), status)


def form_errors(form, status: int = 422):
    """The status for a form that failed validation: 422, which the htmx config lets it swap."""
    return status if form.errors else 200


def go(target: str, htmx_status: int = 204) -> Response:
    """After a change (or to send someone elsewhere): 303 to `target`; an htmx request gets HX-Redirect with
    `htmx_status`, so the whole page changes instead of a part of it."""
    if request.headers.get("HX-Request"):
        response = current_app.response_class(status=htmx_status)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target, 303)
