"""Browser tests: Playwright drives Debian's Chromium against a real server process on 127.0.0.1."""

import os

import pytest

from tests.support import LiveServer

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, smtp):
    server = LiveServer(tmp_path_factory.mktemp("live"), smtp.port).start()
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
