"""A shopper's walk through the storefront in Chromium: home, category, metal filter, product, language
switch, and a Greeklish search, with no console error, no failed request and no request to another host.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command

from allegra.catalog.models import Category, Product, Variant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class Catalogue:
    """What the test needs to know of the seeded catalogue, read before the browser starts.

    Playwright's sync API runs an event loop in the test's thread; database queries made while it runs would
    open a connection of their own that nothing closes. So the test asks the database everything up front.
    """

    rings_slug: str
    ring_slugs: frozenset[str]
    metal: str  # a metal some ring is made of, so filtering by it cannot come back empty
    slugs_in_metal: frozenset[str]  # products with a variant in that metal
    english_names: dict[str, str]  # product slug -> English name


@pytest.fixture
def catalogue(transactional_db, settings, tmp_path) -> Catalogue:
    """The demo seed, small: 40 products with their generated images in a temporary media folder."""
    media_root = tmp_path / "media"
    media_root.mkdir()
    settings.MEDIA_ROOT = media_root
    call_command("seed_demo", products=40, verbosity=0)

    products = Product.objects.visible()
    assert products.count() == 40
    rings = Category.objects.filter(has_ring_sizes=True).order_by("position").first()
    assert rings is not None, "the demo seed has a ring category"
    metal = (
        Variant.objects.filter(product__category=rings, product__is_active=True)
        .order_by("metal")
        .values_list("metal", flat=True)
        .first()
    )
    return Catalogue(
        rings_slug=rings.slug,
        ring_slugs=frozenset(products.filter(category=rings).values_list("slug", flat=True)),
        metal=metal,
        slugs_in_metal=frozenset(products.filter(variants__metal=metal).values_list("slug", flat=True)),
        english_names=dict(products.values_list("slug", "name_en")),
    )


def path_of(url: str) -> str:
    return urlsplit(url).path


def product_slugs_on(page) -> list[str]:
    hrefs = page.locator("a.product-card").evaluate_all("cards => cards.map(card => card.getAttribute('href'))")
    return [match.group(1) for href in hrefs if (match := re.search(r"/p/([^/]+)/", href or ""))]


def html_lang(page) -> str:
    return page.locator("html").get_attribute("lang")


def choose_metal(page, metal: str) -> None:
    """Picks a metal in the filter form, whether the form offers checkboxes or a select."""
    field = page.locator(f'form#filters [name="metal"][value="{metal}"]')
    if field.count():
        field.first.check()
        return
    page.locator('form#filters select[name="metal"]').select_option(metal)


@pytest.mark.policy("K3")
def test_shopper_walk_home_category_filter_product_language_search(live_server, catalogue, page, browser_problems):
    # Home, in Greek.
    response = page.goto(f"{live_server.url}/el/")
    assert response.status == 200
    assert html_lang(page) == "el"
    assert page.locator("a.product-card").count() > 0

    # A category, from the category navigation.
    page.locator(f'a[href="/el/c/{catalogue.rings_slug}/"]').first.click()
    page.wait_for_url(f"**/el/c/{catalogue.rings_slug}/")
    assert page.locator("a.product-card").count() > 0

    # Filter by a metal that some ring is made of: only rings in that metal remain.
    choose_metal(page, catalogue.metal)
    page.locator('form#filters [type="submit"]').first.click()
    page.wait_for_url(re.compile(r".*[?&]metal="))
    assert catalogue.metal in parse_qs(urlsplit(page.url).query)["metal"]
    filtered = product_slugs_on(page)
    assert filtered, "the metal filter shows the rings made of that metal"
    assert set(filtered) <= catalogue.slugs_in_metal & catalogue.ring_slugs

    # A product page.
    page.locator("a.product-card").first.click()
    page.wait_for_url(re.compile(r".*/el/p/[^/]+/$"))
    product_path = path_of(page.url)
    assert page.locator("p.price").first.inner_text().strip().endswith("€")
    assert page.locator("form#variant-choice").count() == 1

    # Switch to English: the same product, now in English.
    page.locator('nav.language-switcher a[hreflang="en"]').click()
    page.wait_for_url(re.compile(r".*/en/p/[^/]+/$"))
    assert path_of(page.url) == "/en/" + product_path.removeprefix("/el/")
    assert html_lang(page) == "en"
    slug = product_path.split("/")[-2]
    assert catalogue.english_names[slug] in page.locator("h1").first.inner_text()

    # And back to Greek, to search the way a Greek shopper types on a Latin keyboard.
    page.locator('nav.language-switcher a[hreflang="el"]').click()
    page.wait_for_url(f"**{product_path}")
    search = page.locator('form[role="search"] input[name="q"]').first
    search.fill("daxtylidi")
    search.press("Enter")
    page.wait_for_url(re.compile(r".*/el/search/\?.*q=daxtylidi"))
    found = product_slugs_on(page)
    assert found, "a Greeklish 'daxtylidi' finds rings"
    assert found[0] in catalogue.ring_slugs, "the best match is a ring"
    rings_found = [slug for slug in found if slug in catalogue.ring_slugs]
    assert len(rings_found) * 2 >= len(found), "most results are rings"

    # No console error, failed request or error response; and nothing went to another host: no third-party
    # script or request before consent (K3).
    assert browser_problems.items == []
    # Browsing the catalogue needs no cookie but the functional CSRF one of the cookie banner's form (the first
    # half of K4; the cart's half comes with the cart).
    assert {cookie["name"] for cookie in page.context.cookies()} <= {"csrftoken"}
