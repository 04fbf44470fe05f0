"""Public pages: home, help (the QRG steps of every page, the FAQ, a search), and the language switch."""

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request
from flask_login import current_user

from webapp import help as content
from webapp.help import search
from webapp.i18n import COOKIE, LANGUAGES, select_locale
from webapp.rendering import render
from webapp.services import auth
from webapp.views import safe_next

bp = Blueprint("public", __name__)
bp.add_app_template_filter(content.markup, "help_markup")


@bp.app_template_global("help_topic")
def help_topic_of_page():
    """The help topic of the page being rendered (webapp.help.topic_for), for the link in the header."""
    return content.topic_for(request.endpoint)


@bp.get("/")
def home():
    return render_template("public/home.html",
                           has_calculator="calculator.index" in current_app.view_functions)


def _search_context() -> dict:
    """The query (`q`, read as words: see webapp.help.search) and its results in the current language."""
    query = (request.args.get("q") or "")[:search.MAX_QUERY].strip()
    engine = current_app.config.get("HELP_SEARCH", "auto")
    return {"query": query, "hits": search.search(query, select_locale(), engine) if query else [],
            "engine": search.index(engine).engine, "steps": content.steps(), "faq": content.faq()}


@bp.get("/help")
def help_page():
    """Every QRG step and the FAQ; with `?q=` the topics that match, as a page or (htmx) the results block."""
    return render("public/help.html", "results", **_search_context())


@bp.get("/help/<topic_id>")
def help_topic(topic_id: str):
    """One topic: the QRG section and its steps with the button labels, in the current language."""
    topic = content.get(topic_id)
    if topic is None:
        abort(404)
    return render("public/help_topic.html", topic=topic, text=topic.text(select_locale()), query="",
                  steps=content.steps(), built=content.built(topic, current_app.view_functions))


@bp.get("/language/<code>")
def language(code: str):
    """Switch language and return to the same page; the choice is kept in a cookie for a year."""
    if code not in LANGUAGES:
        code = "ms"
    if current_user.is_authenticated:  # emails (reminders) follow the language chosen on the portal
        auth.set_language(current_user._get_current_object(), code)
    response = make_response(redirect(safe_next(request.args.get("next"), "/"), 303))
    response.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)
    return response
