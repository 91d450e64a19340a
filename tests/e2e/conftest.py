"""Chromium, driven by Playwright for Python, for the browser tests.

Debian's Chromium is used as it is installed (`make browser`); Playwright never downloads a browser.
Every page the browser opens is watched: console errors, uncaught exceptions, failed requests, error
responses and requests to any host but the live server are collected in `browser_problems`, and a
test ends by asserting that list is empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from tests.conftest import CHROMIUM

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class BrowserProblems:
    """What went wrong in the browser while the test ran; empty means a clean run."""

    allowed_origin: str
    items: list[str] = field(default_factory=list)

    def watch(self, context) -> None:
        # Requests to any other host are refused before they leave the machine, and noted.
        context.route("**/*", self._only_the_live_server)
        context.on("page", self._watch_page)

    def _watch_page(self, page) -> None:
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.items.append(f"uncaught exception on {page.url}: {error}"))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def _only_the_live_server(self, route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and f"{parts.scheme}://{parts.netloc}" != self.allowed_origin:
            self.items.append(f"request to another host: {url}")
            route.abort("blockedbyclient")
            return
        route.continue_()

    def _console(self, page, message) -> None:
        if message.type == "error":
            self.items.append(f"console error on {page.url}: {message.text}")

    def _request_failed(self, request) -> None:
        # The page's script aborts its own fetch when a newer one supersedes it (a second filter change):
        # that is the script working, not a request failing.
        # Leaving a page cancels what it was still loading (pictures, scripts, a fetch, a beacon): the
        # browser's doing, not a failure. Refused requests and error responses are still reported.
        if request.resource_type != "document" and request.failure == "net::ERR_ABORTED":
            return
        if not any(item.endswith(request.url) for item in self.items):
            self.items.append(f"request failed ({request.failure}): {request.method} {request.url}")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.items.append(f"HTTP {response.status}: {response.request.method} {response.url}")


@pytest.fixture
def browser_problems(live_server) -> BrowserProblems:
    return BrowserProblems(allowed_origin=live_server.url.rstrip("/"))


@pytest.fixture
def page(live_server, browser_problems):
    """A fresh Chromium page with the live server's origin as its only allowed host.

    Playwright's sync API keeps an event loop running in the test's thread, so Django refuses database
    queries there until the page is closed: read what the test needs from the database before this fixture.
    (Allowing them with DJANGO_ALLOW_ASYNC_UNSAFE would open a second connection that nothing closes.)
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(
            locale="el-GR", timezone_id="Europe/Athens", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(20_000)
        browser_problems.watch(context)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()
