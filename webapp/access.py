"""Who is logged in (server-side sessions behind Flask-Login) and what they may reach."""

import ipaddress
from functools import wraps

from flask import abort, current_app, g, request, session, url_for
from flask_login import current_user, login_user

from webapp.extensions import login_manager
from webapp.rendering import go
from webapp.services import sessions

# Endpoints a user with a temporary password, or without accepted terms, may still reach.
ALWAYS_OPEN = {"static", "public.language", "auth.logout", "auth.logged_out", "auth.keepalive"}
PASSWORD_STEP = ALWAYS_OPEN | {"auth.change_password"}
TERMS_STEP = ALWAYS_OPEN | {"auth.terms"}


def timeouts() -> sessions.Timeouts:
    cfg = current_app.config
    return sessions.Timeouts(idle=cfg["IDLE_TIMEOUT"], kiosk_idle=cfg["KIOSK_IDLE_TIMEOUT"],
                             absolute=cfg["ABSOLUTE_TIMEOUT"])


def is_kiosk_terminal() -> bool:
    """A counter terminal: the whole server is in kiosk mode, or the request comes from a kiosk network."""
    cfg = current_app.config
    if cfg["KIOSK_MODE"]:
        return True
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in cfg["KIOSK_NETWORKS"])


def idle_seconds() -> int:
    """The idle timeout of the current session, for the warning script."""
    return int(timeouts().idle_for(current_user.auth_session).total_seconds())


def sign_in(user, token: str) -> None:
    """Bind the browser to a new server-side session: a fresh cookie, nothing kept from before."""
    session.clear()
    user.session_token = token
    login_user(user)
    session.permanent = True


POLL_HEADER = "X-Assist-Poll"  # set by a page that refreshes itself (hx-headers): not the user's activity


@login_manager.user_loader
def load_user(token: str):
    live = sessions.resolve(token, timeouts(), activity=request.headers.get(POLL_HEADER) != "1")
    if live is None:
        g.session_ended = True
        return None
    user = live.user
    user.auth_session = live
    user.session_token = token
    return user


@login_manager.unauthorized_handler
def unauthorized():
    if g.get("session_ended"):
        session.pop("_user_id", None)
    target = url_for("auth.login", next=request.full_path if request.method == "GET" else None,
                     ended=1 if g.get("session_ended") else None)
    return go(target, htmx_status=401)


def init_app(app) -> None:
    app.jinja_env.globals["idle_seconds"] = idle_seconds

    @app.before_request
    def enforce_first_login_steps():
        """Temporary password first, then the terms: nothing else is reachable until both are done."""
        user = current_user._get_current_object()  # one proxy lookup, not five
        if not user.is_authenticated or request.endpoint is None:
            return None
        if user.password_is_temporary and request.endpoint not in PASSWORD_STEP:
            return _step_redirect("auth.change_password")
        if (not user.password_is_temporary and user.role == "employer"
                and user.terms_accepted_at is None and request.endpoint not in TERMS_STEP):
            return _step_redirect("auth.terms")
        return None


def _step_redirect(endpoint: str):
    return go(url_for(endpoint))


def role_required(role: str):
    """Logged in with `role`; another role gets 403 (officer pages) or 404 (employer data)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = current_user._get_current_object()
            if not user.is_authenticated:
                return login_manager.unauthorized()
            if user.role != role:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


employer_required = role_required("employer")
officer_required = role_required("officer")
