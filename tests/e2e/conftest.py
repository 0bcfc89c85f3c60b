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
# Assertions wait up to 15 s for the page (Playwright's default is 5 s): on a loaded 2-core
# machine a full page with its database work can take longer, and a slow page is not a wrong one.
EXPECT_TIMEOUT_MS = 15_000


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
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def html_checker():
    """The Nu HTML Checker, once for the whole run (None when this machine cannot run it)."""
    from tests.conftest import free_port
    from tests.e2e.html_checker import HtmlChecker, required, unavailable

    reason = unavailable()
    if reason:
        if required():
            pytest.fail(f"the HTML checker cannot run: {reason}, and KRUG_REQUIRE_HTML_CHECK=1")
        print(f"HTML check off: {reason}")
        yield None
        return
    checker = HtmlChecker(free_port())
    yield checker
    checker.stop()


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
def page(chromium, live_server, html_checker):
    """A fresh browser context per test: a 360-px phone (the issue's phone width) and a Russian-speaking visitor."""
    context = chromium.new_context(viewport={"width": 360, "height": 800}, locale="ru-RU", base_url=live_server.url)
    page = context.new_page()
    documents = []

    def keep_html(response):
        if (
            response.request.resource_type == "document"
            and not 300 <= response.status < 400
            and "text/html" in response.headers.get("content-type", "")
        ):
            documents.append((response.url, response.status, response.text()))

    overflowing = []

    def check_width(loaded):
        """Nothing wider than the phone's screen (no sideways scrolling)."""
        from tests.e2e.helpers import WIDTHS_JS

        width = loaded.evaluate(WIDTHS_JS)
        if width[0] > width[1]:
            overflowing.append(f"{loaded.url} is {width[0]} px wide on a {width[1]} px screen")

    if html_checker is not None:
        page.on("response", keep_html)
    page.on("load", check_width)
    yield page
    context.close()
    assert not overflowing, "\n".join(overflowing)
    report = [
        f"{url} ({status}):\n  " + "\n  ".join(errors)
        for url, status, html in documents
        if (errors := html_checker.errors(html))
    ]
    assert not report, "HTML errors (Nu HTML Checker):\n" + "\n".join(report)
