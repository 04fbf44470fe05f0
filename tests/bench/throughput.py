"""Requests per second of a page under waitress, with wrk on loopback (bounded in time)."""

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.support import ROOT, free_port, wait_for_port

DURATION = 5  # seconds


def wrk(url: str, headers: dict | None = None, seconds: int = DURATION) -> float:
    """Requests per second for `url` (2 threads, 8 connections, a few seconds; loopback only)."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("load only ever targets this machine")
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (make bench installs it with apt)")
    options = [part for name, value in (headers or {}).items() for part in ("-H", f"{name}: {value}")]
    result = subprocess.run(["wrk", "-t2", "-c8", f"-d{seconds}s", *options, url], capture_output=True, text=True,
                            check=True, timeout=60)
    if "Non-2xx" in result.stdout:
        raise RuntimeError(f"{url} answered with errors under load:\n{result.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))


def hello_baseline() -> float:
    port = free_port()
    process = subprocess.Popen([sys.executable, str(Path(__file__).with_name("hello.py")), str(port)], cwd=ROOT)
    try:
        wait_for_port(port)
        wrk(f"http://127.0.0.1:{port}/")  # warm-up
        time.sleep(0.5)
        return wrk(f"http://127.0.0.1:{port}/")
    finally:
        process.terminate()
        process.wait(timeout=10)
