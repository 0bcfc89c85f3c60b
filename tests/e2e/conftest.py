"""End-to-end fixtures: Debian's chromium driven by Playwright, and the app served on loopback."""

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    """Mark every test under tests/e2e as `e2e` (hooks see the whole session, so filter by path)."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def chromium():
    """One headless Debian chromium for the whole run (never downloaded by Playwright)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("KRUG_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and KRUG_REQUIRE_BROWSER=1")
        pytest.skip("Debian's chromium is not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class LiveServer:
    url: str
    app: Flask


@pytest.fixture
def live_server(make_app):
    """The app on this test's database, served by a threaded werkzeug server on a free port."""
    app = make_app()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["SERVER_URL"] = url  # links in emails point at this server
    thread.start()
    yield LiveServer(url=url, app=app)
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser context per test: a phone-sized Russian-speaking visitor."""
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU", base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()
