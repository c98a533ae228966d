"""A real server on loopback and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}
SCREENSHOTS = ROOT / "data" / "screenshots"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server(demo_settings: Settings) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "BAOXIU_DATA_DIR": str(demo_settings.data_dir), "SECRET_KEY": demo_settings.secret_key, "PORT": str(port), "OPTIMISE_SECONDS": "2"}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.asgi:create_app", "--factory", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
         # Open event streams would hold a graceful shutdown forever.
         "--timeout-graceful-shutdown", "2"],
        cwd=ROOT, env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("server did not start")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@pytest.fixture(scope="module")
def browser(server):  # noqa: ANN001, ANN201 - the server (and its seeded database) must exist before Playwright's loop runs
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: `make test` installs it (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, server):  # noqa: ANN001, ANN201
    contexts = []

    def make(locale: str = "zh-CN", viewport: dict | None = None):  # noqa: ANN202
        context = browser.new_context(locale=locale, viewport=viewport or DESK, base_url=server)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield make
    for context in contexts:
        context.close()


def sign_in(page, account: str) -> None:  # noqa: ANN001
    from tests.conftest import DEMO_PASSWORD

    page.goto("/login")
    page.fill("input[name=account]", account)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state("networkidle")


def shot(page, name: str) -> None:  # noqa: ANN001
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
