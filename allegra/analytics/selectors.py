"""Aggregate reads of the search log for staff. Nothing here returns single searches."""

from datetime import datetime
from typing import TypedDict

from django.db.models import Count, Max, Q, QuerySet

from allegra.analytics.models import SearchRecord


class SearchSummary(TypedDict):
    normalized_query: str
    searches: int
    zero_result_searches: int
    last_searched_at: datetime


def _window(*, since: datetime | None, until: datetime | None, language: str | None) -> QuerySet[SearchRecord]:
    records = SearchRecord.objects.all()
    if since is not None:
        records = records.filter(searched_at__gte=since)
    if until is not None:
        records = records.filter(searched_at__lt=until)
    if language:
        records = records.filter(language=language)
    return records


def _summaries(records: QuerySet[SearchRecord], *, limit: int) -> list[SearchSummary]:
    rows = (
        records.order_by()
        .values("normalized_query")
        .annotate(
            searches=Count("id"),
            zero_result_searches=Count("id", filter=Q(result_count=0)),
            last_searched_at=Max("searched_at"),
        )
        .order_by("-searches", "normalized_query")[: max(0, limit)]
    )
    return [SearchSummary(**row) for row in rows]


def top_searches(
    *, since: datetime | None = None, until: datetime | None = None, language: str | None = None, limit: int = 20
) -> list[SearchSummary]:
    """The most frequent queries in the window [since, until), most searched first."""
    return _summaries(_window(since=since, until=until, language=language), limit=limit)


def zero_result_searches(
    *, since: datetime | None = None, until: datetime | None = None, language: str | None = None, limit: int = 20
) -> list[SearchSummary]:
    """Queries that found nothing in the window, most frequent first: the words the catalogue is missing."""
    records = _window(since=since, until=until, language=language).filter(result_count=0)
    return _summaries(records, limit=limit)
