"""Configuration from the environment. Every variable is listed in README.md."""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

from core.errors import ValidationError
from core.money import parse_ringgit

ROOT = Path(__file__).resolve().parent.parent
INSECURE_KEYS = {"", "dev", "change-me", "development-only-secret"}


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _networks(value: str) -> list:
    return [ipaddress.ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip()]


def from_environment(overrides: dict | None = None) -> dict:
    """Build the Flask config dict: environment first, then `overrides` (used by tests)."""
    env = os.environ.get("ASSIST_ENV", "production")
    instance = Path(os.environ.get("ASSIST_INSTANCE", ROOT / "instance"))
    secure_cookies = _bool("SESSION_COOKIE_SECURE", env == "production")
    config = {
        "ASSIST_ENV": env,
        "INSTANCE_DIR": str(instance),
        "SECRET_KEY": os.environ.get("SECRET_KEY", "development-only-secret" if env != "production" else ""),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{instance / 'assist.sqlite3'}"),
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR", str(instance / "uploads")),
        # The address users see, in emailed links; unset, it follows where `python -m webapp.serve` listens.
        "PUBLIC_URL": os.environ.get("PUBLIC_URL") or (
            f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"),
        # Sessions: a signed cookie that names a server-side session row (revocable).
        "SESSION_COOKIE_NAME": "__Host-session" if secure_cookies else "assist-session",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "SESSION_REFRESH_EACH_REQUEST": False,  # the row keeps the idle clock; re-signing every response is waste
        "IDLE_TIMEOUT": timedelta(minutes=int(os.environ.get("IDLE_TIMEOUT_MINUTES", "30"))),
        "ABSOLUTE_TIMEOUT": timedelta(hours=12),
        "KIOSK_MODE": _bool("KIOSK_MODE", False),
        "KIOSK_NETWORKS": _networks(os.environ.get("KIOSK_NETWORKS", "")),
        "KIOSK_IDLE_TIMEOUT": timedelta(minutes=3),
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "PROXY_FIX": True,  # werkzeug's ProxyFix for TRUSTED_PROXIES; webapp.serve turns it off (waitress does it)
        # Uploads: 5 MiB per document; a little more for the rest of the form.
        "MAX_DOCUMENT_BYTES": 5 * 1024 * 1024,
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024 + 64 * 1024,
        "CLAMDSCAN": os.environ.get("CLAMDSCAN", ""),  # e.g. "clamdscan": scan every upload, refuse on a hit
        # Rate limits (Flask-Limiter): memory on one server, Redis when several share the counters.
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_LOGIN_EMAIL": "30 per minute",  # email step, per IP address (kiosk networks exempt)
        "RATELIMIT_LOGIN_PASSWORD": "10 per 15 minutes",  # wrong passwords, per email address and IP address
        "RATELIMIT_LOGIN_PASSWORD_IP": "100 per hour",  # wrong passwords, per IP address (kiosks exempt)
        "RATELIMIT_FORGOT_PASSWORD": "5 per hour",  # per email address and IP address
        "RATELIMIT_FORGOT_PASSWORD_IP": "30 per hour",  # per IP address (kiosks exempt)
        "RATELIMIT_EMPLOYEE_SEARCH": os.environ.get("EMPLOYEE_SEARCH_LIMIT", "100 per hour"),  # per account
        # CSRF: Flask-WTF, token in a meta tag for htmx, field for plain forms.
        "WTF_CSRF_TIME_LIMIT": 12 * 3600,
        # Mail: an outbox table delivered over SMTP; "console" prints instead (development).
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", "console" if env == "development" else "smtp"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "127.0.0.1"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_STARTTLS": _bool("MAIL_STARTTLS", False),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "ASSIST PERKESO <no-reply@assist.perkeso.test>"),
        "MAIL_WORKER": _bool("MAIL_WORKER", True),
        "MAIL_POLL_SECONDS": float(os.environ.get("MAIL_POLL_SECONDS", "5")),
        # Reminders before the 15th and after it: a thread in the web process, or `send-reminders --loop`.
        "REMINDER_WORKER": _bool("REMINDER_WORKER", True),
        "REMINDER_POLL_SECONDS": float(os.environ.get("REMINDER_POLL_SECONDS", "3600")),
        # /help's search: "auto" (SQLite FTS5 in memory when Python's sqlite3 has it), "fts5" or "plain".
        "HELP_SEARCH": os.environ.get("HELP_SEARCH", "auto"),
        # Password hashing: argon2id, RFC 9106 low-memory profile unless tests ask for the cheapest.
        "ARGON2_PROFILE": os.environ.get("ARGON2_PROFILE", "RFC_9106_LOW_MEMORY"),
        # At most this many hashes at once (64 MiB and a core each); a login waits its turn. 0: the cores.
        "HASH_CONCURRENCY": int(os.environ.get("HASH_CONCURRENCY", "0")),
        "HASH_QUEUE": int(os.environ.get("HASH_QUEUE", "16")),  # logins that may wait for a hash (then 503)
        "TEMP_PASSWORD_LIFETIME": timedelta(hours=72),
        "RESET_LINK_LIFETIME": timedelta(minutes=30),
        "LOCKOUT_THRESHOLD": 5,
        "LOCKOUT_BASE": timedelta(minutes=15),
        "HOTLINE": "1-300-22-8000",
        # FPX (payments.md A): only URLs, the ids PayNet issues and the key and certificate paths. FPX_URL is the
        # exchange (https://uat.mepsfpx.com.my, production https://www.mepsfpx.com.my, or the simulator).
        **fpx_settings(instance),
        "PAYMENT_WORKER": _bool("PAYMENT_WORKER", True),  # AE reconciliation in a thread of the web process
        "PAYMENT_POLL_SECONDS": float(os.environ.get("PAYMENT_POLL_SECONDS", "30")),
        # EFT (QRG 6): a payment above this many ringgit is verified by two different officers (maker-checker).
        "EFT_SECOND_OFFICER_ABOVE": os.environ.get("EFT_SECOND_OFFICER_ABOVE", "10000.00"),
        "BABEL_DEFAULT_LOCALE": "ms",
        "STATIC_BUILD_DIR": str(instance / "static-build"),
    }
    config.update(overrides or {})
    return config


FPX_PATHS = {"FPX_AR_URL": "/FPXMain/seller2DReceiver.jsp", "FPX_AE_URL": "/FPXMain/sellerNVPTxnStatus.jsp",
             "FPX_BE_URL": "/FPXMain/RetrieveBankList",
             # e-Mandate (direct debit, QRG 7): the simulator's paths ([SIM-DEFINED]); set each for PayNet's
             "FPX_MANDATE_ENROL_URL": "/_sim/mandate/enrol", "FPX_MANDATE_DEBIT_URL": "/_sim/mandate/debit",
             "FPX_MANDATE_TERMINATE_URL": "/_sim/mandate/terminate", "FPX_CANCEL_URL": "/FPXMain/sellerReqCancel.jsp"}


def fpx_settings(instance: Path) -> dict:
    """FPX_* settings: the exchange's URL (each endpoint may be given on its own), the Seller and Exchange IDs,
    the merchant's private key and FPX's certificate (`fpxuat_current.cer` / `fpxprod_current.cer`)."""
    base = os.environ.get("FPX_URL", "").rstrip("/")
    settings = {name: os.environ.get(name) or (base + path if base else "") for name, path in FPX_PATHS.items()}
    return {
        **settings,
        "FPX_SELLER_ID": os.environ.get("FPX_SELLER_ID", ""),
        "FPX_EXCHANGE_ID": os.environ.get("FPX_EXCHANGE_ID", ""),
        "FPX_SELLER_BANK_CODE": os.environ.get("FPX_SELLER_BANK_CODE", "01"),
        "FPX_MERCHANT_KEY": os.environ.get("FPX_MERCHANT_KEY", str(instance / "fpx" / "merchant.key")),
        "FPX_CERTIFICATE": os.environ.get("FPX_CERTIFICATE", str(instance / "fpx" / "fpx_current.cer")),
        "FPX_SIM_ENABLED": _bool("FPX_SIM_ENABLED", False),
    }


def check(config: dict) -> None:
    """Refuse to start in production without a real secret key, or pointed at the FPX simulator; anywhere with
    an EFT threshold that is not an amount."""
    if config["ASSIST_ENV"] == "production" and config.get("FPX_SIM_ENABLED"):
        raise RuntimeError("FPX_SIM_ENABLED is set: the simulated FPX exchange is for development and tests only. "
                           "Unset it and point FPX_URL at PayNet's exchange (see README.md, Paying by FPX).")
    try:  # before anything opens: a bad threshold would only show at the first EFT verification
        parse_ringgit(str(config.get("EFT_SECOND_OFFICER_ABOVE", "10000.00")))
    except ValidationError:
        raise RuntimeError("EFT_SECOND_OFFICER_ABOVE must be an amount in ringgit, for example 10000.00") from None
    if config["ASSIST_ENV"] not in {"development", "testing"}:
        key = config.get("SECRET_KEY") or ""
        if key in INSECURE_KEYS or len(key) < 32:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters outside development "
                "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
            )
