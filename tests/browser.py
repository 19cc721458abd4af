"""Helpers for tests that drive a real headless Chromium against `armstimeline serve`."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """Debian's chromium; on CI its absence is a failure, elsewhere a skip."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed; .ci/run installs it with apt-get")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_site(db: Path, events: Path, seeds: Path, metadata: Path) -> Iterator[str]:
    """`armstimeline serve` on a free loopback port; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "armstimeline", "serve",
            "--db", str(db), "--events", str(events), "--sources", str(seeds),
            "--metadata", str(metadata), "--port", str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/-/versions.json", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = proc.stdout.read().decode() if proc.stdout else ""
                    raise RuntimeError(f"serve did not start:\n{out}") from None
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def browser_page(*, bypass_csp: bool = False) -> Iterator[object]:
    """A Chromium page; ``bypass_csp`` for a test that injects a script of its own (axe),
    which the site's Content-Security-Policy would block."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=bypass_csp)
            page.set_default_timeout(15000)
            yield page
        finally:
            browser.close()


def axe_script() -> Path:
    """axe-core's browser script, installed from the npm registry by .ci/run (into
    build/axe); on CI its absence is a failure, elsewhere a skip."""
    path = Path(__file__).resolve().parent.parent / "build/axe/node_modules/axe-core/axe.min.js"
    if path.is_file():
        return path
    if os.environ.get("CI"):
        pytest.fail("axe-core is not installed; .ci/run installs it with npm")
    pytest.skip("axe-core is not installed (npm install --prefix build/axe axe-core@4)")
