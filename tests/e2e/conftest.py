"""Browser journeys: a real server (granian, as `make run` starts it) on a fresh SQLite file with the
demo town, driven by Debian's Chromium through Playwright. Where Chromium is missing they are skipped
with the reason printed, or fail under CI (``tests/services.py``). They run once, in their own process
(``make test``): Playwright's sync API refuses a process where another test left an asyncio loop."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests import services

CHROMIUM = services.chromium() or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-results"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 800}


def pytest_collection_modifyitems(config, items):
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        marker = pytest.mark.skip(reason="browser journeys run once, on their own server (SQLite)")
        for item in items:
            if "e2e" in item.keywords:
                item.add_marker(marker)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    var = tmp_path_factory.mktemp("e2e-var")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        WANGGE_VAR_DIR=str(var),
        DJANGO_SETTINGS_MODULE="wangge.settings",
        # The device subscriber `serve` starts (when a broker answers) listens under this run's own prefix.
        WANGGE_DEVICES_TOPIC_PREFIX=f"{services.mqtt_topic_prefix()}/e2e-devices",
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    for step in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"], ["demo", "-v0"]):
        subprocess.run([*manage, *step], env=env, cwd=ROOT, check=True, capture_output=True)
    port = _free_port()
    process = subprocess.Popen(
        [*manage, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/accounts/login/", timeout=1)  # noqa: S310 (loopback only)
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("the server did not start within 30 s")
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not services.chromium():
        services.require("Chromium", "apt-get install chromium (the browser journeys drive Debian's Chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page_for(browser, server):
    """page_for(width, height, locale) → a fresh page; a screenshot is kept in test-results/."""
    contexts = []

    def make(width=1366, height=800, locale="zh-CN"):
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def signed_in(browser, server):
    """signed_in("operator", phone=True, geolocation=…) → a page of that demo account in its own context (zh-CN),
    its script errors collected in ``page.errors``."""
    contexts = []

    def make(username: str, *, phone: bool = False, geolocation: dict | None = None):
        context = browser.new_context(viewport=PHONE if phone else LAPTOP, locale="zh-CN", is_mobile=phone)
        contexts.append(context)
        if geolocation:
            context.grant_permissions(["geolocation"], origin=server)
            context.set_geolocation(geolocation)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        login(page, server, username)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def phone(signed_in):
    """phone("resident1") → a signed-in page at 390 × 844."""
    return lambda username, **options: signed_in(username, phone=True, **options)


def no_sideways_scroll(page, width: int = PHONE["width"]) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} scrolls sideways ({scroll} px)"


def login(page, base: str, username: str, password: str = "demo-pass-2026") -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/home/")


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
