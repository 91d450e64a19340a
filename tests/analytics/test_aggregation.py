"""Daily aggregates of consented events and of the search log (C6, U5), and the 13-month retention of raw rows
(R2): aggregates computed right, idempotent, on Athens days, and outliving the raw rows they came from."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from allegra.analytics.aggregation import (
    METRICS,
    aggregate_day,
    day_bounds,
    months_before,
    raw_retention_start,
    roll_up,
)
from allegra.analytics.models import DailyAggregate, Event, SearchRecord
from tests.catalog import conftest as catalog_fixtures

make_category = catalog_fixtures.make_category
make_product = catalog_fixtures.make_product

pytestmark = [pytest.mark.django_db]

DAY = date(2026, 3, 10)
NOON = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)  # 12:00 in Athens
A, B, C = (uuid.UUID(int=n) for n in (1, 2, 3))


def event(kind, visitor, *, at=NOON, language="el", **fields) -> Event:
    return Event.objects.create(kind=kind, visitor=visitor, occurred_at=at, language=language, **fields)


def search(query, results, *, at=NOON, language="el") -> SearchRecord:
    return SearchRecord.objects.create(normalized_query=query, language=language, result_count=results, searched_at=at)


def figures(day=DAY, language=None) -> dict[tuple[str, str], int]:
    rows = DailyAggregate.objects.filter(day=day)
    if language is not None:
        rows = rows.filter(language=language)
    totals: dict[tuple[str, str], int] = {}
    for row in rows:
        totals[(row.metric, row.key)] = totals.get((row.metric, row.key), 0) + row.count
    return totals


@pytest.fixture
def products(make_product):
    return make_product(slug="olive-ring", images=0), make_product(slug="wave-earrings", images=0)


@pytest.fixture
def a_day(products):
    ring, earrings = products
    K = Event.Kind
    # Visitor A: views the ring, adds it, buys it (the whole funnel), after a search and a click on a result.
    event(K.SEARCH, A, search_query="ring", result_count=3, path="/el/search/")
    event(K.SEARCH_CLICK, A, search_query="ring", result_position=1, product=ring)
    event(
        K.PAGE_VIEW,
        A,
        path="/el/p/olive-ring/",
        product=ring,
        device_type="mobile",
        browser="Safari",
        os="iOS",
        country="GR",
        referrer_domain="example.org",
    )
    event(K.ADD_TO_CART, A, product=ring)
    event(K.PURCHASE, A, product=ring, value=Decimal("120.50"))
    # Visitor B: views both products and adds the earrings, buys nothing; searches twice, clicks nothing.
    event(
        K.PAGE_VIEW,
        B,
        path="/el/p/olive-ring/",
        product=ring,
        device_type="desktop",
        browser="Firefox",
        os="Linux",
        country="GR",
    )
    event(
        K.PAGE_VIEW,
        B,
        path="/el/p/wave-earrings/",
        product=earrings,
        device_type="desktop",
        browser="Firefox",
        os="Linux",
        country="GR",
    )
    event(K.PRODUCT_CLICK, B, product=earrings)
    event(K.ADD_TO_CART, B, product=earrings)
    event(K.SEARCH, B, search_query="ring", result_count=3)
    event(K.SEARCH, B, search_query="tiara", result_count=0)
    # Visitor C, in English: the home page only; and a purchase without a product view does not enter the funnel.
    event(
        K.PAGE_VIEW, C, path="/en/", language="en", device_type="desktop", browser="Chrome", os="Windows", country="CY"
    )
    event(K.PURCHASE, C, language="en", value=Decimal("10"))
    # The anonymous search log: everyone's searches, with or without consent.
    for query, results in [("ring", 3), ("ring", 3), ("tiara", 0), ("tiara", 0), ("tiara", 0), ("crown", 0)]:
        search(query, results)
    return ring, earrings


@pytest.mark.policy("U5")
@pytest.mark.policy("C6")
def test_a_constructed_day_is_counted_right(a_day):
    ring, earrings = a_day
    assert aggregate_day(day=DAY) > 0
    greek = figures(language="el")
    assert greek[("visitors", "")] == 2
    assert figures(language="en")[("visitors", "")] == 1
    assert greek[("page_views", "/el/p/olive-ring/")] == 2
    assert greek[("product_views", str(ring.pk))] == 2 and greek[("product_views", str(earrings.pk))] == 1
    assert greek[("product_clicks", str(earrings.pk))] == 1
    assert greek[("add_to_cart", str(ring.pk))] == 1 and greek[("add_to_cart", str(earrings.pk))] == 1
    assert greek[("purchases", str(ring.pk))] == 1
    assert greek[("purchase_value_cents", "")] == 12050
    assert figures(language="en")[("purchases", "")] == 1
    # Search click-through from consented events: "ring" searched twice, clicked once.
    assert greek[("searches", "ring")] == 2 and greek[("search_clicks", "ring")] == 1
    assert greek[("searches", "tiara")] == 1 and ("search_clicks", "tiara") not in greek
    # Funnel: A and B viewed, both added, only A bought. C's purchase had no product view: not in the funnel.
    assert greek[("funnel_viewed", "")] == 2
    assert greek[("funnel_added", "")] == 2
    assert greek[("funnel_purchased", "")] == 1
    assert ("funnel_purchased", "") not in figures(language="en")
    # Breakdowns of page views.
    everyone = figures()
    assert everyone[("page_views_by_device", "desktop")] == 3 and everyone[("page_views_by_device", "mobile")] == 1
    assert everyone[("page_views_by_country", "GR")] == 3 and everyone[("page_views_by_country", "CY")] == 1
    assert everyone[("page_views_by_referrer", "example.org")] == 1
    assert everyone[("page_views_by_browser", "Firefox")] == 2
    assert everyone[("page_views_by_os", "iOS")] == 1
    # The anonymous search log.
    assert everyone[("search_log", "tiara")] == 3 and everyone[("search_log", "ring")] == 2
    assert everyone[("search_log_zero", "tiara")] == 3 and everyone[("search_log_zero", "crown")] == 1
    assert ("search_log_zero", "ring") not in everyone
    assert set(DailyAggregate.objects.values_list("metric", flat=True)) <= set(METRICS)


@pytest.mark.policy("C6")
def test_no_aggregate_holds_a_visitor_id(a_day):
    aggregate_day(day=DAY)
    stored = " ".join(f"{row.metric} {row.key}" for row in DailyAggregate.objects.all())
    for visitor in (A, B, C):
        assert str(visitor) not in stored and visitor.hex not in stored


def test_running_again_replaces_the_day_instead_of_adding_to_it(a_day):
    aggregate_day(day=DAY)
    first = figures()
    aggregate_day(day=DAY)
    assert figures() == first
    event(Event.Kind.PAGE_VIEW, C, path="/en/", language="en")
    aggregate_day(day=DAY)
    assert figures()[("page_views", "/en/")] == 2


def test_the_number_of_queries_does_not_grow_with_the_events(a_day, django_assert_max_num_queries):
    with django_assert_max_num_queries(30) as few:
        aggregate_day(day=DAY)
    for n in range(40):
        event(Event.Kind.PAGE_VIEW, uuid.uuid4(), path=f"/el/page-{n}/")
    with django_assert_max_num_queries(len(few.captured_queries)):
        aggregate_day(day=DAY)


def test_email_opens_are_counted_by_campaign_and_are_not_visits():
    event(Event.Kind.PAGE_VIEW, A, path="/el/")
    event(Event.Kind.EMAIL_OPEN, B, path="email:spring-2027", language="")
    event(Event.Kind.EMAIL_OPEN, C, path="email:spring-2027", language="")
    aggregate_day(day=DAY)
    totals = figures()
    assert totals[("email_opens", "email:spring-2027")] == 2
    assert totals[("visitors", "")] == 1
    assert ("page_views", "email:spring-2027") not in totals


def test_days_are_athens_days():
    # 23:30 Athens on 9 March is still the 9th; 00:30 Athens on the 10th is the 10th (UTC 22:30 of the 9th).
    event(Event.Kind.PAGE_VIEW, A, at=datetime(2026, 3, 9, 21, 30, tzinfo=UTC), path="/late/")
    event(Event.Kind.PAGE_VIEW, A, at=datetime(2026, 3, 9, 22, 30, tzinfo=UTC), path="/early/")
    aggregate_day(day=date(2026, 3, 9))
    aggregate_day(day=DAY)
    assert ("page_views", "/late/") in figures(date(2026, 3, 9))
    assert ("page_views", "/early/") in figures(DAY) and ("page_views", "/early/") not in figures(date(2026, 3, 9))


def test_clock_change_days_have_their_own_length():
    def hours(day):
        start, end = day_bounds(day)
        return end.astimezone(UTC) - start.astimezone(UTC)

    assert hours(date(2026, 3, 29)) == timedelta(hours=23)  # summer time begins in Athens
    assert hours(date(2026, 10, 25)) == timedelta(hours=25)


def test_months_are_counted_on_the_calendar():
    assert months_before(date(2026, 11, 28), 13) == date(2025, 10, 28)
    assert months_before(date(2026, 3, 31), 13) == date(2025, 2, 28)
    assert months_before(date(2026, 1, 15), 1) == date(2025, 12, 15)


# --- roll-up and retention ---------------------------------------------------------------------------------

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
OLD = datetime(2025, 9, 1, 10, 0, tzinfo=UTC)  # 15 months before NOW
KEPT = datetime(2025, 11, 1, 10, 0, tzinfo=UTC)  # 12 months before NOW


@pytest.fixture
def history():
    event(Event.Kind.PAGE_VIEW, A, at=OLD, path="/old/")
    search("old query", 0, at=OLD)
    event(Event.Kind.PAGE_VIEW, B, at=KEPT, path="/kept/")
    search("kept query", 2, at=KEPT)
    event(Event.Kind.PAGE_VIEW, C, at=NOW - timedelta(hours=1), path="/today/")


@pytest.mark.policy("C6")
@pytest.mark.policy("R2")
def test_roll_up_aggregates_then_deletes_only_raw_rows_older_than_13_months(history):
    report = roll_up(now=NOW)
    assert report.days_aggregated == [date(2025, 9, 1), date(2025, 11, 1), date(2026, 11, 27), date(2026, 11, 28)]
    assert (report.events_deleted, report.searches_deleted) == (1, 1)
    assert report.raw_kept_since == raw_retention_start(now=NOW)
    assert timezone.localdate(report.raw_kept_since) == date(2025, 10, 28)
    assert set(Event.objects.values_list("path", flat=True)) == {"/kept/", "/today/"}
    assert set(SearchRecord.objects.values_list("normalized_query", flat=True)) == {"kept query"}
    # The aggregates outlive the raw rows they came from.
    assert figures(date(2025, 9, 1))[("page_views", "/old/")] == 1
    assert figures(date(2025, 9, 1))[("search_log_zero", "old query")] == 1
    report_as_dict = report.as_dict()
    assert report_as_dict["days_aggregated"][0] == "2025-09-01" and report_as_dict["dry_run"] is False


def test_a_second_roll_up_only_refreshes_today_and_yesterday_and_keeps_old_aggregates(history):
    roll_up(now=NOW)
    old_figures = figures(date(2025, 9, 1))
    report = roll_up(now=NOW + timedelta(minutes=5))
    assert report.days_aggregated == [date(2026, 11, 27), date(2026, 11, 28)]
    assert (report.events_deleted, report.searches_deleted) == (0, 0)
    assert figures(date(2025, 9, 1)) == old_figures


def test_a_day_aggregated_before_it_ended_is_aggregated_again_later(history):
    roll_up(now=NOW)
    event(Event.Kind.PAGE_VIEW, C, at=NOW + timedelta(hours=3), path="/evening/")
    three_days_later = NOW + timedelta(days=3)
    report = roll_up(now=three_days_later)
    assert date(2026, 11, 28) in report.days_aggregated
    assert figures(date(2026, 11, 28))[("page_views", "/evening/")] == 1


@pytest.mark.policy("R2")
def test_a_dry_run_changes_nothing_and_says_what_it_would_do(history):
    report = roll_up(now=NOW, dry_run=True)
    assert report.dry_run
    assert (report.events_deleted, report.searches_deleted) == (1, 1)
    assert date(2025, 9, 1) in report.days_aggregated
    assert Event.objects.count() == 3 and SearchRecord.objects.count() == 2
    assert not DailyAggregate.objects.exists()


def test_raw_rows_of_a_day_that_is_not_completely_aggregated_are_kept(history):
    # An old day aggregated while it was still running (computed_at before its end) must be redone first;
    # if the aggregation cannot happen (here: a dry run), its raw rows are not counted for deletion.
    aggregate_day(day=date(2025, 9, 1), now=OLD)
    report = roll_up(now=NOW, dry_run=True)
    assert date(2025, 9, 1) in report.days_aggregated
    report = roll_up(now=NOW)
    assert report.events_deleted == 1
    assert DailyAggregate.objects.filter(day=date(2025, 9, 1)).latest("computed_at").computed_at == NOW


def test_the_roll_up_task_runs_and_returns_a_report(history):
    from allegra.analytics.tasks import roll_up_analytics

    result = roll_up_analytics.call()
    assert set(result) >= {"days_aggregated", "events_deleted", "searches_deleted", "dry_run"}
    assert result["events_deleted"] == 1


def test_an_hourly_roll_up_costs_the_same_whatever_the_history(history, django_assert_max_num_queries):
    roll_up(now=NOW)
    # Two days (today and yesterday) of about 25 GROUP BYs each, and a few look-ups of what is due.
    with django_assert_max_num_queries(60) as steady:
        roll_up(now=NOW + timedelta(hours=1))
    # A year more of aggregated days with raw rows: the next hourly run looks none of them up.
    for offset in range(2, 300):
        event(Event.Kind.PAGE_VIEW, A, at=NOW - timedelta(days=offset), path="/daily/")
    roll_up(now=NOW + timedelta(hours=2))
    with django_assert_max_num_queries(len(steady.captured_queries)):
        roll_up(now=NOW + timedelta(hours=3))


@pytest.mark.policy("R2")
def test_a_late_raw_row_past_retention_is_aggregated_before_it_is_deleted(history):
    roll_up(now=NOW)
    late = datetime(2025, 8, 15, 10, 0, tzinfo=UTC)  # older than every aggregated day, and past 13 months
    event(Event.Kind.PAGE_VIEW, A, at=late, path="/late/")
    report = roll_up(now=NOW + timedelta(hours=1))
    assert date(2025, 8, 15) in report.days_aggregated and report.events_deleted == 1
    assert figures(date(2025, 8, 15))[("page_views", "/late/")] == 1
    assert not Event.objects.filter(path="/late/").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_roll_ups_of_the_same_day_at_once_both_succeed():
    import threading

    from django.db import connection

    for n in range(20):
        event(Event.Kind.PAGE_VIEW, uuid.UUID(int=n), path=f"/p{n % 5}/")
    barrier = threading.Barrier(3)
    errors = []

    def run():
        try:
            barrier.wait()
            aggregate_day(day=DAY)
        except Exception as error:  # collected for the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert figures()[("page_views", "/p0/")] == 4 and figures()[("visitors", "")] == 20
