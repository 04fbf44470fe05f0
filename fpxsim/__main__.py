"""`python -m fpxsim` serves the simulated exchange with waitress on FPXSIM_HOST:FPXSIM_PORT (127.0.0.1:5055).
`python -m fpxsim init` only creates the data folder, the key and the certificates, prints where the merchant's
copy of the FPX certificate is, and exits (so a start script can configure the portal first).
`python -m fpxsim add-mandates` stores the approved e-Mandates given as JSON lines on stdin (the demo seed's,
see mandate.py) and exits.
"""

import json
import sys

from waitress import serve

from fpxsim import create_app
from fpxsim.config import from_environment
from fpxsim.keys import ExchangeKeys


def main(argv: list[str]) -> None:
    settings = from_environment()
    if argv[:1] == ["init"]:
        keys = ExchangeKeys(settings.data_dir, settings.certificate_path, settings.merchant_cert)
        keys.serve("current")
        print(f"FPX certificate for the merchant: {settings.certificate_path.resolve()}")
        return
    if argv[:1] == ["add-mandates"]:
        add_mandates(settings, sys.stdin)
        return
    app = create_app(settings)
    print(f"fpxsim (simulated FPX exchange) on http://{settings.host}:{settings.port}/ "
          f"seller {settings.seller_id}, exchange {settings.exchange_id}; "
          f"FPX certificate: {settings.certificate_path.resolve()}", flush=True)
    serve(app, host=settings.host, port=settings.port, threads=settings.threads, ident="",
          clear_untrusted_proxy_headers=True)


def add_mandates(settings, lines) -> None:
    """Store each JSON line of `lines` as an approved mandate; exit 2 on a line that cannot be one."""
    from fpxsim.exchange import Exchange
    from fpxsim.mandate import Mandates

    exchange = Exchange(settings)
    mandates = Mandates(exchange)
    added = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            mandates.add(json.loads(line))
        except ValueError as error:
            sys.exit(f"line {number}: {error}")
        added += 1
    exchange.store.close()
    print(f"{added} mandate(s) approved in {settings.data_dir.resolve()}")


if __name__ == "__main__":
    main(sys.argv[1:])
