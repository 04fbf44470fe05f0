"""fpxsim: a simulated FPX exchange (PayNet's classic kit), run as its own process: `python -m fpxsim`.

It speaks FPX on the real paths with its own RSA key, so a merchant (the portal) integrates with it exactly
as with PayNet: only URLs, seller and exchange IDs and certificates change. It never imports `webapp` or
`core` (a test reads the imports): the portal's FPX code and this one are independent implementations of
payments.md A.3-A.5, checked against each other. Settings come from FPXSIM_* variables (config.py);
scenarios and fault knobs from the loopback-only control API (control.py, scenario.py).
"""

from flask import Flask

from fpxsim.config import Settings, from_environment


def create_app(settings: Settings | None = None, *, send_direct_acs: bool = True) -> Flask:
    """The exchange as a WSGI app; with `send_direct_acs` it also starts the direct-AC sender thread."""
    from fpxsim import control, mandate_views, views
    from fpxsim.delivery import DirectAcSender
    from fpxsim.exchange import Exchange
    from fpxsim.mandate import Mandates
    from fpxsim.security import add_headers

    settings = settings or from_environment()
    app = Flask(__name__)
    exchange = Exchange(settings)
    Mandates(exchange)
    app.extensions["fpxsim"] = exchange
    app.register_blueprint(views.bp)
    app.register_blueprint(control.bp)
    app.register_blueprint(mandate_views.bp)
    app.after_request(add_headers)
    if send_direct_acs:
        app.extensions["fpxsim.sender"] = DirectAcSender(exchange).start()
    return app
