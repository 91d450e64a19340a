"""The search results page, with the real search engine behind it (SQLite FTS5 or PostgreSQL)."""

import pytest

from allegra.analytics.models import SearchRecord
from allegra.catalog.search import index_products
from tests.catalog.conftest import variant_spec

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(make_category, make_product):
    rings = make_category(slug="rings", name_el="Δαχτυλίδια", name_en="Rings", has_ring_sizes=True)
    necklaces = make_category(slug="necklaces", name_el="Κολιέ", name_en="Necklaces")
    products = {
        "ring": make_product(
            category=rings,
            slug="olive-ring",
            name_el="Δαχτυλίδι Ελιά",
            name_en="Olive ring",
            variants=[variant_spec(price="320")],
        ),
        "necklace": make_product(
            category=necklaces,
            slug="wave-necklace",
            name_el="Κολιέ Κύμα",
            name_en="Wave necklace",
            variants=[variant_spec(price="540")],
        ),
    }
    index_products()
    return products


def body(response) -> str:
    return response.content.decode()


def found(response) -> list[str]:
    return [product.slug for product in response.context["page_obj"].object_list]


def test_empty_query_shows_a_friendly_prompt_and_records_nothing(client, indexed):
    for path in ("/en/search/", "/en/search/?q=", "/en/search/?q=%20%20", "/el/search/?q=%00"):
        response = client.get(path)
        assert response.status_code == 200
        assert "Type a word to begin, or browse a category" in body(response) or "Γράψτε μια λέξη" in body(response)
    assert SearchRecord.objects.count() == 0
    assert '<a href="/en/c/rings/">Rings</a>' in body(client.get("/en/search/"))


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/en/search/?q=necklace", ["wave-necklace"]),
        ("/el/search/?q=κολιε", ["wave-necklace"]),
        ("/el/search/?q=Δαχτυλίδι", ["olive-ring"]),
        ("/el/search/?q=daxtylidi", ["olive-ring"]),
    ],
)
def test_search_finds_pieces_in_both_languages(client, indexed, path, expected):
    response = client.get(path)
    assert response.status_code == 200
    assert found(response) == expected
    assert 'class="product-card"' in body(response)


def test_result_count_and_query_are_shown(client, indexed):
    page = body(client.get("/en/search/?q=necklace"))
    assert "1 piece found for “necklace”" in page
    page_el = body(client.get("/el/search/?q=κολιέ"))
    assert "Βρέθηκε 1 κόσμημα για «κολιέ»" in page_el


def test_each_search_is_recorded_once_with_the_normalized_query(client, indexed):
    client.get("/el/search/?q=Κολιέ")
    records = list(SearchRecord.objects.all())
    assert len(records) == 1
    assert records[0].normalized_query == "κολιε"
    assert records[0].language == "el"
    assert records[0].result_count == 1


def test_turning_a_page_is_not_a_new_search(client, indexed, make_product, settings):
    settings.CATALOG_PAGE_SIZE = 1
    make_product(category=indexed["ring"].category, name_en="Signet ring", name_el="Δαχτυλίδι σεβαλιέ")
    index_products()
    assert client.get("/en/search/?q=ring").context["page_obj"].paginator.num_pages == 2
    client.get("/en/search/?q=ring&page=2")
    client.get("/en/search/?q=ring&page=99")
    assert SearchRecord.objects.count() == 1


def test_typo_is_corrected_and_said(client, indexed):
    response = client.get("/en/search/?q=neklace")
    assert found(response) == ["wave-necklace"]
    assert "Showing results for <strong>necklace</strong>" in body(response)


def test_no_results_gives_help(client, indexed):
    response = client.get("/en/search/?q=tiara")
    assert response.status_code == 200
    assert "Nothing matched your search" in body(response)
    assert SearchRecord.objects.get().result_count == 0


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_240,
        "\" * NEAR ( ) ' -- OR",
        "ring AND NOT necklace",
        "ring*",
        "{ring} [necklace] ^ring",
        "<script>alert(1)</script>",
        "'; DROP TABLE catalog_product; --",
        "%",
        "🙂 δαχτυλίδι",
    ],
)
def test_hostile_queries_return_a_normal_page(client, indexed, query):
    response = client.get("/en/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in body(response)


def test_page_past_the_end_shows_the_last_page(client, indexed, settings):
    settings.CATALOG_PAGE_SIZE = 1
    response = client.get("/en/search/?q=ring&page=99999")
    assert response.status_code == 200
    assert response.context["page_obj"].number == response.context["page_obj"].paginator.num_pages
    assert "There is no page 99999" in body(response)


@pytest.mark.parametrize("page", ["-1", "0", "abc", "1e3"])
def test_garbage_page_is_the_first(client, indexed, page):
    response = client.get(f"/en/search/?q=necklace&page={page}")
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1


def test_search_results_paginate_and_keep_the_query(client, make_category, make_product, settings):
    settings.CATALOG_PAGE_SIZE = 2
    rings = make_category(slug="rings", name_en="Rings", name_el="Δαχτυλίδια")
    for number in range(5):
        make_product(category=rings, name_en=f"Signet ring {number}", name_el=f"Δαχτυλίδι σεβαλιέ {number}")
    index_products()
    first = client.get("/en/search/?q=signet")
    assert first.context["page_obj"].paginator.count == 5
    assert len(found(first)) == 2
    assert 'href="?q=signet&amp;page=2"' in body(first)
    second = client.get("/en/search/?q=signet&page=2")
    assert not set(found(first)) & set(found(second))


def test_search_form_is_get_and_keeps_the_words(client, indexed):
    page = body(client.get("/en/search/?q=wave"))
    assert '<form role="search" class="search-large" action="/en/search/" method="get">' in page
    assert 'id="search-page-q" name="q" type="search" value="wave"' in page
    assert 'id="site-search-q" name="q" type="search" value="wave"' in page
