"""Catalogue search: one interface, an SQLite FTS5 engine and a PostgreSQL full-text engine behind it.

    search_products(query=..., language=..., limit=24, offset=0) -> SearchResults
    index_products(product_ids=None) -> int

How a query runs (see `normalize` for the canonical keys that make Greek, Greeklish and English meet):
1. The query is folded and cut into at most MAX_TERMS words; each word becomes its canonical key. The last
   word also matches as a prefix (the shopper may still be typing).
2. The index version is read (one small query). The engine of the database (`engines.get_engine`) returns
   one ranked page and the total (one query, two when the page is full), unless Django's cache already
   holds that page for this index version: popular searches repeat, and a version changes with every
   index write, so a cached page is never stale.
3. Only when nothing is found are unknown words corrected against the vocabulary of indexed keys (one edit,
   words of MIN_CORRECTABLE_LENGTH letters or more); words that stay unknown are dropped when others are
   known; then the engine runs once more.
Nothing a shopper types can raise: user text never reaches an FTS query language, only [a-z0-9] keys do.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache

from allegra.catalog.search.engines import MatchTerm, get_engine
from allegra.catalog.search.indexer import index_products
from allegra.catalog.search.normalize import QueryWord, parse_query
from allegra.catalog.search.vocabulary import MIN_CORRECTABLE_LENGTH, index_changed, index_version, vocabulary_for

__all__ = ["SearchResults", "index_changed", "index_products", "index_version", "search_products"]

MAX_LIMIT = 200
MAX_OFFSET = 1_000_000
# A one-letter prefix matches most of the catalogue and says nothing; such a last word must match whole.
MIN_PREFIX_LENGTH = 2
# Cached pages die with their index version anyway; the timeout only frees memory of searches not repeated.
RESULT_CACHE_SECONDS = 600


@dataclass(frozen=True)
class SearchResults:
    product_ids: list[int]  # the requested page, best match first (title matches before body matches)
    total: int  # all matching active products
    normalized_query: str  # the query as the engine understood it (accents/case folded, cleaned)
    corrections: dict[str, str] = field(default_factory=dict)  # typo corrections applied


def _nothing() -> SearchResults:
    # A new object each time: the lists and dicts inside a frozen dataclass can still be changed by a caller.
    return SearchResults(product_ids=[], total=0, normalized_query="", corrections={})


def _bounded(value: object, *, low: int, high: int, default: int) -> int:
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return default
    return min(max(number, low), high)


def _terms(query_words: list[QueryWord]) -> list[MatchTerm]:
    last = len(query_words) - 1
    return [
        MatchTerm(key=word.key, prefix=index == last and len(word.key) >= MIN_PREFIX_LENGTH)
        for index, word in enumerate(query_words)
    ]


@dataclass
class _Plan:
    words: list[str]
    terms: list[MatchTerm]
    corrections: dict[str, str]


def _repair(query_words: list[QueryWord], terms: list[MatchTerm], *, version: str) -> _Plan:
    """Corrects unknown words by one edit; drops words that stay unknown if any word is known."""
    vocabulary = vocabulary_for(version)
    kept: list[tuple[str, MatchTerm, bool]] = []  # (word, term, known)
    corrections: dict[str, str] = {}
    for query_word, term in zip(query_words, terms, strict=True):
        if vocabulary.knows(term.key, prefix=term.prefix):
            kept.append((query_word.word, term, True))
            continue
        correction = None
        if len(query_word.word) >= MIN_CORRECTABLE_LENGTH and query_word.key.isalpha():
            correction = vocabulary.correct(term.key, typed=query_word.word, prefix=term.prefix)
        if correction is None:
            kept.append((query_word.word, term, False))
        else:
            corrections[query_word.word] = correction.word
            kept.append((correction.word, MatchTerm(key=correction.key, prefix=term.prefix), True))
    if any(known for _word, _term, known in kept):
        kept = [item for item in kept if item[2]]
    return _Plan(words=[word for word, _t, _k in kept], terms=[term for _w, term, _k in kept], corrections=corrections)


def _engine_search(*, terms: list[MatchTerm], limit: int, offset: int, version: str) -> tuple[list[int], int]:
    """The engine's page and total, through the result cache of this index version."""
    spelled = "|".join(term.key + ("*" if term.prefix else "") for term in terms)
    digest = hashlib.blake2b(f"{version}:{limit}:{offset}:{spelled}".encode(), digest_size=16).hexdigest()
    cache_key = f"catalog.search.page:{digest}"
    cached = cache.get(cache_key)
    if cached is not None:
        return cached
    found = get_engine().search(terms=terms, limit=limit, offset=offset)
    cache.set(cache_key, found, RESULT_CACHE_SECONDS)
    return found


def search_products(*, query: str, language: str, limit: int = 24, offset: int = 0) -> SearchResults:
    """Active products matching every word of `query`, best first. Never raises on any input.

    `language` is the shopper's language; matching is the same in both, as every product is indexed in
    Greek and English alike.
    """
    query_words = parse_query(query)
    if not query_words:
        return _nothing()
    limit = _bounded(limit, low=0, high=MAX_LIMIT, default=24)
    offset = _bounded(offset, low=0, high=MAX_OFFSET, default=0)
    version = index_version()
    terms = _terms(query_words)
    words = [word.word for word in query_words]
    corrections: dict[str, str] = {}
    product_ids, total = _engine_search(terms=terms, limit=limit, offset=offset, version=version)
    if total == 0:
        plan = _repair(query_words, terms, version=version)
        if plan.terms != terms:
            words, corrections = plan.words, plan.corrections
            product_ids, total = _engine_search(terms=plan.terms, limit=limit, offset=offset, version=version)
    return SearchResults(
        product_ids=product_ids, total=total, normalized_query=" ".join(words), corrections=corrections
    )
