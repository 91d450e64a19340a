"""Writes of the search index: entries per product and the typo vocabulary."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from allegra.catalog.search.documents import CHUNK, VocabularyCounter, build_documents
from allegra.catalog.search.engines import get_engine
from allegra.catalog.search.models import SearchEntry, SearchTerm
from allegra.catalog.search.vocabulary import index_changed

BATCH = 1000
# Past this many products a partial reindex is a bulk load too, and the engine tidies up after it.
BULK = 1000


def _store_vocabulary(counter: VocabularyCounter, *, replace: bool) -> None:
    terms = [SearchTerm(key=key, word=word, frequency=frequency) for key, word, frequency in counter.terms()]
    if replace:
        SearchTerm.objects.all().delete()
        SearchTerm.objects.bulk_create(terms, batch_size=BATCH)
    else:
        # New spellings join the vocabulary; counts of known ones are refreshed by the next full reindex.
        SearchTerm.objects.bulk_create(terms, batch_size=BATCH, ignore_conflicts=True)


def index_products(*, product_ids: Iterable[int] | None = None) -> int:
    """(Re)indexes the given products, or the whole catalogue for None. Returns the products indexed.

    Inactive or deleted products among them leave the index. Runs in one transaction, so a search never
    sees a half-built index.
    """
    ids = None if product_ids is None else sorted({int(pk) for pk in product_ids})
    if ids == []:
        return 0
    counter = VocabularyCounter()
    indexed = 0
    with transaction.atomic():
        if ids is None:
            SearchEntry.objects.all().delete()
        else:
            for start in range(0, len(ids), CHUNK):
                SearchEntry.objects.filter(product_id__in=ids[start : start + CHUNK]).delete()
        batch: list[SearchEntry] = []
        for document in build_documents(product_ids=ids, vocabulary=counter):
            batch.append(
                SearchEntry(
                    product_id=document.product_id, title_keys=document.title_keys, body_keys=document.body_keys
                )
            )
            if len(batch) >= BATCH:
                SearchEntry.objects.bulk_create(batch)
                indexed += len(batch)
                batch = []
        SearchEntry.objects.bulk_create(batch)
        indexed += len(batch)
        _store_vocabulary(counter, replace=ids is None)
        index_changed()
        if ids is None or len(ids) >= BULK:
            get_engine().after_bulk_index()
    return indexed
