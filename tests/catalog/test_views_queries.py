"""Pinned query counts: every storefront page costs the same number of queries for 5 products or 30.

The numbers are exact on purpose. A new query on a page should be a decision, made here in the open.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from allegra.catalog.models import Metal, Stone
from allegra.catalog.search import index_products
from tests.catalog.conftest import variant_spec

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    """These counts are of pages really rendered; what a page served from the page cache costs is pinned
    in tests/catalog/test_page_cache.py."""
    settings.PAGE_CACHE_SECONDS = 0


# home: header categories, featured collections + their cover product + its image, categories + cover product
# + image, new arrivals + their images.
HOME_QUERIES = 9
# category: header categories, the category, count, the page of products, their first images.
CATEGORY_QUERIES = 5
# collection: the same shape as a category page.
COLLECTION_QUERIES = 5
# product: header categories, the product (with category and collection), its variants, its images, related
# products, their first images.
PRODUCT_QUERIES = 6
# search: header categories, the search index version, the engine, the products of the page, their first
# images, and the search record. The engine answers with one query when the results fit on one page and
# counts the rest with a second when they fill it; a page the engine cached for this index version costs no
# engine query at all. None of it grows with the number of results.
SEARCH_QUERIES_ONE_PAGE = 6
SEARCH_QUERIES_MORE_PAGES = 7
SEARCH_QUERIES_CACHED = 5


def build_catalogue(size: int, make_category, make_collection, make_product) -> dict:
    rings = make_category(slug="rings", name_en="Rings", name_el="Δαχτυλίδια", has_ring_sizes=True)
    make_category(slug="necklaces", name_en="Necklaces", name_el="Κολιέ")
    aegean = make_collection(slug="aegean", name_en="Aegean", is_featured=True)
    make_collection(slug="meltemi", name_en="Meltemi", is_featured=True)
    for number in range(size):
        make_product(
            category=rings,
            collection=aegean,
            slug=f"ring-{number}",
            name_en=f"Signet ring {number}",
            name_el=f"Δαχτυλίδι σεβαλιέ {number}",
            images=2,
            variants=[
                variant_spec(metal=Metal.GOLD_18K, stone=Stone.DIAMOND, price=f"{300 + number}", ring_size=52),
                variant_spec(metal=Metal.SILVER_925, price=f"{90 + number}", ring_size=54, stock=0),
            ],
        )
    index_products()
    return {"rings": rings, "aegean": aegean}


PAGES = [
    ("/el/", HOME_QUERIES),
    ("/en/c/rings/", CATEGORY_QUERIES),
    ("/el/c/rings/?sort=price_desc&page=1", CATEGORY_QUERIES),
    ("/en/c/rings/?metal=gold-18k&stone=diamond&in_stock=1&price_min=10&price_max=9000", CATEGORY_QUERIES),
    ("/en/collections/aegean/?sort=name", COLLECTION_QUERIES),
    ("/en/p/ring-1/", PRODUCT_QUERIES),
    ("/el/p/ring-1/?variant=SKU-does-not-exist", PRODUCT_QUERIES),
    ("/en/collections/aegean/?page=2", COLLECTION_QUERIES),
]
SEARCHES = ["/en/search/?q=signet", "/el/search/?q=daxtylidi", "/el/search/?q=Δαχτυλίδι%20σεβαλιέ"]


@pytest.mark.parametrize("size", [5, 30])
@pytest.mark.parametrize(("path", "expected"), PAGES)
def test_query_count_is_pinned_whatever_the_catalogue_size(
    client, make_category, make_collection, make_product, size, path, expected
):
    build_catalogue(size, make_category, make_collection, make_product)
    client.get(path)  # warm-up: the first request may load things a process loads once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    listed = response.context.get("page_obj")
    if listed is not None and "page=2" not in path:
        assert len(listed.object_list) == min(size, 24), "the page really lists the products"
    assert len(queries) == expected, "\n".join(query["sql"] for query in queries.captured_queries)


@pytest.mark.parametrize(
    ("size", "expected"),
    [(5, SEARCH_QUERIES_ONE_PAGE), (30, SEARCH_QUERIES_MORE_PAGES), (60, SEARCH_QUERIES_MORE_PAGES)],
)
@pytest.mark.parametrize("path", SEARCHES)
def test_search_query_count_is_pinned(client, make_category, make_collection, make_product, size, expected, path):
    build_catalogue(size, make_category, make_collection, make_product)
    client.get(path)  # warm-up: loads the vocabulary of this index version once per process
    cache.clear()  # then measure a search the result cache has not seen
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == min(size, 24)
    assert len(queries) == expected, "\n".join(query["sql"] for query in queries.captured_queries)

    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    assert len(queries) == SEARCH_QUERIES_CACHED, "\n".join(query["sql"] for query in queries.captured_queries)


def test_listing_query_count_with_django_assert(
    client, make_category, make_collection, make_product, django_assert_num_queries
):
    build_catalogue(30, make_category, make_collection, make_product)
    client.get("/en/c/rings/")
    with django_assert_num_queries(CATEGORY_QUERIES):
        client.get("/en/c/rings/?page=2")


def test_page_with_unknown_slug_stays_cheap(
    client, make_category, make_collection, make_product, django_assert_max_num_queries
):
    build_catalogue(5, make_category, make_collection, make_product)
    # The slug lookup, then the 404 page's header categories.
    with django_assert_max_num_queries(2):
        assert client.get("/en/p/missing/").status_code == 404
