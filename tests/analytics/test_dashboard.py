"""The analytics dashboard of the back office (U5, C6): for the Store manager and Marketing only, aggregates
only (no visitor id anywhere), filters that refuse bad input with a message, CSV files safe in a spreadsheet,
and a number of queries that does not grow with the days or the events."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib import admin
from django.utils import timezone

from allegra.accounts.roles import permissions_for
from allegra.analytics.aggregation import aggregate_day
from allegra.analytics.dashboard import csv_cell
from allegra.analytics.models import DailyAggregate, Event, SearchRecord
from tests.backoffice import conftest as backoffice_fixtures
from tests.catalog import conftest as catalog_fixtures

# The storefront's and the back office's factories, as fixtures of this module too.
make_category = catalog_fixtures.make_category
make_product = catalog_fixtures.make_product
roles = backoffice_fixtures.roles
make_staff = backoffice_fixtures.make_staff
login_verified = backoffice_fixtures.login_verified
fast_passwords = backoffice_fixtures.fast_passwords

pytestmark = [pytest.mark.django_db]

URL = "/admin/analytics/dailyaggregate/"
VISITORS = [uuid.UUID(int=n + 100) for n in range(3)]


def export_url(table: str) -> str:
    return f"{URL}export/{table}.csv"


@pytest.fixture
def figures(make_product):
    """Three days of events and searches, aggregated, ending today."""
    ring = make_product(slug="olive-ring", name_en="Olive ring", name_el="Δαχτυλίδι Ελιά", images=0)
    today = timezone.localdate()
    K = Event.Kind
    for offset in range(3):
        day = today - timedelta(days=offset)
        at = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=12)
        for visitor in VISITORS:
            Event.objects.create(
                kind=K.PAGE_VIEW,
                visitor=visitor,
                occurred_at=at,
                language="el",
                path="/el/p/olive-ring/",
                product=ring,
                device_type="mobile",
                browser="Safari",
            )
        Event.objects.create(
            kind=K.SEARCH,
            visitor=VISITORS[0],
            occurred_at=at,
            language="el",
            search_query='=HYPERLINK("http://evil")',
            result_count=1,
        )
        Event.objects.create(
            kind=K.SEARCH_CLICK,
            visitor=VISITORS[0],
            occurred_at=at,
            language="el",
            search_query='=HYPERLINK("http://evil")',
            product=ring,
        )
        Event.objects.create(kind=K.ADD_TO_CART, visitor=VISITORS[0], occurred_at=at, language="el", product=ring)
        Event.objects.create(kind=K.PURCHASE, visitor=VISITORS[0], occurred_at=at, language="el", product=ring)
        Event.objects.create(kind=K.PAGE_VIEW, visitor=VISITORS[1], occurred_at=at, language="en", path="/en/")
        for query, results in [("δαχτυλίδι, χρυσό", 4), ("-tiara", 0), ("@crown", 0)]:
            SearchRecord.objects.create(normalized_query=query, language="el", result_count=results, searched_at=at)
        aggregate_day(day=day)
    return ring


@pytest.fixture
def manager(client, make_staff, login_verified):
    return login_verified(client, make_staff("manager@allegra.example", "Store manager"))


def test_roles_read_aggregates_and_the_search_log_but_never_raw_events():
    for role in ("Store manager", "Marketing"):
        rights = {f"{p.content_type.app_label}.{p.codename}" for p in permissions_for(role)}
        assert {"analytics.view_dailyaggregate", "analytics.view_searchrecord"} <= rights, role
        assert "analytics.view_event" not in rights, role
    assert not admin.site.is_registered(Event)
    officer = {f"{p.content_type.app_label}.{p.codename}" for p in permissions_for("Privacy officer")}
    assert "analytics.view_dailyaggregate" not in officer


@pytest.mark.policy("U5")
@pytest.mark.parametrize("role", ["Store manager", "Marketing"])
def test_store_manager_and_marketing_see_the_dashboard(role, client, make_staff, login_verified, figures):
    login_verified(client, make_staff("staff@allegra.example", role))
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    for section in ("visits", "funnel", "pages", "products", "searches", "zero_results", "click_through"):
        assert f'id="{section}-title"' in body
    assert "Olive ring" in body or "Δαχτυλίδι Ελιά" in body
    assert '<svg class="analytics-chart" role="img"' in body and "<desc" in body
    assert "<script" not in body.split('id="content-main"')[1]


@pytest.mark.parametrize("role", ["Consumer services", "Fulfilment", "Privacy officer"])
def test_other_roles_are_refused(role, client, make_staff, login_verified, figures):
    login_verified(client, make_staff("staff@allegra.example", role))
    assert client.get(URL).status_code == 403
    assert client.get(export_url("pages")).status_code == 403


def test_without_login_the_dashboard_asks_for_one(client, figures):
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get(export_url("pages")).status_code == 302


@pytest.mark.policy("U5")
@pytest.mark.policy("C6")
def test_no_visitor_id_appears_anywhere(manager, figures):
    pages = [manager.get(URL).content.decode()]
    pages += [
        manager.get(export_url(name)).content.decode()
        for name in (
            "visits",
            "pages",
            "products",
            "searches",
            "zero_results",
            "click_through",
            "funnel",
            "device",
            "browser",
            "referrer",
        )
    ]
    for visitor in VISITORS:
        for text in pages:
            assert str(visitor) not in text and visitor.hex not in text


@pytest.mark.policy("U5")
def test_the_figures_are_the_aggregates(manager, figures):
    today = timezone.localdate()
    start = today - timedelta(days=2)
    query = f"?start={start.isoformat()}&end={today.isoformat()}"
    rows = list(csv.reader(io.StringIO(manager.get(export_url("visits") + query).content.decode("utf-8-sig"))))
    assert rows[0] == ["Day", "Visitors", "Page views"] or len(rows[0]) == 3
    # Per day: three visitors in Greek plus one in English (VISITORS[1] in both languages counts per language).
    assert rows[1:] == [[(start + timedelta(days=n)).isoformat(), "4", "4"] for n in range(3)]
    funnel = list(csv.reader(io.StringIO(manager.get(export_url("funnel") + query).content.decode("utf-8-sig"))))
    assert [row[1] for row in funnel[1:]] == ["9", "3", "3"]
    click_through = manager.get(export_url("click_through") + query).content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(click_through)))[1][1:] == ["3", "3", "100.0"]
    greek_only = manager.get(export_url("visits") + query + "&language=en").content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(greek_only)))[1][1:] == ["1", "1"]


@pytest.mark.policy("U5")
def test_csv_cells_are_escaped_and_cannot_be_formulas(manager, figures):
    response = manager.get(export_url("searches"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="analytics-searches-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    queries = {row[0]: row[1:] for row in rows[1:]}
    # A comma inside a query is quoted, not a new column; = + - @ get a leading apostrophe.
    assert queries["δαχτυλίδι, χρυσό"] == ["3", "0"]
    assert queries["'-tiara"] == ["3", "3"] and queries["'@crown"] == ["3", "3"]
    click_through = manager.get(export_url("click_through")).content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(click_through)))[1][0] == '\'=HYPERLINK("http://evil")'
    assert csv_cell("+30 210") == "'+30 210" and csv_cell("\tx") == "'\tx" and csv_cell(5) == 5
    assert csv_cell("/el/p/ring/") == "/el/p/ring/"


def test_an_unknown_table_is_not_found(manager, figures):
    assert manager.get(export_url("visitors-list")).status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?start=2026-13-45", "Enter a valid date."),
        ("?start=yesterday", "Enter a valid date."),
        ("?start=2026-05-10&end=2026-05-01", "The first day comes after the last day."),
        ("?start=2024-01-01&end=2026-01-01", "Choose at most 400 days."),
        ("?start=0001-01-01&end=0001-01-02", "Choose a day between"),
        ("?end=0001-01-01", "Choose a day between"),
        ("?language=fr", "Select a valid choice."),
    ],
)
def test_bad_filters_get_a_clear_message_and_no_figures(manager, figures, query, message):
    response = manager.get(URL + query, headers={"accept-language": "en"})
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and 'id="visits-title"' not in body
    export = manager.get(export_url("pages") + query, headers={"accept-language": "en"})
    assert export.status_code == 400 and message in export.content.decode()


def test_the_default_range_is_the_last_30_days(manager, figures):
    response = manager.get(URL)
    filters = response.context["filters"]
    assert filters.end == timezone.localdate() and (filters.end - filters.start).days == 29
    assert filters.language is None
    four_hundred = manager.get(f"{URL}?start=2025-01-01&end={(date(2025, 1, 1) + timedelta(days=399)).isoformat()}")
    assert four_hundred.status_code == 200


def test_the_number_of_queries_does_not_grow_with_days_or_events(manager, figures, django_assert_num_queries):
    manager.get(URL)  # warm caches (content types, sessions)
    with django_assert_num_queries(QUERIES):
        assert manager.get(URL).status_code == 200
    # Many more days and events: the same number of queries.
    for offset in range(3, 40):
        day = timezone.localdate() - timedelta(days=offset)
        DailyAggregate.objects.bulk_create(
            [
                DailyAggregate(day=day, language="el", metric="page_views", key=f"/el/page-{n}/", count=n + 1)
                for n in range(30)
            ]
            + [DailyAggregate(day=day, language="el", metric="visitors", key="", count=30)]
        )
    with django_assert_num_queries(QUERIES):
        response = manager.get(f"{URL}?start={(timezone.localdate() - timedelta(days=120)).isoformat()}")
    assert response.status_code == 200


# Session, user, OTP device, the user's permissions (view check, admin context) and 13 reads of the
# aggregates (visits, funnel, pages, products + their names, searches, zero results, click-through and five
# breakdowns).
QUERIES = 18


def test_days_with_figures_from_before_midnight_utc_are_athens_days(manager):
    # 23:30 Athens on 1 March is 21:30 UTC: the figure belongs to 1 March.
    Event.objects.create(
        kind=Event.Kind.PAGE_VIEW,
        visitor=VISITORS[0],
        language="el",
        path="/late/",
        occurred_at=datetime(2026, 3, 1, 21, 30, tzinfo=UTC),
    )
    aggregate_day(day=date(2026, 3, 1))
    rows = manager.get(export_url("pages") + "?start=2026-03-01&end=2026-03-01").content.decode("utf-8-sig")
    assert "/late/" in rows
