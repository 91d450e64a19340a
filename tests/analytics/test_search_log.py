"""The search log (U5, research and analysis): what is kept, what never is, and who may read it."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from allegra.analytics.models import SearchRecord
from allegra.analytics.selectors import top_searches, zero_result_searches
from allegra.analytics.services import record_search
from tests.backoffice.support import verified_client


@pytest.mark.policy("U5")
@pytest.mark.django_db
def test_a_search_is_recorded_without_anything_that_identifies_the_visitor():
    record = record_search(normalized_query="δαχτυλιδι", language="el", result_count=12)
    assert record is not None
    stored = SearchRecord.objects.values().get()
    assert set(stored) == {"id", "normalized_query", "language", "result_count", "searched_at"}
    assert (stored["normalized_query"], stored["language"], stored["result_count"]) == ("δαχτυλιδι", "el", 12)
    assert abs(stored["searched_at"] - timezone.now()) < timedelta(minutes=1)


@pytest.mark.policy("U5")
def test_the_search_record_model_has_no_field_for_a_person():
    names = {field.name for field in SearchRecord._meta.get_fields()}
    assert names == {"id", "normalized_query", "language", "result_count", "searched_at"}
    assert not any(field.is_relation for field in SearchRecord._meta.get_fields())


@pytest.mark.policy("U5")
@pytest.mark.django_db
def test_numbers_a_shopper_might_paste_are_not_kept():
    record_search(normalized_query="6912345678 ring 4111111111111111 18k 925", language="en", result_count=0)
    assert SearchRecord.objects.get().normalized_query == "# ring # 18k 925"


@pytest.mark.policy("U5")
@pytest.mark.django_db
def test_the_search_log_can_be_switched_off(settings):
    settings.SEARCH_LOG_ENABLED = False
    assert record_search(normalized_query="kolie", language="el", result_count=3) is None
    assert not SearchRecord.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "   ", "\n"])
def test_empty_queries_are_not_recorded(query):
    assert record_search(normalized_query=query, language="el", result_count=0) is None
    assert not SearchRecord.objects.exists()


@pytest.mark.django_db
def test_odd_values_are_cleaned():
    record_search(normalized_query="  ring   " + "x" * 500, language="xx-evil", result_count=-3)
    record = SearchRecord.objects.get()
    assert record.normalized_query.startswith("ring x") and len(record.normalized_query) == 200
    assert record.language == ""
    assert record.result_count == 0


@pytest.fixture
def log(db):
    now = timezone.now()
    rows = [
        ("kolie", "el", 5, now),
        ("kolie", "el", 5, now),
        ("kolie", "el", 0, now - timedelta(days=1)),
        ("tiara", "en", 0, now),
        ("tiara", "en", 0, now - timedelta(days=40)),
        ("ring", "en", 9, now - timedelta(days=40)),
    ]
    SearchRecord.objects.bulk_create(
        SearchRecord(normalized_query=query, language=language, result_count=count, searched_at=at)
        for query, language, count, at in rows
    )
    return now


def test_top_searches_counts_queries(log):
    top = top_searches()
    assert [(row["normalized_query"], row["searches"], row["zero_result_searches"]) for row in top] == [
        ("kolie", 3, 1),
        ("tiara", 2, 2),
        ("ring", 1, 0),
    ]
    assert [row["normalized_query"] for row in top_searches(limit=1)] == ["kolie"]


def test_searches_in_a_window_and_a_language(log):
    recent = top_searches(since=log - timedelta(days=7))
    assert {row["normalized_query"]: row["searches"] for row in recent} == {"kolie": 3, "tiara": 1}
    assert [row["normalized_query"] for row in top_searches(language="en")] == ["tiara", "ring"]
    assert top_searches(until=log - timedelta(days=30), language="el") == []


def test_zero_result_searches_show_what_the_catalogue_lacks(log):
    missing = zero_result_searches()
    assert [(row["normalized_query"], row["searches"]) for row in missing] == [("tiara", 2), ("kolie", 1)]
    assert [row["normalized_query"] for row in zero_result_searches(language="en")] == ["tiara"]


@pytest.fixture
def staff_client(client, db):
    staff = get_user_model().objects.create_superuser(email="staff@allegra.example", password="a-long-password-1")
    return verified_client(client, staff)  # the back office needs a second factor (R1)


def test_staff_find_zero_result_searches_in_the_admin(staff_client, log):
    url = reverse("admin:analytics_searchrecord_changelist")
    response = staff_client.get(url, {"results": "none"})
    assert response.status_code == 200
    shown = {record.normalized_query for record in response.context["cl"].result_list}
    assert shown == {"tiara", "kolie"}
    assert all(record.result_count == 0 for record in response.context["cl"].result_list)
    assert staff_client.get(url, {"results": "some"}).status_code == 200


def test_the_search_log_is_read_only_even_for_superusers(staff_client, log):
    record = SearchRecord.objects.first()
    assert staff_client.get(reverse("admin:analytics_searchrecord_add")).status_code == 403
    assert staff_client.get(reverse("admin:analytics_searchrecord_delete", args=[record.pk])).status_code == 403
    change = staff_client.post(
        reverse("admin:analytics_searchrecord_change", args=[record.pk]), {"normalized_query": "edited"}
    )
    assert change.status_code == 403
    record.refresh_from_db()
    assert record.normalized_query != "edited"


def test_customers_cannot_read_the_search_log(client, log):
    customer = get_user_model().objects.create_user(email="shopper@allegra.example", password="a-long-password-1")
    client.force_login(customer)
    response = client.get(reverse("admin:analytics_searchrecord_changelist"))
    assert response.status_code == 302  # sent to the admin login
