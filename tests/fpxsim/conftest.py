"""Fixtures for the simulated exchange: one real `python -m fpxsim` process and one fake merchant for the
session, reset before every test; the merchant signs and verifies with core/fpx.py (the portal's code), so
each test also cross-checks the two independent implementations of FPX's checksums."""

import os
import re
import uuid
from datetime import UTC, datetime

import pytest

from core import fpx
from core.fpx_keys import write_development_keys
from tests.fpxsim_support import FakeMerchant, FpxSim, get, post_form

SELLER = fpx.Seller(seller_id="SE00000001", exchange_id="EX00000001")
AR_PATH = "/FPXMain/seller2DReceiver.jsp"
AE_PATH = "/FPXMain/sellerNVPTxnStatus.jsp"
BE_PATH = "/FPXMain/RetrieveBankList"


@pytest.fixture(scope="session")
def merchant_keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("merchant")
    assert write_development_keys(folder, exchange_id=SELLER.exchange_id, organisation="TEST MERCHANT")
    return folder


@pytest.fixture(scope="session")
def fake_merchant():
    merchant = FakeMerchant().start()
    yield merchant
    merchant.stop()


@pytest.fixture(scope="session")
def fpx_sim(tmp_path_factory, merchant_keys, fake_merchant):
    sim = FpxSim(tmp_path_factory.mktemp("fpxsim"), merchant_cert=merchant_keys / "merchant.crt",
                 direct_url=fake_merchant.direct_url, indirect_url=fake_merchant.indirect_url).start()
    yield sim
    sim.stop()
    log = (sim.workdir / "fpxsim.log").read_text()
    assert "Traceback" not in log, f"the exchange failed while serving (see {sim.workdir / 'fpxsim.log'})"


class Harness:
    """One test's view of the exchange, the merchant and the merchant's key."""

    def __init__(self, sim: FpxSim, merchant: FakeMerchant, keys):
        self.sim, self.merchant = sim, merchant
        self.key = (keys / "merchant.key").read_bytes()

    def ar(self, *, token=fpx.B2C, amount_sen=10_000, bank="TEST0021", sign=True, **raw) -> dict:
        """A signed AR from the merchant (raw wire overrides are applied before signing)."""
        fields = fpx.build_ar(SELLER, token=token, seller_ex_order_no="T" + uuid.uuid4().hex[:20],
                              seller_order_no="ACR" + uuid.uuid4().hex[:8].upper(), txn_time=datetime.now(UTC),
                              amount_sen=amount_sen, buyer_bank_id=bank, product_desc="SOCSO contribution",
                              buyer_email="payer@example.com", buyer_name="KEDAI RUNCIT MAJU")
        fields.update(raw)
        return fpx.signed(fields, self.key) if sign else fields

    def send_ar(self, fields: dict):
        return post_form(self.sim.url + AR_PATH, fields)

    def pay(self, outcome="scenario", **ar_options):
        """AR, then the bank page's button `outcome`: (ar fields, fpx_txn_id, result page)."""
        fields = self.ar(**ar_options)
        bank_page = self.send_ar(fields)
        assert bank_page.status == 200 and "/FPXMain/bank/" in bank_page.url, bank_page.text
        txn_id = re.search(r'id="fpx-txn-id">(\d{16})<', bank_page.text).group(1)
        page = post_form(bank_page.url, {"outcome": outcome})
        assert page.status == 200, page.text
        return fields, txn_id, page

    def ae(self, ar_fields: dict):
        return post_form(self.sim.url + AE_PATH, fpx.signed(fpx.build_ae(ar_fields), self.key))

    def be(self, token=fpx.B2C):
        return post_form(self.sim.url + BE_PATH, fpx.signed(fpx.build_be(SELLER, token), self.key))

    def verified(self, fields: dict) -> bool:
        """The portal's verifier (core.fpx) on a message from the exchange, with the certificate it serves."""
        return fpx.verify(fields, self.sim.certificate(), datetime.now(UTC))

    def get(self, path: str):
        return get(self.sim.url + path)


@pytest.fixture
def sim(fpx_sim, fake_merchant, merchant_keys):
    fpx_sim.reset()
    fake_merchant.clear()
    return Harness(fpx_sim, fake_merchant, merchant_keys)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, as in tests/e2e (see toolchain.md)."""
    return {**browser_type_launch_args, "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]}
