"""Two real processes per session: the portal (waitress, SQLite) and the simulated exchange (fpxsim)."""

import pytest

from tests.payments.live import Browser, FpxWorld


@pytest.fixture(scope="session")
def fpx_world(tmp_path_factory, smtp):
    world = FpxWorld(tmp_path_factory.mktemp("fpx-world"), smtp.port).start()
    yield world
    world.stop()
    log = (world.workdir / "fpxsim.log").read_text()
    assert "Traceback" not in log, "the exchange failed while serving"


@pytest.fixture
def world(fpx_world):
    fpx_world.sim.reset()
    if fpx_world.portal.process.poll() is not None:  # a test killed it
        fpx_world.restart_portal()
    return fpx_world


@pytest.fixture
def payer(world):
    return Browser(world.portal.url).login()


@pytest.fixture
def officer_browser(world):
    return Browser(world.portal.url).login("officer@demo.assist.test")
