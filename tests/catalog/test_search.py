"""Search behaviour through the public interface, on the engine of the configured database.

The suite runs on SQLite (FTS5) by default and on PostgreSQL with DATABASE_URL; every test here must pass
on both.
"""

from types import SimpleNamespace

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allegra.catalog.models import Metal, Product, Stone
from allegra.catalog.search import SearchResults, index_products, search_products
from allegra.catalog.search.engines import get_engine
from allegra.catalog.services import product_changed
from tests.catalog import search_factories as factories

FTS_OPERATORS = "\" * NEAR ( ) ' -- OR AND NOT ^ :"


@pytest.fixture
def shop(db):
    """A small shop: rings, a necklace, earrings, a bracelet, a charm that mentions necklaces, a hidden ring."""
    items = SimpleNamespace(
        olive_ring=factories.product(
            name_el="Δαχτυλίδι Ελιά",
            name_en="Olive Leaf Ring",
            description_el="Χειροποίητο χρυσό δαχτυλίδι με φύλλα ελιάς.",
            description_en="A handmade gold ring with olive leaves.",
            category_slug="rings",
            metal=Metal.GOLD_18K,
        ),
        sapphire_ring=factories.product(
            name_el="Δαχτυλίδι Μονόπετρο με Ζαφείρι",
            name_en="Sapphire Solitaire Ring",
            description_el="Ένα ζαφείρι σε λευκόχρυσο.",
            description_en="One sapphire set in white gold.",
            category_slug="rings",
            metal=Metal.WHITE_GOLD_18K,
            stone=Stone.SAPPHIRE,
        ),
        necklace=factories.product(
            name_el="Κολιέ Κύμα",
            name_en="Wave Necklace",
            description_el="Λεπτή αλυσίδα με κύματα του Αιγαίου.",
            description_en="A fine chain with the waves of the Aegean.",
            category_slug="necklaces",
            collection_slug="aegean",
            metal=Metal.SILVER_925,
        ),
        earrings=factories.product(
            name_el="Σκουλαρίκια Αστέρι",
            name_en="Star Earrings",
            description_el="Μικρά αστέρια για κάθε μέρα.",
            description_en="Small stars for every day.",
            category_slug="earrings",
            metal=Metal.GOLD_14K,
        ),
        bracelet=factories.product(
            name_el="Βραχιόλι Μαίανδρος",
            name_en="Meander Bracelet",
            description_el="Ο μαίανδρος σε ασήμι.",
            description_en="The meander in silver.",
            category_slug="bracelets",
            metal=Metal.PLATINUM,
        ),
        charm=factories.product(
            name_el="Μενταγιόν Καρδιά",
            name_en="Heart Charm",
            description_el="Φοριέται σε κολιέ ή σε βραχιόλι.",
            description_en="Wear it on a necklace or a bracelet.",
            category_slug="charms",
            metal=Metal.GOLD_14K,
        ),
        hidden_ring=factories.product(
            name_el="Δαχτυλίδι Αρχείου",
            name_en="Archive Ring",
            description_el="Δεν πωλείται πια.",
            description_en="No longer sold.",
            category_slug="rings",
            is_active=False,
        ),
    )
    index_products()
    return items


def ids(results: SearchResults) -> list[int]:
    return list(results.product_ids)


def search(query, **options) -> SearchResults:
    return search_products(query=query, language=options.pop("language", "el"), **options)


def test_the_engine_is_the_one_of_the_database():
    assert get_engine().__name__.rsplit(".", 1)[-1] == connection.vendor


@pytest.mark.parametrize("query", ["δαχτυλιδι", "Δαχτυλίδι", "ΔΑΧΤΥΛΊΔΙ", "δαχτυλίδι"])
def test_greek_without_accents_or_case_finds_rings(shop, query):
    results = search(query)
    assert set(ids(results)) == {shop.olive_ring.pk, shop.sapphire_ring.pk}
    assert results.total == 2
    assert results.normalized_query == "δαχτυλιδι"
    assert results.corrections == {}


@pytest.mark.parametrize("query", ["daxtylidi", "dachtylidi", "DAXTYLIDI", "daxtilidi"])
def test_greeklish_finds_rings(shop, query):
    assert set(ids(search(query))) == {shop.olive_ring.pk, shop.sapphire_ring.pk}


@pytest.mark.parametrize("query", ["kolie", "κολιε", "Κολιέ"])
def test_kolie_finds_the_necklace_first(shop, query):
    results = search(query)
    assert ids(results)[0] == shop.necklace.pk
    assert shop.charm.pk in ids(results)  # its description mentions necklaces


def test_english_finds_by_name(shop):
    results = search("ring", language="en")
    assert set(ids(results)) == {shop.olive_ring.pk, shop.sapphire_ring.pk}
    assert shop.earrings.pk not in ids(results)  # "ring" is not "earrings"


@pytest.mark.parametrize(
    ("query", "expected", "corrections"),
    [
        ("neklace", "necklace", {"neklace": "necklace"}),
        ("brcelet", "bracelet", {"brcelet": "bracelet"}),
        ("braclet", "bracelet", {"braclet": "bracelet"}),
        ("saphire", "sapphire_ring", {}),  # same sound as "sapphire": the key already matches
        ("daxtylidhi", "olive_ring", {}),
        ("daktylidi", "olive_ring", {"daktylidi": "δαχτυλιδι"}),
        ("σκουλαρικα", "earrings", {"σκουλαρικα": "σκουλαρικια"}),
    ],
)
def test_one_typo_per_word_is_forgiven(shop, query, expected, corrections):
    results = search(query)
    assert getattr(shop, expected).pk in ids(results)
    assert results.corrections == corrections


def test_corrections_are_shown_in_the_normalized_query(shop):
    results = search("gold neklace", language="en")
    assert results.normalized_query == "gold necklace"
    assert results.corrections == {"neklace": "necklace"}


def test_typo_in_a_word_still_being_typed(shop):
    results = search("neklac", language="en")
    assert ids(results)[0] == shop.necklace.pk
    assert results.corrections == {"neklac": "necklace"}


def test_short_words_are_not_guessed_at(shop):
    assert search("rign").total > 0  # four letters: corrected to "ring"
    assert search("rin x").corrections == {}


def test_unknown_words_are_dropped_when_others_are_known(shop):
    results = search("necklace for my grandmother", language="en")
    assert ids(results)[0] == shop.necklace.pk
    assert "grandmother" not in results.normalized_query


def test_a_search_for_nothing_known_finds_nothing(shop):
    results = search("tiara")
    assert results.product_ids == [] and results.total == 0


@pytest.mark.parametrize("query", ["daxty", "δαχτ", "neckl", "σκουλα", "brace"])
def test_the_last_word_matches_as_a_prefix(shop, query):
    assert search(query).total > 0


def test_prefix_of_the_last_word_only(shop):
    assert ids(search("sapphire daxty")) == [shop.sapphire_ring.pk]
    # not the last word, "daxty" must match whole: it matches nothing, so it is left out
    assert search("daxty sapphire").normalized_query == "sapphire"


def test_title_matches_rank_before_description_matches(shop):
    for query in ("necklace", "κολιέ", "kolie"):
        found = ids(search(query))
        assert found.index(shop.necklace.pk) < found.index(shop.charm.pk), query
    found = ids(search("βραχιόλι"))
    assert found.index(shop.bracelet.pk) < found.index(shop.charm.pk)


def test_every_word_must_match(shop):
    assert ids(search("δαχτυλίδι ζαφείρι")) == [shop.sapphire_ring.pk]
    assert ids(search("ring sapphire", language="en")) == [shop.sapphire_ring.pk]
    assert search("ring necklace").total == 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("πλατίνα", "bracelet"),  # metal label, Greek
        ("platinum", "bracelet"),  # metal label, English
        ("ασημένιο", "necklace"),  # everyday word for 925 silver
        ("λευκόχρυσο", "sapphire_ring"),
        ("αιγαίο", "necklace"),  # collection name
        ("aegean", "necklace"),
        ("Σκουλαρίκια", "earrings"),  # category name
        ("bracelets", "bracelet"),
        ("18K", "olive_ring"),  # carats: letters and digits in one word
        ("18κ", "sapphire_ring"),  # with a Greek kappa
        ("925", "necklace"),
    ],
)
def test_materials_collections_and_categories_are_searchable(shop, query, expected):
    assert getattr(shop, expected).pk in ids(search(query))


def test_inactive_products_are_hidden(shop):
    assert search("archive").total == 0
    assert shop.hidden_ring.pk not in ids(search("δαχτυλίδι"))


def test_ties_come_back_in_the_same_order(shop):
    first = ids(search("gold", limit=10))
    assert first == ids(search("gold", limit=10))


def test_equal_matches_are_ordered_by_product(db):
    twins = [factories.product(name_el="Βραχιόλι Κύμα", name_en="Wave Bracelet") for _ in range(4)]
    index_products()
    assert ids(search("wave bracelet")) == sorted(twin.pk for twin in twins)


def test_pagination_counts_every_match(db):
    for number in range(7):
        factories.product(name_el=f"Δαχτυλίδι {number}", name_en=f"Ring {number}")
    index_products()
    first = search("ring", limit=3)
    second = search("ring", limit=3, offset=3)
    last = search("ring", limit=3, offset=6)
    beyond = search("ring", limit=3, offset=30)
    assert first.total == second.total == last.total == beyond.total == 7
    assert len(first.product_ids) == len(second.product_ids) == 3 and len(last.product_ids) == 1
    assert beyond.product_ids == []
    assert len(set(first.product_ids + second.product_ids + last.product_ids)) == 7


@pytest.mark.parametrize(("limit", "offset"), [(-5, -1), ("abc", None), (10**12, 10**12), (0, 0)])
def test_odd_limits_and_offsets_do_not_raise(shop, limit, offset):
    results = search("δαχτυλίδι", limit=limit, offset=offset)
    assert results.total in (0, 2)


@pytest.mark.parametrize("query", ["", "   ", "\n\t ", "\x00"])
def test_an_empty_query_finds_nothing(shop, query):
    assert search(query) == SearchResults(product_ids=[], total=0, normalized_query="", corrections={})


def test_a_ten_kilobyte_query_returns_normal_results(shop):
    results = search("δαχτυλίδι " * 1024)
    assert set(ids(results)) == {shop.olive_ring.pk, shop.sapphire_ring.pk}
    assert results.normalized_query == "δαχτυλιδι"
    assert search("x" * 10240).total == 0
    assert search("ring " + "necklace " * 2000).total == 0  # every word must match; no error


@pytest.mark.parametrize(
    "query",
    [
        FTS_OPERATORS,
        f"ring {FTS_OPERATORS}",
        f"{FTS_OPERATORS} δαχτυλίδι",
        'ring" OR "1"="1',
        "ring*",
        "{title_keys}: ring",
        "title_keys:ring",
        "ring NOT gold",
        "NEAR(ring gold, 2)",
        "ring'); DROP TABLE catalog_product; --",
        "ring & | ! <-> :* :A",
        "😀 ring ✨",
    ],
)
def test_fts_operators_are_plain_text(shop, query):
    results = search(query)
    assert isinstance(results, SearchResults)
    if "ring" in query or "δαχτυλίδι" in query:
        assert shop.olive_ring.pk in ids(results)
    assert Product.objects.count() == 7


def test_a_query_of_operators_only_finds_nothing(shop):
    assert search(FTS_OPERATORS).total == 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    query=st.one_of(
        st.text(max_size=200),
        st.text(alphabet=st.sampled_from(list("\"*()'-^:{}[]+&|!<>~ ORANDNOTNEARδαχring")), max_size=80),
    ),
    offset=st.integers(min_value=-10, max_value=100),
)
def test_no_text_ever_raises(shop, query, offset):
    results = search(query, limit=5, offset=offset)
    assert results.total >= 0
    assert len(results.product_ids) <= 5
    assert set(results.product_ids) <= set(Product.objects.visible().values_list("pk", flat=True))


def test_a_search_takes_a_handful_of_queries(shop, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # index version, page, count
        search("δαχτυλίδι", limit=1)
    with django_assert_max_num_queries(1):  # the same page again comes from the cache
        search("daxtylidi", limit=1)
    with django_assert_max_num_queries(6):  # a typo: two searches and the vocabulary
        search("neklace")


def test_a_changed_product_is_found_by_its_new_name(shop, django_capture_on_commit_callbacks):
    assert search("δαχτυλίδι").total == 2  # cached now
    shop.necklace.name_el = "Δαχτυλίδι Κύμα"
    shop.necklace.name_en = "Wave Ring"
    shop.necklace.save()
    with django_capture_on_commit_callbacks(execute=True):
        product_changed(product=shop.necklace)
    assert shop.necklace.pk in ids(search("δαχτυλίδι"))
    assert search("wave ring").product_ids == [shop.necklace.pk]
    assert search("κύμα κολιέ").product_ids == [shop.necklace.pk]  # still in the necklaces category


def test_a_deactivated_product_disappears(shop, django_capture_on_commit_callbacks):
    assert shop.necklace.pk in ids(search("kolie"))
    shop.necklace.is_active = False
    shop.necklace.save()
    with django_capture_on_commit_callbacks(execute=True):
        product_changed(product=shop.necklace)
    assert shop.necklace.pk not in ids(search("kolie"))
    assert search("wave necklace").total == 0


def test_a_deleted_product_disappears(shop):
    assert search("meander").total == 1
    shop.bracelet.delete()
    assert search("meander").total == 0
    assert search("βραχιόλι").product_ids == [shop.charm.pk]
