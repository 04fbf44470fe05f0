"""The ASSIST portal: `create_app()` builds the Flask application from the environment."""

import logging
import uuid

from flask import Flask, g
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp import (
    access,
    assets,
    cli,
    config,
    db,
    errors,
    i18n,
    mailer,
    parsing,
    ratelimits,
    reconciler,
    reminder_worker,
    rendering,
    security,
    tenancy,
)
from webapp.extensions import babel, compress, csrf, htmx, login_manager
from webapp.services import hashing


def create_app(overrides: dict | None = None) -> Flask:
    """Application factory (flaskr style): configuration, extensions, blueprints, error pages, CLI."""
    app = Flask(__name__, static_folder=None)
    app.config.update(config.from_environment(overrides))
    config.check(app.config)
    app.config.setdefault("LOGIN_URL", app.config["PUBLIC_URL"].rstrip("/") + "/employer/login")
    hashing.configure(app.config["ARGON2_PROFILE"], app.config["HASH_CONCURRENCY"], app.config["HASH_QUEUE"])
    parsing.init_app(app)  # the id converter, before any route is added
    register_extensions(app)
    register_blueprints(app)
    ratelimits.init_app(app)  # wraps the views marked @limited, so after the blueprints
    errors.init_app(app)
    register_request_id(app)
    register_mail_worker(app)
    register_payment_worker(app)
    register_reminder_worker(app)
    cli.init_app(app)
    if app.config["TRUSTED_PROXIES"] and app.config["PROXY_FIX"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    assets.init_app(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    app.config.setdefault("COMPRESS_MIMETYPES", ["text/html", "text/css", "application/javascript",
                                                  "application/json", "text/plain", "text/csv"])
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    # Pages are compressed as they are sent (static files are compressed once, by WhiteNoise): brotli at
    # quality 2 costs a third of quality 4's time for about 7% more bytes (2.5 KB instead of 2.3 KB).
    app.config.setdefault("COMPRESS_BR_LEVEL", 2)
    compress.init_app(app)
    i18n.prepare(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=lambda: "Asia/Kuala_Lumpur")
    i18n.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = None  # the server-side session row is the protection
    security.init_app(app)
    access.init_app(app)
    tenancy.init_app(app)
    app.jinja_env.globals["link"] = rendering.link
    app.jinja_env.context_class = rendering.QuickContext


def register_blueprints(app: Flask) -> None:
    from webapp.views import (
        auth,
        calculator,
        contributions,
        direct_debit,
        eft,
        employees,
        employer,
        fpx,
        fpx_payment,
        mandates,
        officer,
        officer_eft,
        officer_employers,
        officer_payments,
        payment,
        payment_history,
        portal_id,
        public,
        registration,
        statements,
        team,
    )

    for module in (public, auth, portal_id, officer, officer_employers, officer_payments, employer, calculator,
                   registration, employees, contributions, payment, fpx_payment, fpx, team, statements, eft,
                   officer_eft, mandates, direct_debit, payment_history):
        app.register_blueprint(module.bp)
    from webapp.views import counter, officer_collections  # issue 12: the bank counter (QRG 8)

    for module in (counter, officer_collections):
        app.register_blueprint(module.bp)


def register_request_id(app: Flask) -> None:
    """A correlation id on every request: in the logs, in the X-Request-ID header and on error pages."""

    @app.before_request
    def assign():
        g.request_id = uuid.uuid4().hex[:12]

    @app.after_request
    def expose(response):
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
        return response

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # fpdf2's font subsetting logs every PDF at INFO


def register_reminder_worker(app: Flask) -> None:
    """Send the reminders due, once at the first request and then every REMINDER_POLL_SECONDS."""
    if not app.config["REMINDER_WORKER"]:
        return
    state = {"started": False}

    @app.before_request
    def start_reminders_once():
        if not state["started"]:
            state["started"] = True
            reminder_worker.start(app.config)


def register_mail_worker(app: Flask) -> None:
    """Start the outbox delivery thread with the first request (not for CLI commands)."""
    if not app.config["MAIL_WORKER"]:
        return
    state = {"started": False}

    @app.before_request
    def start_once():
        if not state["started"]:
            state["started"] = True
            mailer.start_worker(app.config)


def register_payment_worker(app: Flask) -> None:
    """Start the FPX reconciliation thread with the first request, like the mail worker (off with
    PAYMENT_WORKER=0 when `flask reconcile-payments --loop` runs as its own service)."""
    if not app.config["PAYMENT_WORKER"]:
        return
    state = {"started": False}

    @app.before_request
    def start_payment_worker_once():
        if not state["started"]:
            state["started"] = True
            reconciler.start_worker(app.config)
