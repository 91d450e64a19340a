"""PostgreSQL full-text engine. `catalog_searchentry.document` is a stored generated tsvector ('simple'
configuration: the keys are already normalised) with the title at weight A and the body at weight B, under a
GIN index (migration catalog.0002). A title-only test is the same tsquery restricted to weight A. The index
holds active products only (`index_products` removes the others)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from allegra.catalog.search.engines import MatchTerm, page_and_total

# Products whose title holds every term first, then ts_rank (A = 1.0, B = 0.4), then the id.
_PAGE_SQL = """
SELECT product_id
FROM catalog_searchentry, to_tsquery('simple', %(query)s) AS query, to_tsquery('simple', %(title_query)s) AS title
WHERE document @@ query
ORDER BY document @@ title DESC, ts_rank(document, query) DESC, product_id
LIMIT %(limit)s OFFSET %(offset)s
"""
_COUNT_SQL = "SELECT COUNT(*) FROM catalog_searchentry WHERE document @@ to_tsquery('simple', %(query)s)"


def tsquery(terms: Sequence[MatchTerm], *, weights: str = "") -> str:
    """A to_tsquery text: quoted keys ([a-z0-9]+ already), `:*` for prefixes, optional weight labels."""
    parts = []
    for term in terms:
        label = ("*" if term.prefix else "") + weights
        parts.append(f"'{term.key}'" + (f":{label}" if label else ""))
    return " & ".join(parts)


def search(*, terms: Sequence[MatchTerm], limit: int, offset: int) -> tuple[list[int], int]:
    params = {"query": tsquery(terms), "title_query": tsquery(terms, weights="A"), "limit": limit, "offset": offset}
    with connection.cursor() as cursor:

        def page() -> list[int]:
            cursor.execute(_PAGE_SQL, params)
            return [row[0] for row in cursor.fetchall()]

        def count() -> int:
            cursor.execute(_COUNT_SQL, params)
            return cursor.fetchone()[0]

        return page_and_total(page=page, count=count, limit=limit, offset=offset)


def after_bulk_index() -> None:
    """Tidies up after a bulk load: GIN's pending list would otherwise be scanned by every query until the
    next vacuum, and fresh statistics let the planner choose between the index and a scan."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('catalog_searchentry_document'::regclass)")
        cursor.execute("ANALYZE catalog_searchentry")
