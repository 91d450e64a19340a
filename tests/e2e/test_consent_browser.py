"""The cookie banner in Chromium (K1, K3, K4, K6): chosen with the keyboard alone, posted in place without a
reload, reopened from the footer, usable without JavaScript, and never hiding the page's main content from
assistive technology; no console error, no failed request, no request to another host."""

from __future__ import annotations

import pytest

from tests.catalog import conftest as catalog_fixtures

make_category = catalog_fixtures.make_category
make_product = catalog_fixtures.make_product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FUNCTIONAL = {"csrftoken", "allegra_consent", "sessionid", "django_language"}


@pytest.fixture
def shop(make_category, make_product):
    rings = make_category(slug="rings", name_el="Δαχτυλίδια", name_en="Rings")
    make_product(category=rings, slug="olive-ring", name_el="Δαχτυλίδι Ελιά", name_en="Olive ring", images=0)


def settle(page) -> None:
    # Leaving a page before Chromium's favicon request ends would abort it (a "failed request").
    page.wait_for_load_state("networkidle")


def cookie_names(page) -> set[str]:
    return {cookie["name"] for cookie in page.context.cookies()}


def consent_value(page) -> str:
    return next(cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "allegra_consent")


def tab_to(page, name: str, limit: int = 15) -> None:
    for _press in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.textContent.trim()") == name:
            return
    pytest.fail(f"{name!r} is not reachable with Tab")


@pytest.mark.policy("K1")
@pytest.mark.policy("K4")
def test_keyboard_only_accept_posts_in_place(live_server, shop, page, browser_problems):
    page.goto(f"{live_server.url}/en/")
    settle(page)
    banner = page.get_by_role("region", name="Cookie choice")
    assert banner.is_visible()
    assert cookie_names(page) <= FUNCTIONAL
    assert page.locator('script[src$="js/analytics.js"]').count() == 0
    page.evaluate("window.__noReload = 'still here'")

    tab_to(page, "Accept all")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), "the focused button shows where the focus is"
    page.keyboard.press("Enter")

    banner.wait_for(state="detached")
    assert page.evaluate("window.__noReload") == "still here"
    assert page.evaluate("document.activeElement.id") == "main"
    # The server listed the analytics script in its answer; the page loaded it.
    page.locator('script[src$="js/analytics.js"]').wait_for(state="attached")
    assert "allegra_consent" in cookie_names(page)
    settle(page)
    page.reload()
    settle(page)
    assert page.get_by_role("region", name="Cookie choice").count() == 0
    assert browser_problems.items == []


@pytest.mark.policy("K1")
def test_choose_layer_opens_in_place_and_records_ticks(live_server, shop, page, browser_problems):
    page.goto(f"{live_server.url}/en/c/rings/")
    settle(page)
    page.evaluate("window.__noReload = 1")
    page.get_by_role("button", name="Choose", exact=True).click()
    heading = page.get_by_role("heading", name="Choose your cookies")
    assert heading.is_visible()
    assert page.evaluate("document.activeElement.id") == "consent-choose-title"
    assert not page.get_by_role("button", name="Choose", exact=True).is_visible()
    performance = page.get_by_role("checkbox", name="Performance")
    advertising = page.get_by_role("checkbox", name="Social media and advertising")
    functional = page.get_by_role("checkbox", name="Functional")
    assert not performance.is_checked() and not advertising.is_checked()
    assert functional.is_checked() and functional.is_disabled()
    performance.check()
    page.get_by_role("button", name="Save my choices").click()
    page.get_by_role("region", name="Cookie choice").wait_for(state="detached")
    assert page.evaluate("window.__noReload") == 1
    settle(page)
    assert browser_problems.items == []


@pytest.mark.policy("K6")
def test_footer_link_reopens_the_choice_and_withdrawal_is_one_click(live_server, shop, page, browser_problems):
    page.goto(f"{live_server.url}/en/p/olive-ring/")
    settle(page)
    page.get_by_role("button", name="Accept all").click()
    page.get_by_role("region", name="Cookie choice").wait_for(state="detached")
    accepted = consent_value(page)
    settle(page)
    page.evaluate("window.__noReload = 2")

    link = page.get_by_role("link", name="Cookie settings")
    link.click()
    reopened = page.get_by_role("region", name="Cookie settings")
    reopened.wait_for()
    assert page.url.endswith("/en/p/olive-ring/"), "opened in place, not as a new page"
    assert page.get_by_role("checkbox", name="Performance").is_checked(), "the current choice is shown"
    page.get_by_role("button", name="Reject all").click()
    reopened.wait_for(state="detached")
    assert page.evaluate("window.__noReload") == 2
    assert consent_value(page) != accepted
    # Focus goes back to the link that opened it.
    assert page.evaluate("document.activeElement.textContent.trim()") == "Cookie settings"

    link.click()
    page.get_by_role("region", name="Cookie settings").wait_for()
    assert not page.get_by_role("checkbox", name="Performance").is_checked()
    page.get_by_role("button", name="Close").click()
    page.get_by_role("region", name="Cookie settings").wait_for(state="detached")
    settle(page)
    assert browser_problems.items == []


@pytest.mark.policy("K1")
def test_main_content_stays_accessible_with_the_banner(live_server, shop, page, browser_problems):
    page.goto(f"{live_server.url}/en/")
    settle(page)
    main = page.get_by_role("main")
    assert main.count() == 1 and main.is_visible()
    assert page.get_by_role("region", name="Cookie choice").is_visible()
    assert main.get_attribute("aria-hidden") is None and main.get_attribute("inert") is None
    assert page.locator("[aria-modal], dialog[open]").count() == 0
    # Nothing traps the focus: Tab leaves the banner for the header and the page.
    tab_to(page, "Choose")
    page.keyboard.press("Tab")
    assert not page.evaluate("document.getElementById('consent-banner').contains(document.activeElement)")
    snapshot = page.locator("body").aria_snapshot()
    assert "- main" in snapshot and '- region "Cookie choice"' in snapshot
    assert browser_problems.items == []


@pytest.mark.policy("K1")
@pytest.mark.policy("K3")
def test_without_javascript_forms_post_and_come_back(live_server, shop, page, browser_problems):
    context = page.context.browser.new_context(java_script_enabled=False, locale="en-GB")
    browser_problems.watch(context)
    try:
        plain = context.new_page()
        plain.goto(f"{live_server.url}/en/c/rings/")
        plain.get_by_role("button", name="Choose", exact=True).click()
        plain.wait_for_url("**/en/cookies/?next=%2Fen%2Fc%2Frings%2F")
        plain.get_by_role("checkbox", name="Performance").check()
        plain.get_by_role("button", name="Save my choices").click()
        plain.wait_for_url("**/en/c/rings/")
        assert plain.get_by_role("region", name="Cookie choice").count() == 0
        # Performance allowed: the server now renders the analytics tag (its pixel, without JavaScript).
        assert plain.locator('script[src$="js/analytics.js"]').count() == 1
        plain.wait_for_load_state("networkidle")

        plain.get_by_role("link", name="Cookie settings").click()
        plain.wait_for_url("**/en/cookies/**")
        assert plain.get_by_role("checkbox", name="Performance").is_checked()
        plain.get_by_role("button", name="Reject all").click()
        plain.wait_for_url("**/en/c/rings/")
        assert plain.locator('script[src$="js/analytics.js"]').count() == 0
        plain.wait_for_load_state("networkidle")
    finally:
        context.close()
    assert browser_problems.items == []


@pytest.mark.policy("K6")
def test_settings_page_saves_in_place(live_server, shop, page, browser_problems):
    page.goto(f"{live_server.url}/en/cookies/?next=/en/c/rings/")
    settle(page)
    page.evaluate("window.__noReload = 3")
    page.get_by_role("button", name="Accept all").click()
    page.get_by_role("status").filter(has_text="Your cookie choice is saved.").wait_for()
    assert page.evaluate("window.__noReload") == 3
    assert page.get_by_role("checkbox", name="Performance").is_checked()
    assert page.get_by_role("checkbox", name="Social media and advertising").is_checked()
    page.get_by_role("button", name="Reject all").click()
    page.wait_for_function("!document.querySelector('input[name=performance]').checked")
    assert not page.get_by_role("checkbox", name="Social media and advertising").is_checked()
    settle(page)
    assert browser_problems.items == []
