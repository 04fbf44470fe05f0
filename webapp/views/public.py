"""Public pages: home, help (FAQ and hotline), and the language switch."""

from flask import Blueprint, current_app, make_response, redirect, render_template, request
from flask_login import current_user

from webapp.i18n import COOKIE, LANGUAGES
from webapp.services import auth
from webapp.views import safe_next

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    return render_template("public/home.html",
                           has_calculator="calculator.index" in current_app.view_functions)


@bp.get("/help")
def help_page():
    return render_template("public/help.html")


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
