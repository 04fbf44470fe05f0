"""Browser tests: Playwright drives Debian's Chromium against a real server process on 127.0.0.1."""

import os

import pytest

from core.fpx_keys import write_development_keys
from tests.fpxsim_support import FpxSim
from tests.support import LiveServer, free_port

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]}


@pytest.fixture(scope="session")
def fpx_sim(tmp_path_factory):
    """The simulated FPX exchange beside the portal (issue 11), reached by the browser as `localhost`, so its
    pages are another site than the portal's 127.0.0.1 (the indirect AC is a cross-site POST, as with PayNet)."""
    workdir = tmp_path_factory.mktemp("fpx")
    write_development_keys(workdir / "merchant", exchange_id="EX00000001", organisation="PERKESO TEST")
    portal_port = free_port()
    sim = FpxSim(workdir, merchant_cert=workdir / "merchant" / "merchant.crt",
                 direct_url=f"http://127.0.0.1:{portal_port}/fpx/direct-ac",
                 indirect_url=f"http://127.0.0.1:{portal_port}/fpx/indirect-ac").start()
    sim.portal_port = portal_port
    yield sim
    sim.stop()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, smtp, fpx_sim):
    keys = fpx_sim.workdir / "merchant"
    server = LiveServer(tmp_path_factory.mktemp("live"), smtp.port, extra_env={
        "FPX_URL": f"http://localhost:{fpx_sim.port}", "FPX_SELLER_ID": "SE00000001",
        "FPX_EXCHANGE_ID": "EX00000001", "FPX_MERCHANT_KEY": str(keys / "merchant.key"),
        "FPX_CERTIFICATE": str(fpx_sim.certificate_path), "FPX_SIM_ENABLED": "1", "PAYMENT_WORKER": "0"})
    server.port, server.url = fpx_sim.portal_port, f"http://127.0.0.1:{fpx_sim.portal_port}"
    server.env.update(PORT=str(server.port), PUBLIC_URL=server.url)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB"}


@pytest.fixture(autouse=True)
def demo_accounts(live_server):
    """Every browser test starts from the demo accounts as `make run` leaves them (password, no lock)."""
    live_server.flask("seed-demo")
