"""Serve the portal with waitress (what `make run` uses): `python -m webapp.serve`.

HOST (default 127.0.0.1), PORT (default 5000) and THREADS (default 8) come from the environment.
"""

import os

from waitress import serve

from webapp import create_app


def main() -> None:
    app = create_app()
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    print(f"ASSIST is serving on http://{host}:{port}/", flush=True)
    serve(app, host=host, port=port, threads=int(os.environ.get("THREADS", "8")), ident="",
          clear_untrusted_proxy_headers=True)


if __name__ == "__main__":
    main()
