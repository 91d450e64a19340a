"""analytics.js in Chromium (C6, U5): with performance consent the script reports the search, the click on a
result (with its position) and the product page view, in batches the endpoint accepts; no console error, no
failed request, no request to another host."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection

from allegra.consent.state import ConsentState
from tests.catalog import conftest as catalog_fixtures
from tests.e2e import conftest as browser_fixtures

make_category = catalog_fixtures.make_category
make_product = catalog_fixtures.make_product
page = browser_fixtures.page
browser_problems = browser_fixtures.browser_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(make_category, make_product):
    from allegra.catalog.search import index_products

    rings = make_category(slug="rings", name_el="Δαχτυλίδια", name_en="Rings")
    make_product(category=rings, slug="olive-ring", name_el="Δαχτυλίδι Ελιά", name_en="Olive ring", images=0)
    index_products()


def _events() -> list[tuple]:
    from allegra.analytics.models import Event

    try:
        return list(
            Event.objects.order_by("id").values_list(
                "kind", "path", "product__slug", "search_query", "result_position", "result_count", "country"
            )
        )
    finally:
        connection.close()


def stored_events() -> list[tuple]:
    # Playwright's event loop runs in the test's thread, where Django refuses queries: ask from another one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_events).result()


def wait_for(kinds: set[str], timeout: float = 15.0) -> list[tuple]:
    deadline = time.monotonic() + timeout
    while True:
        events = stored_events()
        if kinds <= {event[0] for event in events} or time.monotonic() > deadline:
            return events
        time.sleep(0.2)


@pytest.mark.policy("C6")
@pytest.mark.policy("U5")
def test_search_click_and_product_view_reach_the_shop(live_server, shop, page, browser_problems):
    cookie = ConsentState(
        consent_id=uuid.uuid4(), decided=True, performance=True, policy_version=settings.PRIVACY_POLICY_VERSION
    ).to_cookie()
    page.context.add_cookies([{"name": settings.CONSENT_COOKIE_NAME, "value": cookie, "url": live_server.url}])

    page.goto(f"{live_server.url}/en/search/?q=ring")
    page.locator('[data-analytics-list="search"] a.product-card').first.click()
    page.wait_for_url("**/en/p/olive-ring/")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/en/")  # pagehide sends what is queued
    page.wait_for_load_state("networkidle")

    events = wait_for({"page_view", "search", "search_click"})
    assert ("search", "/en/search/", None, "ring", None, 1, "GR") in events
    assert ("search_click", "/en/search/", "olive-ring", "ring", 1, 1, "GR") in events
    assert ("page_view", "/en/p/olive-ring/", "olive-ring", "", None, None, "GR") in events
    visitor = [c for c in page.context.cookies() if c["name"] == settings.ANALYTICS_VISITOR_COOKIE_NAME]
    assert len(visitor) == 1 and visitor[0]["httpOnly"] and visitor[0]["sameSite"] == "Lax"
    assert browser_problems.items == []
