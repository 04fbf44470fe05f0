"""Serve the portal with waitress (what `make run` and a branch server use): `python -m webapp.serve`.

Every setting comes from the environment (README.md, Configuration). The defaults are for a 2-core branch
server on the 15th: a few hundred phones may hold idle keep-alive connections, so the connection limit is
well above waitress's 100 and idle connections are closed after 30 s instead of 120 s, and a new visitor is
still let in. Behind a reverse proxy (TRUSTED_PROXIES=N) waitress itself reads X-Forwarded-For/Proto/Host
from the proxy; the application then does not apply werkzeug's ProxyFix as well (it would count the hops
twice).
"""

import os
import resource

from waitress import serve

from webapp import create_app

FORWARDED_HEADERS = {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"}


def _int(environ, name: str, default: int) -> int:
    value = environ.get(name, "").strip()
    return int(value) if value else default


def settings(environ=os.environ) -> dict:
    """waitress's settings from the environment: listening address, threads, connections, proxy trust."""
    timeout = _int(environ, "CHANNEL_TIMEOUT", 30)
    options = {
        "host": environ.get("HOST", "127.0.0.1"),
        "port": _int(environ, "PORT", 5000),
        "threads": _int(environ, "THREADS", 32),
        "connection_limit": _int(environ, "CONNECTION_LIMIT", 1000),
        "channel_timeout": timeout,
        "cleanup_interval": max(1, min(10, timeout)),  # how often idle connections are looked for
        "backlog": _int(environ, "BACKLOG", 1024),
        "asyncore_use_poll": True,  # select() cannot watch more than 1024 sockets
        "max_request_body_size": _int(environ, "MAX_REQUEST_BYTES", 6 * 1024 * 1024),
        "ident": "",  # no Server: banner
        "clear_untrusted_proxy_headers": True,
    }
    proxies = _int(environ, "TRUSTED_PROXIES", 0)
    if proxies:
        options.update(trusted_proxy=environ.get("TRUSTED_PROXY_ADDRESS", "").strip() or "*",
                       trusted_proxy_count=proxies, trusted_proxy_headers=FORWARDED_HEADERS)
    return options


def raise_open_file_limit(wanted: int) -> None:
    """Allow one file descriptor per connection (plus database and log files) up to the hard limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def main() -> None:
    options = settings()
    app = create_app({"PROXY_FIX": False})  # waitress reads the forwarded headers itself
    raise_open_file_limit(options["connection_limit"] + 64)
    print(f"ASSIST is serving on http://{options['host']}:{options['port']}/ ({options['threads']} threads, "
          f"up to {options['connection_limit']} connections)", flush=True)
    serve(app, **options)


if __name__ == "__main__":
    main()
