"""The login page as a phone sees it: bytes on the wire, requests, and time to a usable email field."""

import time

from playwright.sync_api import sync_playwright

from tests.e2e.conftest import CHROMIUM, PHONE

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-quic"]
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 50_000}


def cold_load(browser, url: str) -> tuple[int, int]:
    """(bytes on the wire, number of requests) for a first visit with an empty cache."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes: dict[str, int] = {}
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(url, wait_until="networkidle")
    context.close()
    return sum(sizes.values()), len(sizes)


def time_to_input(browser, url: str) -> float:
    """Seconds from navigation until the email field takes typing, on slow 3G and a 4x slower CPU."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.locator("#email").fill("employer@demo.assist.test")
    elapsed = time.perf_counter() - start
    context.close()
    return elapsed


def measure(url: str) -> dict:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            size, requests = cold_load(browser, url)
            slow = sorted(time_to_input(browser, url) for _ in range(3))[1]
        finally:
            browser.close()
    return {"bytes": size, "requests": requests, "slow_3g_seconds": slow}
