"""The engine-specific part of search: how a list of keys becomes a ranked page of product ids.

Each engine module has the same two functions:
    search(*, terms, limit, offset) -> (product_ids, total)
    after_bulk_index() -> None
A search is one query for the page, plus one count query when the page is full or past the end.
Terms hold only canonical keys ([a-z0-9]+, see `normalize`), so no user text ever reaches an FTS query
language. Ranking: products whose title holds every term come first, then the engine's weighted score
(title over body), then the product id, so equal scores always come back in the same order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from django.db import connection


@dataclass(frozen=True)
class MatchTerm:
    key: str
    prefix: bool = False  # also match keys that begin with `key` (the word still being typed)


def page_and_total(
    *, page: Callable[[], list[int]], count: Callable[[], int], limit: int, offset: int
) -> tuple[list[int], int]:
    """Runs the page query, and the count query only when the page alone cannot tell the total."""
    ids = page() if limit > 0 else []
    if offset == 0 and limit > 0 and len(ids) < limit:
        return ids, len(ids)
    if offset > 0 and 0 < len(ids) < limit:
        return ids, offset + len(ids)
    return ids, count()


def get_engine() -> ModuleType:
    if connection.vendor == "postgresql":
        from allegra.catalog.search.engines import postgresql

        return postgresql
    if connection.vendor == "sqlite":
        from allegra.catalog.search.engines import sqlite

        return sqlite
    raise NotImplementedError(f"No catalogue search engine for the {connection.vendor} database")
