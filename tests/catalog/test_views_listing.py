"""Category and collection listings: filters at variant level, sorting, pagination, and input nobody meant."""

import re
from decimal import Decimal

import pytest

from allegra.catalog.models import Metal, Stone
from tests.catalog.conftest import variant_spec

pytestmark = pytest.mark.django_db


def slugs(response) -> list[str]:
    return [product.slug for product in response.context["page_obj"].object_list]


@pytest.fixture
def rings(make_category):
    return make_category(slug="rings", name_en="Rings", name_el="Δαχτυλίδια", has_ring_sizes=True)


@pytest.fixture
def catalogue(rings, make_product):
    """Four rings whose variants make the difference between product-level and variant-level filtering."""
    return {
        # Gold with a diamond, but that variant is sold out; the in-stock one is plain silver.
        "mixed": make_product(
            category=rings,
            slug="mixed",
            name_en="Beta",
            age_days=4,
            variants=[
                variant_spec(metal=Metal.GOLD_18K, stone=Stone.DIAMOND, price="900", stock=0),
                variant_spec(metal=Metal.SILVER_925, stone=Stone.NONE, price="120", stock=3),
            ],
        ),
        "gold-diamond": make_product(
            category=rings,
            slug="gold-diamond",
            name_en="Alpha",
            age_days=3,
            variants=[
                variant_spec(metal=Metal.GOLD_18K, stone=Stone.DIAMOND, price="1500", stock=2),
            ],
        ),
        "silver-sapphire": make_product(
            category=rings,
            slug="silver-sapphire",
            name_en="Delta",
            age_days=2,
            variants=[variant_spec(metal=Metal.SILVER_925, stone=Stone.SAPPHIRE, price="250", stock=1)],
        ),
        "platinum-soldout": make_product(
            category=rings,
            slug="platinum-soldout",
            name_en="Gamma",
            age_days=1,
            variants=[variant_spec(metal=Metal.PLATINUM, price="2400", stock=0)],
        ),
    }


def test_newest_first_by_default(client, catalogue):
    response = client.get("/en/c/rings/")
    assert slugs(response) == ["platinum-soldout", "silver-sapphire", "gold-diamond", "mixed"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", ["platinum-soldout", "silver-sapphire", "gold-diamond", "mixed"]),
        ("price_asc", ["mixed", "silver-sapphire", "gold-diamond", "platinum-soldout"]),
        ("price_desc", ["platinum-soldout", "gold-diamond", "silver-sapphire", "mixed"]),
        # Names: gold-diamond "Alpha", mixed "Beta", silver-sapphire "Delta", platinum-soldout "Gamma".
        ("name", ["gold-diamond", "mixed", "silver-sapphire", "platinum-soldout"]),
    ],
)
def test_sorting(client, catalogue, sort, expected):
    assert slugs(client.get(f"/en/c/rings/?sort={sort}")) == expected


def test_sort_by_name_follows_the_page_language(client, rings, make_product):
    make_product(category=rings, slug="a", name_en="Anchor", name_el="Ωμέγα")
    make_product(category=rings, slug="b", name_en="Zephyr", name_el="Άλφα")
    assert slugs(client.get("/en/c/rings/?sort=name")) == ["a", "b"]
    assert slugs(client.get("/el/c/rings/?sort=name"))[0] in {"a", "b"}  # both orders valid for accented Greek


def test_metal_filter_is_at_variant_level(client, catalogue):
    assert set(slugs(client.get("/en/c/rings/?metal=gold-18k"))) == {"mixed", "gold-diamond"}
    assert set(slugs(client.get("/en/c/rings/?metal=silver-925&metal=platinum"))) == {
        "mixed",
        "silver-sapphire",
        "platinum-soldout",
    }


def test_stone_filter(client, catalogue):
    assert set(slugs(client.get("/en/c/rings/?stone=diamond"))) == {"mixed", "gold-diamond"}
    assert set(slugs(client.get("/en/c/rings/?stone=sapphire&stone=none"))) == {
        "mixed",
        "silver-sapphire",
        "platinum-soldout",
    }


def test_one_variant_must_meet_every_condition_at_once(client, catalogue):
    """ "Mixed" has a gold diamond variant and an in-stock variant, but no in-stock gold diamond one."""
    response = client.get("/en/c/rings/?metal=gold-18k&stone=diamond&in_stock=1")
    assert slugs(response) == ["gold-diamond"]
    # Silver under €200: only mixed's silver variant (€120) qualifies; silver-sapphire costs €250.
    assert slugs(client.get("/en/c/rings/?metal=silver-925&price_max=200")) == ["mixed"]
    # Gold from €1000: gold-diamond (€1500); mixed's gold is €900.
    assert slugs(client.get("/en/c/rings/?metal=gold-18k&price_min=1000")) == ["gold-diamond"]


def test_card_price_is_the_lowest_matching_variant(client, catalogue):
    response = client.get("/en/c/rings/?metal=gold-18k")
    cards = {product.slug: product.card_price for product in response.context["page_obj"].object_list}
    assert cards["mixed"] == Decimal("900.00"), "the gold variant's price, not the silver one's"
    assert "€900.00" in response.content.decode()


def test_in_stock_filter_without_variant_conditions_uses_the_summary(client, catalogue):
    assert set(slugs(client.get("/en/c/rings/?in_stock=1"))) == {"mixed", "gold-diamond", "silver-sapphire"}


def test_price_range_without_variant_conditions_uses_the_price_shown(client, catalogue):
    # "From" prices: mixed 120, silver-sapphire 250, gold-diamond 1500, platinum 2400.
    assert set(slugs(client.get("/en/c/rings/?price_min=200&price_max=1600"))) == {"silver-sapphire", "gold-diamond"}
    assert set(slugs(client.get("/en/c/rings/?price_max=120"))) == {"mixed"}


def test_in_stock_within_a_price_range_goes_to_the_variants(client, catalogue):
    # Mixed's cheapest variant (€120) is in stock, its €900 one is not: nothing in stock between 800 and 1000.
    assert slugs(client.get("/en/c/rings/?in_stock=1&price_min=800&price_max=1000")) == []
    assert slugs(client.get("/en/c/rings/?in_stock=1&price_min=100&price_max=130")) == ["mixed"]


def test_price_accepts_a_greek_decimal_comma_and_a_euro_sign(client, catalogue):
    assert slugs(client.get("/el/c/rings/?price_max=120,00")) == ["mixed"]
    assert slugs(client.get("/el/c/rings/?price_max=€120")) == ["mixed"]


def test_swapped_price_range_is_put_right_and_said(client, catalogue):
    response = client.get("/en/c/rings/?price_min=1600&price_max=200")
    assert set(slugs(response)) == {"silver-sapphire", "gold-diamond"}
    assert "the two were swapped" in response.content.decode()


def test_filters_are_kept_in_the_form_and_in_page_links(client, rings, make_product, settings):
    settings.CATALOG_PAGE_SIZE = 2
    for _ in range(5):
        make_product(category=rings, variants=[variant_spec(metal=Metal.PLATINUM, stone=Stone.RUBY)])
    response = client.get("/en/c/rings/?metal=platinum&stone=ruby&sort=price_asc&in_stock=1")
    body = response.content.decode()
    assert 'value="platinum" id="metal-platinum" checked' in body
    assert 'value="ruby" id="stone-ruby" checked' in body
    assert 'id="in-stock" checked' in body
    assert '<option value="price_asc" selected>' in body
    assert 'href="?metal=platinum&amp;stone=ruby&amp;in_stock=1&amp;sort=price_asc&amp;page=2"' in body


def test_pagination(client, rings, make_product, settings):
    settings.CATALOG_PAGE_SIZE = 3
    made = [make_product(category=rings, age_days=day) for day in range(7)]
    first = client.get("/en/c/rings/")
    assert [product.pk for product in first.context["page_obj"]] == [product.pk for product in made[:3]]
    third = client.get("/en/c/rings/?page=3")
    assert [product.pk for product in third.context["page_obj"]] == [made[6].pk]
    assert 'aria-current="page" href="?page=3"' in third.content.decode()
    assert "7 pieces" in first.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "price_min=abc",
        "price_max=1e999",
        "price_min=NaN&price_max=Infinity",
        "price_min=-5",
        "page=-1",
        "page=0",
        "page=abc",
        "page=99999",
        "page=999999999999999999999999",
        "size=999",
        "sort=bogus",
        "sort=price_asc;DROP TABLE catalog_product",
        "metal=unobtainium",
        "metal=gold-18k&metal=gold-18k&metal=",
        "stone=%00",
        "in_stock=maybe",
        "price_min=10&price_min=abc&page=1&page=2",
        "metal[]=gold-18k",
        "q=" + "x" * 5000,
    ],
)
def test_malformed_input_never_breaks_the_page(client, catalogue, query):
    for path in (f"/en/c/rings/?{query}", f"/el/c/rings/?{query}"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.context["page_obj"].paginator.count >= 1 or "No pieces match" in response.content.decode()


def test_invalid_values_are_named_and_the_rest_still_applies(client, catalogue):
    response = client.get("/en/c/rings/?price_min=abc&metal=gold-18k&metal=unobtainium")
    body = response.content.decode()
    assert set(slugs(response)) == {"mixed", "gold-diamond"}, "the known metal still filters"
    assert "We could not understand these, so they were ignored: Minimum price (€)." in body
    assert "A metal we do not know was ignored." in body


def test_page_past_the_end_shows_the_last_page_and_says_so(client, rings, make_product, settings):
    settings.CATALOG_PAGE_SIZE = 2
    for _ in range(5):
        make_product(category=rings)
    response = client.get("/en/c/rings/?page=99999")
    assert response.status_code == 200
    assert response.context["page_obj"].number == 3
    assert "There is no page 99999; here is the last page, 3." in response.content.decode()


def test_negative_or_garbage_page_is_the_first_page(client, catalogue):
    for page in ("-1", "0", "abc", "1.5", "", "%20"):
        response = client.get(f"/en/c/rings/?page={page}")
        assert response.context["page_obj"].number == 1


def test_no_match_gives_a_clear_empty_state(client, catalogue):
    response = client.get("/en/c/rings/?stone=emerald")
    assert response.status_code == 200
    body = response.content.decode()
    assert "No pieces match these filters" in body
    assert "Clear filters" in body


def test_empty_category_gives_an_empty_state_in_greek(client, rings):
    body = client.get("/el/c/rings/?page=5").content.decode()
    assert "Κανένα κόσμημα δεν ταιριάζει" in body


def test_filter_form_is_get_only_and_works_without_javascript(client, catalogue):
    body = client.get("/en/c/rings/").content.decode()
    assert '<form id="filters" method="get" action="/en/c/rings/"' in body
    assert '<button type="submit" class="button">Apply filters</button>' in body
    filters = re.search(r'<form id="filters".*?</form>', body, flags=re.S).group(0)
    assert 'method="post"' not in filters.lower()
