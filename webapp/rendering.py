"""Render a whole page, or one of its blocks for a targeted htmx request (DESIGN.md, Pages and partials)."""

from flask import current_app, redirect, render_template, request
from jinja2_fragments.flask import render_block

from webapp.extensions import htmx


def wants_partial() -> bool:
    """A targeted htmx request gets a block; a full or boosted request gets the page."""
    return bool(htmx) and not htmx.boosted


def render(template: str, block: str | None = None, status: int = 200, **context):
    """The page, or only `block` of it when htmx asked for a part. Returns (body, status)."""
    if not isinstance(status, int):
        raise TypeError("status must be an HTTP status code (is a template variable named 'status'?)")
    if block and wants_partial():
        return render_block(template, block, **context), status
    return render_template(template, **context), status


def form_errors(form, status: int = 422):
    """The status for a form that failed validation: 422, which the htmx config lets it swap."""
    return status if form.errors else 200


def go(target: str):
    """After a change: 303 to `target`; an htmx request gets HX-Redirect so the whole page changes."""
    if request.headers.get("HX-Request"):
        response = current_app.response_class(status=204)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target, 303)
