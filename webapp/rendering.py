"""Render a whole page, or one of its blocks for a targeted htmx request (DESIGN.md, Pages and partials)."""

from types import BuiltinFunctionType, BuiltinMethodType, FunctionType, MethodType

from flask import Response, current_app, make_response, redirect, render_template, request, url_for
from jinja2.runtime import Context
from jinja2.utils import _PassArg
from jinja2_fragments.flask import render_block

from webapp.extensions import htmx

LINKS_KEPT = 1000
_links: dict = {}


def link(endpoint: str, **values) -> str:
    """`url_for` for the links pages repeat (the menu, the header, a page's buttons and rows), without its
    cost (about 10 us a call, and the header alone has fifteen). Int values (ids) are written into the
    endpoint's pattern, built once; other values must be fixed ones (never from the request), as each
    combination is kept."""
    if values and all(type(value) is int for value in values.values()):
        pieces, tail, keys = _pattern(request.script_root, endpoint, tuple(values))
        return "".join([f"{piece}{values[key]}" for piece, key in zip(pieces, keys, strict=True)]) + tail
    key = (request.script_root, endpoint, *sorted(values.items()))
    url = _links.get(key)
    if url is None:
        url = url_for(endpoint, **values)
        if len(_links) < LINKS_KEPT:
            _links[key] = url
    return url


def link_around(endpoint: str, key: str, **values) -> tuple[str, str]:
    """The link to `endpoint` (int `values`) cut where the int `key` goes: (before, after). A list writes
    `before ~ row.id ~ after` in each row."""
    marker = _MARKER - 1
    before, _, after = link(endpoint, **{key: marker}, **values).partition(str(marker))
    return before, after


_MARKER = 8_191_819_181  # an id no table reaches, to find where the ids go in a link


def _pattern(script_root: str, endpoint: str, keys: tuple) -> tuple[tuple, str, tuple]:
    """(the pieces before each id, what follows the last, the keys in the order they appear), built once."""
    found = _links.get((script_root, endpoint, keys))
    if found is None:
        markers = {key: str(_MARKER + n) for n, key in enumerate(keys)}
        rest = url_for(endpoint, **{key: int(marker) for key, marker in markers.items()})
        order = tuple(sorted(keys, key=lambda key: rest.index(markers[key])))
        pieces = []
        for key in order:
            piece, _, rest = rest.partition(markers[key])
            pieces.append(piece)
        found = _links[(script_root, endpoint, keys)] = (tuple(pieces), rest, order)
    return found


class QuickContext(Context):
    """Jinja's template context (`Environment.context_class`), calling a plain function the short way.

    Jinja checks every call from a template for a callable that wants the context, the environment or the
    eval context; a page makes about 150 calls (`_()`, `link()`, `csrf_token()`...) and most are plain
    functions. Those are called directly, as Jinja itself would end up doing; anything else takes Jinja's way.
    """

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature (keywords may be "self")
        if type(__obj) not in _PLAIN_CALLABLES:
            return super().call(__obj, *args, **kwargs)
        wants = getattr(__obj, "jinja_pass_arg", None)
        if wants is _PassArg.eval_context:  # `_()`: the template's autoescape decides between Markup and text
            args = (__self.eval_ctx, *args)
        elif wants is not None:
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception")


_PLAIN_CALLABLES = frozenset((FunctionType, MethodType, BuiltinFunctionType, BuiltinMethodType))


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
