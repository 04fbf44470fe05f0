"""Rate limits (Flask-Limiter) on the steps people can automate: the two login steps, Forgot Password and
Search Existing Employee (security.md C.4; ASVS 11.1.4 / 2.4.1).

- Counters live in RATELIMIT_STORAGE_URI: `memory://` on one server (one waitress process), a Redis URL
  (`redis://host:6379/0`) when several processes or servers must share them. If Redis stops answering, the
  counters fall back to memory instead of failing requests.
- Never IP address alone on login: counter kiosks of a branch share one address. Login and Forgot Password
  count per email address *and* IP address; the per-IP ceilings skip kiosk networks (KIOSK_NETWORKS /
  KIOSK_MODE). The account lockout itself is in the database (services/auth.py), not here.
- Search Existing Employee shows a person's name, birth date and gender for a MyKad: it is capped per
  account (not per IP), and SAVE on the employee form, which looks the number up too, shares that cap.
- Over a limit the answer is status 429 with the portal's error page or fragment (errors.py), in the
  user's language.

Views name their rules with `@limited(...)`; `init_app` builds one Limiter per application (tests build apps
with limits on and off side by side) and wraps the marked views with the limits configured for that app.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user

from webapp.access import is_kiosk_terminal


def _email() -> str:
    return (request.form.get("email") or "").strip().lower()


def _email_and_address() -> str:
    return f"{_email()}|{get_remote_address()}"


def _account() -> str:
    return f"account:{current_user.id}" if current_user.is_authenticated else ""


def _posted_step(step: str) -> Callable[[], bool]:
    def applies() -> bool:
        posted = request.form.get("step") or "email"
        return request.method == "POST" and posted == step
    return applies


def _is_post() -> bool:
    return request.method == "POST"


@dataclass(frozen=True)
class Rule:
    setting: str  # the config key holding the limit, e.g. "10 per 15 minutes"
    key: Callable[[], str]  # whose counter a request counts on
    applies: Callable[[], bool]  # which requests count
    failures_only: bool = False  # count only answers with status 400 and above
    kiosk_exempt: bool = False  # not counted from kiosk networks (IP-only limits)


RULES = {
    "login-email": Rule("RATELIMIT_LOGIN_EMAIL", get_remote_address, _posted_step("email"), kiosk_exempt=True),
    "login-password": Rule("RATELIMIT_LOGIN_PASSWORD", _email_and_address, _posted_step("password"),
                           failures_only=True),
    "login-password-ip": Rule("RATELIMIT_LOGIN_PASSWORD_IP", get_remote_address, _posted_step("password"),
                              failures_only=True, kiosk_exempt=True),
    "forgot-password": Rule("RATELIMIT_FORGOT_PASSWORD", _email_and_address, _is_post),
    "forgot-password-ip": Rule("RATELIMIT_FORGOT_PASSWORD_IP", get_remote_address, _is_post, kiosk_exempt=True),
    "employee-search": Rule("RATELIMIT_EMPLOYEE_SEARCH", _account, _is_post),
}


def limited(*names: str):
    """Mark a view with the rules (keys of RULES) that limit it; init_app applies them."""
    unknown = set(names) - set(RULES)
    if unknown:
        raise KeyError(f"unknown rate-limit rules: {sorted(unknown)}")

    def mark(view):
        view.rate_limit_rules = names
        return view

    return mark


def _exempt(rule: Rule) -> Callable[[], bool]:
    return lambda: not rule.applies() or (rule.kiosk_exempt and is_kiosk_terminal())


def init_app(app) -> None:
    """Create this app's Limiter and wrap every view marked with @limited (after the blueprints)."""
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)  # Retry-After on a 429
    limiter = Limiter(get_remote_address, storage_uri=app.config["RATELIMIT_STORAGE_URI"],
                      strategy="moving-window", in_memory_fallback_enabled=True,
                      enabled=app.config["RATELIMIT_ENABLED"])
    limiter.init_app(app)
    if not app.config["RATELIMIT_ENABLED"]:
        return
    for endpoint, view in list(app.view_functions.items()):
        names = getattr(view, "rate_limit_rules", ())
        for name in names:
            rule = RULES[name]
            view = limiter.shared_limit(
                lambda setting=rule.setting: current_app.config[setting], scope=name, key_func=rule.key,
                exempt_when=_exempt(rule),
                deduct_when=(lambda response: response.status_code >= 400) if rule.failures_only else None,
            )(view)
        app.view_functions[endpoint] = view
