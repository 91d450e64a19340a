"""SQLite FTS5 engine. The FTS5 table `catalog_search_fts` mirrors `catalog_searchentry` through triggers
(migration catalog.0002); its rowid is the product id. The index holds active products only
(`index_products` removes the others), so no join with the product table is needed here."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from allegra.catalog.search.engines import MatchTerm, page_and_total

# One pass over the matches with a top-N sort: products whose title holds every term first, then bm25 with
# title hits weighing ten body hits, then the id. (A window COUNT(*) here would cost more than the search.)
_PAGE_SQL = """
SELECT rowid
FROM catalog_search_fts
WHERE catalog_search_fts MATCH %s
ORDER BY
    rowid IN (SELECT rowid FROM catalog_search_fts WHERE catalog_search_fts MATCH %s) DESC,
    bm25(catalog_search_fts, 10.0, 1.0),
    rowid
LIMIT %s OFFSET %s
"""
# FTS5 answers a bare count from its doclists without touching the rows.
_COUNT_SQL = "SELECT COUNT(*) FROM catalog_search_fts WHERE catalog_search_fts MATCH %s"


def match_expression(terms: Sequence[MatchTerm]) -> str:
    """An FTS5 query: every term quoted (keys are [a-z0-9]+ already), prefix terms starred, all required."""
    return " AND ".join(f'"{term.key}"' + ("*" if term.prefix else "") for term in terms)


def search(*, terms: Sequence[MatchTerm], limit: int, offset: int) -> tuple[list[int], int]:
    expression = match_expression(terms)
    title_expression = f"{{title_keys}} : ({expression})"
    with connection.cursor() as cursor:

        def page() -> list[int]:
            cursor.execute(_PAGE_SQL, [expression, title_expression, limit, offset])
            return [row[0] for row in cursor.fetchall()]

        def count() -> int:
            cursor.execute(_COUNT_SQL, [expression])
            return cursor.fetchone()[0]

        return page_and_total(page=page, count=count, limit=limit, offset=offset)


def after_bulk_index() -> None:
    """Merges the many small FTS5 segments a bulk load leaves behind, so queries read one b-tree."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO catalog_search_fts(catalog_search_fts) VALUES ('optimize')")
