"""Flask blueprints, one per module: parse the form, call a service, render a page or a block."""

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str) -> str:
    """A post-login destination only if it is a local path (ASVS 5.1.5 / 3.7.2)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    return target
