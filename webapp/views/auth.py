"""Two-step login (email, NEXT, password, LOGIN), logout, passwords and the terms of use (QRG 1)."""

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_babel import format_datetime, gettext
from flask_login import current_user, login_required, logout_user

from core.errors import NotFound, ValidationError
from webapp.access import is_kiosk_terminal, sign_in
from webapp.forms.auth import ChangePasswordForm, EmailStepForm, NewPasswordForm, PasswordStepForm, PlainForm
from webapp.i18n import translate_error
from webapp.ratelimits import limited
from webapp.rendering import form_errors, go, render
from webapp.services import auth, sessions
from webapp.views import safe_next

bp = Blueprint("auth", __name__)


def _home_for(user) -> str:
    if user.role == "teller":  # a bank teller: the counter, nothing else (webapp.views.counter)
        return url_for("counter.index")
    return url_for("officer.applications") if user.is_officer else url_for("employer.dashboard")


@bp.route("/employer/login", methods=["GET", "POST"])
@limited("login-email", "login-password", "login-password-ip")
def login():
    if current_user.is_authenticated:
        return redirect(_home_for(current_user), 303)
    next_url = safe_next(request.values.get("next"), "")
    if request.method == "GET" or request.form.get("step") != "password":
        form = EmailStepForm()
        if request.method == "POST" and form.validate_on_submit():
            # The same answer for every well-formed email: nothing is looked up at this step.
            return render("auth/login.html", "login_form", form=PasswordStepForm(email=form.email.data),
                          step="password", next_url=next_url)
        if request.args.get("ended"):
            flash(gettext("Your session has ended. Please log in again."), "info")
        return render("auth/login.html", "login_form", form_errors(form), form=form, step="email",
                      next_url=next_url)
    form = PasswordStepForm()
    if form.validate_on_submit():
        try:
            user, token = auth.authenticate(form.email.data, form.password.data, current_app.config,
                                            kiosk=is_kiosk_terminal(),
                                            user_agent=request.user_agent.string)
        except auth.AccountLocked as exc:
            until = format_datetime(exc.locked_until, "h:mm a, dd/MM/yyyy")
            form.password.errors.append(gettext(
                "Too many wrong passwords. Your account is locked until %(time)s. Try again then, or call "
                "the hotline %(hotline)s.", time=until, hotline=current_app.config["HOTLINE"]))
        except auth.LoginFailed as exc:
            form.password.errors.append(translate_error(exc))
        else:
            sign_in(user, token)
            return go(safe_next(next_url, _home_for(user)))
    return render("auth/login.html", "login_form", 422, form=form, step="password", next_url=next_url)


@bp.post("/employer/logout")
def logout():
    """End the session on the server and clear what the browser kept (kiosk back button shows nothing)."""
    if current_user.is_authenticated:
        sessions.revoke(current_user.auth_session, "logout")
    logout_user()
    session.clear()
    reason = "idle" if request.form.get("reason") == "idle" else None
    response = redirect(url_for("auth.logged_out", reason=reason), 303)
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    response.delete_cookie(current_app.config["SESSION_COOKIE_NAME"])
    return response


@bp.get("/employer/logged-out")
def logged_out():
    response = render("auth/logged_out.html", idle=request.args.get("reason") == "idle")
    response.headers.update({"Clear-Site-Data": '"cache", "storage"', "Cache-Control": "no-store"})
    return response


@bp.post("/session/keepalive")
@login_required
def keepalive():
    """The "Stay logged in" button of the idle warning."""
    sessions.touch(current_user.auth_session)
    return "", 204


@bp.route("/employer/change-password", methods=["GET", "POST"])
@login_required
def change_password():
    temporary = current_user.password_is_temporary
    form = NewPasswordForm() if temporary else ChangePasswordForm()
    if form.validate_on_submit():
        try:
            token = auth.change_password(
                current_user._get_current_object(), form.password.data, kiosk=current_user.auth_session.kiosk,
                current_password=None if temporary else form.current_password.data,
                user_agent=request.user_agent.string)
        except (ValidationError, auth.LoginFailed) as exc:
            getattr(form, exc.field or "password").errors.append(translate_error(exc))
        else:
            user = current_user._get_current_object()
            sign_in(user, token)
            flash(gettext("Your password has been changed."), "success")
            return go(url_for("auth.terms") if user.role == "employer" and not user.terms_accepted_at
                       else _home_for(user))
    return render("auth/change_password.html", "password_form", form_errors(form), form=form,
                  temporary=temporary)


@bp.route("/employer/terms", methods=["GET", "POST"])
@login_required
def terms():
    form = PlainForm()
    if form.validate_on_submit():
        auth.accept_terms(current_user._get_current_object())
        return go(url_for("employer.dashboard"))
    return render("auth/terms.html", form=form, accepted=current_user.terms_accepted_at)


@bp.route("/employer/forgot-password", methods=["GET", "POST"])
@limited("forgot-password", "forgot-password-ip")
def forgot_password():
    form = EmailStepForm()
    if form.validate_on_submit():
        auth.request_reset(form.email.data, current_app.config,
                           lambda token: current_app.config["PUBLIC_URL"].rstrip("/")
                           + url_for("auth.reset_password", token=token))
        return render("auth/forgot_password.html", "forgot_form", form=form, sent=True)
    return render("auth/forgot_password.html", "forgot_form", form_errors(form), form=form, sent=False)


@bp.route("/employer/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        auth.find_reset(token)
    except NotFound as exc:
        return render("auth/reset_password.html", expired=translate_error(exc), form=None)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            auth.reset_password(token, form.password.data)
        except NotFound as exc:
            return render("auth/reset_password.html", expired=translate_error(exc), form=None)
        except ValidationError as exc:
            form.password.errors.append(translate_error(exc))
        else:
            flash(gettext("Your password has been changed. Log in with the new password."), "success")
            return go(url_for("auth.login"))
    return render("auth/reset_password.html", "reset_form", form_errors(form), form=form, expired=None)

