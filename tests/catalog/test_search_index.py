"""Writing the index: entries, engine structures, the vocabulary and the index version."""

import pytest
from django.db import connection

from allegra.catalog.models import Metal, Product, SearchEntry, SearchIndexState, SearchTerm, Stone
from allegra.catalog.search import index_products, search_products
from allegra.catalog.search.vocabulary import index_version, vocabulary_for
from allegra.catalog.services import product_changed
from tests.catalog import search_factories as factories

sqlite_only = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="the SQLite engine's FTS5 table")
postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the PostgreSQL engine's column")


def search(query: str, **options):
    return search_products(query=query, language="el", **options)


@pytest.fixture
def ring(db):
    return factories.product(
        name_el="Δαχτυλίδι Ελιά",
        name_en="Olive Leaf Ring",
        description_el="Χρυσό δαχτυλίδι.",
        description_en="A gold ring.",
        metal=Metal.GOLD_18K,
        stone=Stone.DIAMOND,
    )


def test_an_entry_holds_keys_of_both_languages(ring):
    assert index_products(product_ids=[ring.pk]) == 1
    entry = SearchEntry.objects.get(product=ring)
    assert entry.title_keys == "daxtilidi elia olive leaf rig"
    for key in ("xriso", "gold", "diamadi", "diamond", "daxtilidia", "rig"):  # material and category words
        assert key in entry.body_keys.split()


def test_only_active_products_are_indexed(db):
    shown = factories.product(name_el="Κολιέ", name_en="Necklace", category_slug="necklaces")
    hidden = factories.product(name_el="Κολιέ", name_en="Necklace", category_slug="necklaces", is_active=False)
    assert index_products() == 1
    assert list(SearchEntry.objects.values_list("product_id", flat=True)) == [shown.pk]
    assert index_products(product_ids=[hidden.pk]) == 0


def test_reindexing_replaces_and_never_duplicates(ring):
    index_products()
    index_products()
    index_products(product_ids=[ring.pk, ring.pk])
    assert SearchEntry.objects.count() == 1
    assert search("olive").total == 1


def test_nothing_to_index(db):
    assert index_products(product_ids=[]) == 0
    assert index_products(product_ids=[987654]) == 0
    assert index_products() == 0
    assert search("anything").total == 0


def test_every_index_write_gives_a_new_version(ring):
    assert index_version() == ""
    index_products()
    first = index_version()
    index_products(product_ids=[ring.pk])
    second = index_version()
    assert first and second and first != second


def test_deleting_a_product_gives_a_new_version(ring):
    index_products()
    before = index_version()
    ring.delete()
    assert index_version() not in ("", before)


def test_the_vocabulary_has_every_spelling_of_a_key(ring):
    index_products()
    spellings = set(SearchTerm.objects.filter(key="daxtilidi").values_list("word", flat=True))
    assert spellings == {"δαχτυλιδι"}
    assert set(SearchTerm.objects.filter(key="rig").values_list("word", flat=True)) == {"ring", "rings"}
    vocabulary = vocabulary_for(index_version())
    assert vocabulary.knows("daxt", prefix=True) and not vocabulary.knows("daxt")


def test_the_vocabulary_follows_the_index(ring):
    index_products()
    assert search("tiara").total == 0  # loads the vocabulary of this version
    tiara = factories.product(name_el="Τιάρα", name_en="Tiara", category_slug="charms")
    index_products(product_ids=[tiara.pk])
    results = search("tiera")  # a typo of a word the loaded vocabulary did not know yet
    assert results.product_ids == [tiara.pk]
    assert results.corrections == {"tiera": "tiara"}


def test_a_full_reindex_forgets_words_of_products_gone(ring):
    tiara = factories.product(name_el="Τιάρα", name_en="Tiara", category_slug="charms")
    index_products()
    Product.objects.filter(pk=tiara.pk).update(is_active=False)
    index_products()
    assert not SearchTerm.objects.filter(key="tiara").exists()
    assert search("tiera").corrections == {}


def test_product_changed_reindexes_on_commit(ring, django_capture_on_commit_callbacks):
    index_products()
    ring.name_en = "Olive Branch Ring"
    ring.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        product_changed(product=ring)
    assert len(callbacks) == 1
    assert search("branch").product_ids == [ring.pk]


def test_bulk_indexing_costs_the_same_queries_for_any_catalogue_size(db, django_assert_max_num_queries):
    factories.catalogue(60)
    with django_assert_max_num_queries(25) as small:
        assert index_products() == 60
    factories.catalogue(600, seed=8)
    with django_assert_max_num_queries(25) as large:
        assert index_products() == 660
    assert len(large.captured_queries) - len(small.captured_queries) <= 2  # one more insert batch at most


def test_a_bulk_indexed_catalogue_is_searchable(db):
    factories.catalogue(300)
    index_products()
    rings = search("δαχτυλίδι", limit=500)
    assert rings.total == Product.objects.filter(category__slug="rings").count() > 0
    assert search("daxtylidi").total == rings.total


@sqlite_only
def test_sqlite_fts_table_follows_the_entries(ring):
    index_products()
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM catalog_search_fts WHERE catalog_search_fts MATCH 'olive'")
        assert cursor.fetchall() == [(ring.pk,)]
        SearchEntry.objects.filter(pk=ring.pk).update(title_keys="tiara")
        cursor.execute("SELECT rowid FROM catalog_search_fts WHERE catalog_search_fts MATCH 'olive'")
        assert cursor.fetchall() == []
        SearchEntry.objects.all().delete()
        cursor.execute("SELECT count(*) FROM catalog_search_fts WHERE catalog_search_fts MATCH 'tiara'")
        assert cursor.fetchone() == (0,)


@postgresql_only
def test_postgresql_document_is_weighted_and_indexed(ring):
    index_products()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT document @@ to_tsquery('simple', 'olive:A'), document @@ to_tsquery('simple', 'gold:A'),"
            " document @@ to_tsquery('simple', 'gold:B') FROM catalog_searchentry WHERE product_id = %s",
            [ring.pk],
        )
        assert cursor.fetchone() == (True, False, True)
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'catalog_searchentry_document'")
        assert "gin (document)" in cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_search_sees_committed_changes_only_through_the_index():
    """With real commits: on_commit reindexing, the engine's triggers or generated column, the cache."""
    necklace = factories.product(name_el="Κολιέ Κύμα", name_en="Wave Necklace", category_slug="necklaces")
    index_products()
    assert search("kolie").product_ids == [necklace.pk]
    necklace.is_active = False
    necklace.save()
    product_changed(product=necklace)  # outside a transaction: runs now
    assert search("kolie").total == 0
    assert SearchIndexState.objects.count() == 1
