"""Daily aggregates of the consented analytics events and of the anonymous search log (C6, U5, R2).

Raw `Event` and `SearchRecord` rows live 13 months (retention RAW_ANALYTICS and SEARCH_LOG); what staff study,
and what outlives them, are the `DailyAggregate` rows computed here: one count per Athens day, language,
metric and key. No aggregate holds a visitor id, so nothing computed here can show one person's trail.

Languages are stored separately; a dashboard without a language filter sums them. A visitor who browses in
both languages on the same day therefore counts once per language in the distinct-visitor metrics
(`visitors`, `funnel_*`): the error is small and keeps every row additive.

Every figure is computed by a GROUP BY in the database (a fixed number of queries per day, whatever the
number of events), and a day is always replaced as a whole in one transaction, so running it again is
harmless.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Exists, F, Max, Min, OuterRef, QuerySet, Sum
from django.utils import timezone

from allegra.analytics.models import DailyAggregate, Event, SearchRecord
from allegra.privacy.registry import Retention
from allegra.privacy.retention import delete_in_chunks, expired_and_held

# metric name -> what its `key` holds. Counts are of events unless the description says otherwise.
METRICS: dict[str, str] = {
    "visitors": 'distinct visitors (performance cookie ids) that day; key ""',
    "page_views": "page views; key = the page's path",
    "product_views": "views of a product page (page views with a product); key = product id",
    "product_clicks": "clicks on a product in a listing; key = product id",
    "searches": "searches by visitors who allowed performance cookies; key = the normalised query",
    "search_clicks": "clicks on a search result, by the query that showed it; key = the normalised query",
    "add_to_cart": "products added to the cart; key = product id",
    "purchases": 'purchase events; key = product id, or "" when the purchase names no product',
    "purchase_value_cents": 'sum of the purchases\' value in euro cents; key ""',
    "funnel_viewed": 'distinct visitors who viewed a product page; key ""',
    "funnel_added": 'of those, the distinct visitors who also added to the cart the same day; key ""',
    "funnel_purchased": 'of those, the distinct visitors who also purchased the same day; key ""',
    "page_views_by_device": "page views; key = device type (desktop, mobile, tablet, bot, other)",
    "page_views_by_browser": "page views; key = browser family",
    "page_views_by_os": "page views; key = operating system family",
    "page_views_by_country": "page views; key = two-letter country code",
    "page_views_by_referrer": 'page views; key = referring domain ("" for none)',
    "email_opens": 'opens of marketing emails by accounts that allow performance cookies; key = "email:<campaign>"',
    "search_log": "searches in the anonymous search log (everyone's); key = the normalised query",
    "search_log_zero": "searches in the anonymous search log that found nothing; key = the normalised query",
}

# Breakdowns of page views: metric -> the Event field that is the key.
BREAKDOWNS: dict[str, str] = {
    "page_views_by_device": "device_type",
    "page_views_by_browser": "browser",
    "page_views_by_os": "os",
    "page_views_by_country": "country",
    "page_views_by_referrer": "referrer_domain",
}

KEY_MAX_LENGTH = DailyAggregate._meta.get_field("key").max_length


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The Athens-time day as [start, end) aware datetimes (23 or 25 hours long on the clock-change days)."""
    zone = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), zone)
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), zone)
    return start, end


def months_before(day: date, months: int) -> date:
    """The same day of the month `months` earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _rows(queryset: QuerySet, *, metric: str, key: str | None, value=None) -> list[tuple[str, str, str, int]]:
    """(language, metric, key, count) for each group of `queryset`, grouped by language and `key` field."""
    group = ["language"] + ([key] if key else [])
    aggregate = value if value is not None else Count("id")
    grouped = queryset.order_by().values(*group).annotate(total=aggregate)
    return [
        (row["language"], metric, str(row[key] if key else "")[:KEY_MAX_LENGTH], int(row["total"] or 0))
        for row in grouped
    ]


def _figures(day: date) -> list[tuple[str, str, str, int]]:
    start, end = day_bounds(day)
    events = Event.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
    kind = Event.Kind
    page_views = events.filter(kind=kind.PAGE_VIEW)
    product_views = page_views.filter(product__isnull=False)

    figures = []
    # An email open is not a visit to the shop.
    figures += _rows(
        events.exclude(kind=kind.EMAIL_OPEN), metric="visitors", key=None, value=Count("visitor", distinct=True)
    )
    figures += _rows(events.filter(kind=kind.EMAIL_OPEN), metric="email_opens", key="path")
    figures += _rows(page_views, metric="page_views", key="path")
    figures += _rows(product_views, metric="product_views", key="product_id")
    figures += _rows(
        events.filter(kind=kind.PRODUCT_CLICK, product__isnull=False), metric="product_clicks", key="product_id"
    )
    figures += _rows(events.filter(kind=kind.SEARCH).exclude(search_query=""), metric="searches", key="search_query")
    figures += _rows(
        events.filter(kind=kind.SEARCH_CLICK).exclude(search_query=""), metric="search_clicks", key="search_query"
    )
    figures += _rows(
        events.filter(kind=kind.ADD_TO_CART, product__isnull=False), metric="add_to_cart", key="product_id"
    )
    purchases = events.filter(kind=kind.PURCHASE)
    figures += [
        (language, metric, "" if key == "None" else key, count)
        for language, metric, key, count in _rows(purchases, metric="purchases", key="product_id")
    ]
    figures += [
        row
        for row in _rows(purchases, metric="purchase_value_cents", key=None, value=Sum(F("value") * 100))
        if row[3] > 0
    ]

    # The funnel, per language: a stage counts a visitor only if the earlier stages happened the same day
    # in the same language.
    same_visitor = {"visitor": OuterRef("visitor"), "language": OuterRef("language")}
    viewed = Exists(product_views.filter(**same_visitor))
    added = Exists(events.filter(kind=kind.ADD_TO_CART, **same_visitor))
    distinct_visitors = Count("visitor", distinct=True)
    figures += _rows(product_views, metric="funnel_viewed", key=None, value=distinct_visitors)
    figures += _rows(
        events.filter(viewed, kind=kind.ADD_TO_CART), metric="funnel_added", key=None, value=distinct_visitors
    )
    figures += _rows(purchases.filter(viewed, added), metric="funnel_purchased", key=None, value=distinct_visitors)

    for metric, field_name in BREAKDOWNS.items():
        figures += _rows(page_views, metric=metric, key=field_name)

    searches = SearchRecord.objects.filter(searched_at__gte=start, searched_at__lt=end)
    figures += _rows(searches, metric="search_log", key="normalized_query")
    figures += _rows(searches.filter(result_count=0), metric="search_log_zero", key="normalized_query")
    return figures


def aggregate_day(*, day: date, now: datetime | None = None) -> int:
    """Replaces the aggregates of one Athens-time day with figures computed from its raw rows.

    Returns the number of aggregate rows written. Idempotent: the day's old rows are deleted and the new ones
    written in one transaction, so readers see either the old figures or the new ones.
    """
    computed_at = now or timezone.now()
    merged: dict[tuple[str, str, str], int] = {}
    for language, metric, key, count in _figures(day):
        # Keys cut to the column length could collide; their counts add up.
        merged[(language, metric, key)] = merged.get((language, metric, key), 0) + count
    rows = [
        DailyAggregate(day=day, language=language, metric=metric, key=key, count=count, computed_at=computed_at)
        for (language, metric, key), count in merged.items()
    ]
    with transaction.atomic():
        DailyAggregate.objects.filter(day=day).delete()
        # Two roll-ups of the same day at once (a slow run overlapping the next) both compute from the same
        # raw rows; the second one's rows that the first already wrote are skipped instead of failing it.
        DailyAggregate.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return len(rows)


@dataclass
class RollUpReport:
    """What a roll-up did (or, in a dry run, would do)."""

    dry_run: bool
    days_aggregated: list[date] = field(default_factory=list)
    rows_written: int = 0
    events_deleted: int = 0
    searches_deleted: int = 0
    # Raw rows past retention that an active legal hold (allegra.privacy LegalHold) keeps.
    events_held: int = 0
    searches_held: int = 0
    raw_kept_since: datetime | None = None

    def as_dict(self) -> dict:
        """JSON-friendly, for task results and the command's output."""
        return {
            "dry_run": self.dry_run,
            "days_aggregated": [day.isoformat() for day in self.days_aggregated],
            "rows_written": self.rows_written,
            "events_deleted": self.events_deleted,
            "searches_deleted": self.searches_deleted,
            "events_held": self.events_held,
            "searches_held": self.searches_held,
            "raw_kept_since": self.raw_kept_since.isoformat() if self.raw_kept_since else None,
        }


def _raw_days(*, since: datetime | None = None, until: datetime) -> set[date]:
    """The Athens days with raw events or searches in [since, until).

    Found through the time indexes, never by reading the rows: the window's first and last instants, then one
    "does this day have a row" query per Athens day between them. A GROUP BY on the day would compute the date of
    every row (in Python, on SQLite): several seconds for a million expired events (make bench's retention run)."""
    found: set[date] = set()
    for model, column in ((Event, "occurred_at"), (SearchRecord, "searched_at")):
        rows = model.objects.filter(**{f"{column}__lt": until}).order_by()
        if since is not None:
            rows = rows.filter(**{f"{column}__gte": since})
        bounds = rows.aggregate(first=Min(column), last=Max(column))
        if bounds["first"] is None:
            continue
        day, last = timezone.localdate(bounds["first"]), timezone.localdate(bounds["last"])
        while day <= last:
            start, end = day_bounds(day)
            if day in found or rows.filter(**{f"{column}__gte": start, f"{column}__lt": end}).exists():
                found.add(day)
            day += timedelta(days=1)
    return found


def _aggregated_days() -> tuple[set[date], set[date]]:
    """(complete, incomplete): days whose aggregates were computed after the day had ended, so no raw row
    can be missing from them, and days aggregated while they were still running."""
    computed = DailyAggregate.objects.order_by().values("day").annotate(last=Max("computed_at"))
    complete, incomplete = set(), set()
    for row in computed:
        (complete if row["last"] >= day_bounds(row["day"])[1] else incomplete).add(row["day"])
    return complete, incomplete


def _days_to_aggregate(*, today: date, cutoff: datetime) -> set[date]:
    """Today, yesterday, days aggregated before they ended, days with raw rows after the newest complete day,
    and days past retention that still have raw rows without complete aggregates (rows that arrived late).
    Days are aggregated oldest first, so raw days older than the newest complete day are done already: an
    hourly run reads the raw rows of no other window than today's, yesterday's and the expiring ones."""
    yesterday = today - timedelta(days=1)
    complete, incomplete = _aggregated_days()
    since = day_bounds(max(complete))[1] if complete else None
    missing = _raw_days(since=since, until=day_bounds(yesterday)[0]) | _raw_days(until=cutoff)
    return {today, yesterday} | {day for day in incomplete if day <= today} | (missing - complete)


def raw_retention_start(*, now: datetime | None = None) -> datetime:
    """Raw rows from before this instant are past their 13 months (the start of an Athens day, so only whole
    days are ever deleted and an aggregated day is never left half raw)."""
    rule = Retention.RAW_ANALYTICS.rule
    assert rule.months == Retention.SEARCH_LOG.rule.months and not (rule.years or rule.days)
    today = timezone.localdate(now or timezone.now())
    return day_bounds(months_before(today, rule.months))[0]


def roll_up(*, now: datetime | None = None, dry_run: bool = False) -> RollUpReport:
    """Aggregates today, yesterday and every earlier day with raw rows whose aggregates are missing or were
    computed before the day ended; then deletes raw events and searches older than 13 months, but only of
    days whose aggregates are complete. With `dry_run`, changes nothing and reports what it would do."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    cutoff = raw_retention_start(now=now)
    days = _days_to_aggregate(today=today, cutoff=cutoff)
    report = RollUpReport(dry_run=dry_run, days_aggregated=sorted(days))

    if not dry_run:
        for day in report.days_aggregated:
            report.rows_written += aggregate_day(day=day, now=now)
        complete = _aggregated_days()[0]
    else:
        complete = _aggregated_days()[0] | {day for day in days if day_bounds(day)[1] <= now}
    # Never delete a raw day that is not completely aggregated (a failed day above): stop before it.
    incomplete_old = _raw_days(until=cutoff) - complete
    if incomplete_old:
        cutoff = min(cutoff, day_bounds(min(incomplete_old))[0])
    report.raw_kept_since = cutoff

    # Rows under an active legal hold stay (allegra.privacy.retention); the rest go by ranges of ids, one short
    # transaction per range, without loading them (nothing cascades from a raw event or a search).
    old_events, report.events_held = expired_and_held(
        Event.objects.filter(occurred_at__lt=cutoff), rule=Retention.RAW_ANALYTICS, now=now
    )
    old_searches, report.searches_held = expired_and_held(
        SearchRecord.objects.filter(searched_at__lt=cutoff), rule=Retention.SEARCH_LOG, now=now
    )
    if dry_run:
        report.events_deleted = old_events.count()
        report.searches_deleted = old_searches.count()
    else:
        report.events_deleted = delete_in_chunks(old_events)
        report.searches_deleted = delete_in_chunks(old_searches)
    return report


def purge_raw_records(*, now: datetime | None = None, dry_run: bool = False) -> tuple[dict[str, int], dict[str, int]]:
    """The retention job of RAW_ANALYTICS and SEARCH_LOG (registered in analytics/personal_data.py): aggregates
    the days that need it, then deletes the raw rows past 13 months; (counts, held) per category."""
    report = roll_up(now=now, dry_run=dry_run)
    counts = {
        "aggregated days": len(report.days_aggregated),
        "analytics.Event": report.events_deleted,
        "analytics.SearchRecord": report.searches_deleted,
    }
    return counts, {"analytics.Event": report.events_held, "analytics.SearchRecord": report.searches_held}
