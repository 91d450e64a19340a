"""What a browser sends and keeps before and after a cookie choice, watched in Chromium (K2, K3, C6, S5).

Each test starts from an empty profile, walks the home page, a category, a product and a search, and lists
every cookie the shop set and every request the browser made. Before a choice and after "Reject all" there is
no analytics request and no cookie but the functional ones; after "Accept all" the analytics requests appear.
With `Sec-GPC: 1` the signal is recorded as a refusal of advertising. Requests to any other host are refused
and reported by the `browser_problems` fixture, so "nothing left the shop" is checked on every run.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from allegra.analytics.models import Event
from allegra.catalog.models import Category, Product
from allegra.consent.models import ConsentRecord, Source
from tests.conftest import CHROMIUM
from tests.e2e.conftest import CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FUNCTIONAL_COOKIES = {"csrftoken", "sessionid", "allegra_consent", "django_language"}
ANALYTICS_PREFIX = "/a/"


@dataclass(frozen=True)
class Walk:
    """The four pages of the walk, read from the database before the browser starts."""

    paths: tuple[str, ...]


@pytest.fixture
def walk(transactional_db, settings, tmp_path) -> Walk:
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", products=12, verbosity=0)
    category = Category.objects.order_by("position").first()
    product = Product.objects.visible().filter(category=category).first() or Product.objects.visible().first()
    return Walk(paths=("/el/", f"/el/c/{category.slug}/", f"/el/p/{product.slug}/", "/el/search/?q=daxtylidi"))


@dataclass
class Traffic:
    """Every request the browser made to the shop, by path."""

    requests: list[tuple[str, str]] = field(default_factory=list)

    def record(self, request) -> None:
        self.requests.append((request.method, urlsplit(request.url).path))

    @property
    def analytics(self) -> list[tuple[str, str]]:
        return [(method, path) for method, path in self.requests if path.startswith(ANALYTICS_PREFIX)]


@contextmanager
def empty_profile(browser_problems, traffic: Traffic, *, gpc: bool = False, script_gpc: bool = False):
    """A fresh Chromium profile. Playwright's sync API keeps an event loop in the test's thread while it runs,
    and Django refuses queries there: the tests read the database after this block."""
    from playwright.sync_api import sync_playwright

    headers = {"Sec-GPC": "1"} if gpc else {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="el-GR", timezone_id="Europe/Athens", extra_http_headers=headers)
        context.set_default_timeout(20_000)
        browser_problems.watch(context)
        context.on("request", traffic.record)
        if script_gpc:
            # A browser (or extension) that announces GPC to scripts only, without the header.
            context.add_init_script(
                "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"
            )
        try:
            yield context
        finally:
            context.close()
            browser.close()


def visit_all(page, base_url: str, walk: Walk) -> None:
    for path in walk.paths:
        # Network idle: lazy pictures are loaded before the next page, and not reported as aborted.
        response = page.goto(base_url + path, wait_until="networkidle")
        assert response.status == 200, path
    # Leaving the last page flushes what the analytics script still holds.
    page.goto(base_url + walk.paths[0], wait_until="networkidle")


def cookie_names(context) -> set[str]:
    return {cookie["name"] for cookie in context.cookies()}


@pytest.mark.policy("K2")
@pytest.mark.policy("K3")
def test_before_a_choice_only_functional_cookies_and_no_analytics(live_server, walk, browser_problems):
    traffic = Traffic()
    with empty_profile(browser_problems, traffic) as context:
        page = context.new_page()
        visit_all(page, live_server.url, walk)
        assert page.locator("#consent-banner").is_visible(), "the banner asks on every page until a choice"
        names = cookie_names(context)

    assert names <= FUNCTIONAL_COOKIES, names
    assert traffic.analytics == []
    assert browser_problems.items == []
    assert Event.objects.count() == 0
    assert ConsentRecord.objects.count() == 0


@pytest.mark.policy("K2")
@pytest.mark.policy("K3")
@pytest.mark.policy("K1")
def test_after_reject_all_still_nothing_but_functional_cookies(live_server, walk, browser_problems):
    traffic = Traffic()
    with empty_profile(browser_problems, traffic) as context:
        page = context.new_page()
        page.goto(live_server.url + walk.paths[0])
        page.locator("#consent-first button[value=reject_all]").click()
        page.locator("#consent-banner").wait_for(state="hidden")
        # The choice loads the scripts it allows in place; let them arrive before leaving the page.
        page.wait_for_load_state("networkidle")
        visit_all(page, live_server.url, walk)
        names = cookie_names(context)

    assert names <= FUNCTIONAL_COOKIES and "allegra_consent" in names, names
    assert traffic.analytics == []
    assert browser_problems.items == []
    assert Event.objects.count() == 0
    record = ConsentRecord.objects.get()
    assert (record.performance, record.advertising, record.source) == (False, False, Source.BANNER_FIRST_LAYER)


@pytest.mark.policy("K2")
@pytest.mark.policy("C6")
def test_after_accept_all_the_analytics_requests_appear(live_server, walk, browser_problems):
    traffic = Traffic()
    with empty_profile(browser_problems, traffic) as context:
        page = context.new_page()
        page.goto(live_server.url + walk.paths[0])
        page.locator("#consent-first button[value=accept_all]").click()
        page.locator("#consent-banner").wait_for(state="hidden")
        # The choice loads the scripts it allows in place; let them arrive before leaving the page.
        page.wait_for_load_state("networkidle")
        visit_all(page, live_server.url, walk)
        # Staying on a page: the script sends its batch on a timer, a request Playwright sees (a beacon sent
        # while leaving a page is made after the page is gone, so it is counted in the database below).
        with page.expect_request(lambda request: urlsplit(request.url).path == "/a/events", timeout=15_000):
            page.goto(live_server.url + walk.paths[2], wait_until="networkidle")
        names = cookie_names(context)

    assert ("POST", "/a/events") in traffic.analytics, traffic.analytics
    # The performance cookie appears only now, set by the shop's own analytics endpoint.
    assert "allegra_visitor" in names
    assert names - FUNCTIONAL_COOKIES == {"allegra_visitor"}
    assert browser_problems.items == []
    kinds = set(Event.objects.values_list("kind", flat=True))
    assert Event.Kind.PAGE_VIEW in kinds
    paths = set(Event.objects.values_list("path", flat=True))
    assert set(walk.paths[1:3]) <= paths, paths
    # The IP address is truncated before it is stored: the loopback's last octet is gone.
    assert set(Event.objects.values_list("ip_truncated", flat=True)) == {"127.0.0.0"}


@pytest.mark.policy("S5")
def test_a_gpc_browser_is_recorded_as_refusing_advertising(live_server, walk, browser_problems):
    traffic = Traffic()
    with empty_profile(browser_problems, traffic, gpc=True) as context:
        page = context.new_page()
        page.goto(live_server.url + walk.paths[0])
        notice = page.locator("#consent-first .consent-gpc")
        assert notice.is_visible(), "the banner says the signal was honoured"
        assert page.evaluate("navigator.globalPrivacyControl") in (True, None)
        page.locator("#consent-first button[value=accept_all]").click()
        page.locator("#consent-banner").wait_for(state="hidden")
        # The choice loads the scripts it allows in place; let them arrive before leaving the page.
        page.wait_for_load_state("networkidle")
        visit_all(page, live_server.url, walk)

    records = list(ConsentRecord.objects.order_by("recorded_at", "id").values_list("source", "advertising", "gpc"))
    assert records[0] == (Source.GPC, False, True), "the signal is recorded once, as a refusal"
    assert [source for source, *_ in records].count(Source.GPC) == 1
    # "Accept all" with the signal present accepts performance only: advertising stays refused.
    assert records[-1] == (Source.BANNER_FIRST_LAYER, False, True)
    assert browser_problems.items == []


@pytest.mark.policy("S5")
def test_a_signal_announced_only_to_scripts_is_honoured_too(live_server, walk, browser_problems):
    traffic = Traffic()
    with empty_profile(browser_problems, traffic, script_gpc=True) as context:
        page = context.new_page()
        page.goto(live_server.url + walk.paths[0], wait_until="networkidle")
        page.locator("#consent-first .consent-gpc").wait_for(state="visible")
        page.goto(live_server.url + walk.paths[1], wait_until="networkidle")
        assert page.locator("#consent-first .consent-gpc").is_visible(), "the server now renders the notice"

    [record] = ConsentRecord.objects.all()
    assert (record.source, record.advertising, record.gpc) == (Source.GPC, False, True)
    assert ("POST", "/el/cookies/gpc/") in traffic.requests
    assert browser_problems.items == []
