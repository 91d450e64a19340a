"""Aggregate reads for staff: the search log and the daily aggregates behind the dashboard. Nothing here returns
single searches or events, nor any visitor id."""

from datetime import date, datetime, timedelta
from typing import TypedDict

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from allegra.analytics.models import DailyAggregate, SearchRecord


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


# --- The staff dashboard (U5): reads of the daily aggregates only -------------------------------------------
#
# Each function is one GROUP BY over `DailyAggregate` for the inclusive day range and, when given, one
# language (None = all languages, summed). Their number of queries does not depend on the days or events.


def _aggregates(*, start: date, end: date, language: str | None, metrics: list[str]) -> QuerySet[DailyAggregate]:
    rows = DailyAggregate.objects.filter(day__gte=start, day__lte=end, metric__in=metrics)
    if language is not None:
        rows = rows.filter(language=language)
    return rows.order_by()


def _sum(metric: str) -> Coalesce:
    return Coalesce(Sum("count", filter=Q(metric=metric)), 0)


def visits_per_day(*, start: date, end: date, language: str | None = None) -> list[dict]:
    """Visitors and page views of every day in the range, days without figures as zeros, oldest first."""
    rows = (
        _aggregates(start=start, end=end, language=language, metrics=["visitors", "page_views"])
        .values("day")
        .annotate(visitors=_sum("visitors"), page_views=_sum("page_views"))
    )
    by_day = {row["day"]: row for row in rows}
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    return [
        {
            "day": day,
            "visitors": by_day.get(day, {}).get("visitors", 0),
            "page_views": by_day.get(day, {}).get("page_views", 0),
        }
        for day in days
    ]


def top_keys(*, metric: str, start: date, end: date, language: str | None = None, limit: int = 20) -> list[dict]:
    """The keys of one metric with the largest totals: [{"key", "total"}], largest first."""
    rows = (
        _aggregates(start=start, end=end, language=language, metrics=[metric])
        .values("key")
        .annotate(total=Sum("count"))
        .order_by("-total", "key")[: max(0, limit)]
    )
    return [{"key": row["key"], "total": row["total"]} for row in rows]


def top_products(*, start: date, end: date, language: str | None = None, limit: int = 20) -> list[dict]:
    """The most viewed products with their clicks, additions to the cart and purchases, named from the
    catalogue (a product deleted since shows its number)."""
    from allegra.catalog.models import Product

    metrics = ["product_views", "product_clicks", "add_to_cart", "purchases"]
    rows = list(
        _aggregates(start=start, end=end, language=language, metrics=metrics)
        .exclude(key="")
        .values("key")
        .annotate(
            views=_sum("product_views"),
            clicks=_sum("product_clicks"),
            added=_sum("add_to_cart"),
            purchased=_sum("purchases"),
        )
        .order_by("-views", "-added", "-purchased", "key")[: max(0, limit)]
    )
    ids = [int(row["key"]) for row in rows if row["key"].isdigit()]
    names = {str(product.pk): product.name for product in Product.objects.filter(pk__in=ids).only("name_el", "name_en")}
    return [{**row, "name": names.get(row["key"], "#" + row["key"])} for row in rows]


def search_terms(*, start: date, end: date, language: str | None = None, limit: int = 20) -> list[dict]:
    """The most searched queries of the anonymous search log, with how many of those searches found nothing."""
    rows = (
        _aggregates(start=start, end=end, language=language, metrics=["search_log", "search_log_zero"])
        .values("key")
        .annotate(searches=_sum("search_log"), zero_results=_sum("search_log_zero"))
        .filter(searches__gt=0)
        .order_by("-searches", "key")[: max(0, limit)]
    )
    return list(rows)


def search_click_through(*, start: date, end: date, language: str | None = None, limit: int = 20) -> list[dict]:
    """Per query, searches and clicks on a result by visitors who allowed performance cookies, and the ratio
    (click-through, in per cent), most searched first."""
    rows = (
        _aggregates(start=start, end=end, language=language, metrics=["searches", "search_clicks"])
        .values("key")
        .annotate(searches=_sum("searches"), clicks=_sum("search_clicks"))
        .filter(searches__gt=0)
        .order_by("-searches", "key")[: max(0, limit)]
    )
    return [{**row, "rate": round(100 * row["clicks"] / row["searches"], 1)} for row in rows]


def funnel_totals(*, start: date, end: date, language: str | None = None) -> dict[str, int]:
    """The funnel's stages (visitors counted per day) and the purchases' value in cents."""
    metrics = ["funnel_viewed", "funnel_added", "funnel_purchased", "purchase_value_cents"]
    rows = _aggregates(start=start, end=end, language=language, metrics=metrics).aggregate(
        **{metric: _sum(metric) for metric in metrics}
    )
    return {metric: rows[metric] or 0 for metric in metrics}
