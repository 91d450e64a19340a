# ruff: noqa: F811 - the catalogue's fixtures are imported by name and used as arguments
"""POST /a/events: consented first-party analytics (C6, K2, U5). Events are stored only with performance
consent, coarse on purpose (truncated IP, device kind, country from the time zone, referring domain only),
and any bad batch is refused whole with a clear JSON error."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client, RequestFactory, override_settings

from allegra.analytics.models import Event, SearchRecord
from allegra.analytics.services import EventBatchError, generalise_path, record_events, record_server_event
from allegra.consent.state import NO_CHOICE, ConsentState
from tests.catalog.conftest import make_category, make_product  # noqa: F401 - fixtures

URL = "/a/events"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.0 Mobile/15E148 Safari/604.1"
)
WINDOWS_CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"
)


def consent_cookie(*, performance: bool, advertising: bool = False) -> str:
    return ConsentState(
        consent_id=uuid.uuid4(),
        decided=True,
        performance=performance,
        advertising=advertising,
        policy_version=settings.PRIVACY_POLICY_VERSION,
    ).to_cookie()


def browser(*, performance: bool | None, **extra) -> Client:
    """A client like a browser: with a consent cookie (None: no choice made yet)."""
    client = Client(**{"REMOTE_ADDR": "203.0.113.77", "HTTP_USER_AGENT": IPHONE, **extra})
    if performance is not None:
        client.cookies[settings.CONSENT_COOKIE_NAME] = consent_cookie(performance=performance)
    return client


def post(client: Client, payload, *, content_type="application/json", **extra):
    body = payload if isinstance(payload, bytes | str) else json.dumps(payload)
    return client.post(URL, body, content_type=content_type, **extra)


def page_view(**fields) -> dict:
    return {"kind": "page_view", "path": "/el/", "tz": "Europe/Athens", "language": "el-GR", **fields}


@pytest.mark.policy("K2")
@pytest.mark.policy("C6")
@pytest.mark.django_db
def test_nothing_is_recorded_before_a_choice():
    response = post(browser(performance=None), {"events": [page_view()]})

    assert response.status_code == 204
    assert not Event.objects.exists()
    assert settings.ANALYTICS_VISITOR_COOKIE_NAME not in response.cookies


@pytest.mark.policy("K2")
@pytest.mark.django_db
def test_nothing_is_recorded_after_reject_all():
    response = post(browser(performance=False), {"events": [page_view(), page_view(path="/el/search/")]})

    assert response.status_code == 204
    assert not Event.objects.exists()
    assert settings.ANALYTICS_VISITOR_COOKIE_NAME not in response.cookies


@pytest.mark.policy("K2")
@pytest.mark.django_db
def test_a_forged_consent_cookie_counts_as_no_choice():
    client = browser(performance=None)
    client.cookies[settings.CONSENT_COOKIE_NAME] = consent_cookie(performance=True)[:-3] + "xyz"

    assert post(client, {"events": [page_view()]}).status_code == 204
    assert not Event.objects.exists()


@pytest.mark.policy("C6")
@pytest.mark.django_db
def test_with_performance_consent_events_are_recorded_coarsely(make_product):
    ring = make_product(slug="golden-ring")
    client = browser(performance=True)

    response = post(
        client,
        {
            "events": [
                page_view(
                    path="/el/p/golden-ring/?variant=R-1",
                    product="golden-ring",
                    referrer="https://www.example.org/some/page?email=a@b.gr",
                ),
                page_view(
                    path="/en/", tz="America/New_York", language="en-US", referrer="http://testserver/el/c/rings/"
                ),
                {"kind": "page_view", "path": "/el/", "tz": "Etc/UTC", "language": "de-AT"},
            ]
        },
    )

    assert response.status_code == 204
    first, second, third = Event.objects.order_by("id")
    assert first.kind == "page_view"
    assert first.path == "/el/p/golden-ring/"
    assert first.language == "el"
    assert first.product == ring
    assert first.referrer_domain == "www.example.org"
    assert first.country == "GR"
    assert (first.device_type, first.browser, first.os) == ("mobile", "Mobile Safari", "iOS")
    assert first.ip_truncated == "203.0.113.0"
    # The shop's own pages are no referrer; the country follows the time zone, else the language's region.
    assert second.referrer_domain == ""
    assert second.country == "US"
    assert second.language == "en"
    assert third.country == "AT"
    # One visitor id for the three, the one now kept in the performance cookie.
    cookie = response.cookies[settings.ANALYTICS_VISITOR_COOKIE_NAME]
    assert {first.visitor, second.visitor, third.visitor} == {uuid.UUID(cookie.value)}
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
    assert int(cookie["max-age"]) == 365 * 24 * 60 * 60


@pytest.mark.policy("C6")
@pytest.mark.django_db
def test_ipv6_addresses_are_cut_to_48_bits_and_desktops_recognised():
    client = browser(performance=True)
    client.defaults.update(REMOTE_ADDR="2001:db8:abcd:12:34::1", HTTP_USER_AGENT=WINDOWS_CHROME)

    post(client, {"events": [page_view()]})

    event = Event.objects.get()
    assert event.ip_truncated == "2001:db8:abcd::"
    assert (event.device_type, event.browser, event.os) == ("desktop", "Chrome", "Windows")


@pytest.mark.policy("C6")
@pytest.mark.django_db
def test_the_visitor_keeps_its_id_and_the_cookie_is_not_set_again():
    client = browser(performance=True)
    post(client, {"events": [page_view()]})
    visitor = client.cookies[settings.ANALYTICS_VISITOR_COOKIE_NAME].value

    again = post(client, {"events": [page_view(path="/en/")]})

    assert settings.ANALYTICS_VISITOR_COOKIE_NAME not in again.cookies
    assert {str(v) for v in Event.objects.values_list("visitor", flat=True)} == {visitor}


@pytest.mark.policy("K2")
@pytest.mark.django_db
def test_withdrawing_performance_consent_deletes_the_visitor_cookie():
    client = browser(performance=True)
    post(client, {"events": [page_view()]})
    assert client.cookies[settings.ANALYTICS_VISITOR_COOKIE_NAME].value

    client.cookies[settings.CONSENT_COOKIE_NAME] = consent_cookie(performance=False)
    response = post(client, {"events": [page_view(path="/en/")]})

    assert response.status_code == 204
    deleted = response.cookies[settings.ANALYTICS_VISITOR_COOKIE_NAME]
    assert deleted.value == "" and deleted["max-age"] == 0
    assert Event.objects.count() == 1


@pytest.mark.policy("U5")
@pytest.mark.django_db
def test_search_and_result_clicks_are_a_consented_sequence(make_product):
    make_product(slug="sapphire-ring")
    client = browser(performance=True)

    post(
        client,
        {
            "events": [
                {"kind": "search", "path": "/el/search/", "query": "Δαχτυλίδι 6912345678", "results": 12},
                {
                    "kind": "search_click",
                    "path": "/el/search/",
                    "query": "Δαχτυλίδι",
                    "results": 12,
                    "product": "sapphire-ring",
                    "position": 3,
                },
                {"kind": "product_click", "path": "/el/c/rings/", "product": "sapphire-ring", "position": 7},
                {"kind": "page_view", "path": "/el/", "query": "not kept on a page view", "position": 2},
            ]
        },
    )

    search, click, product_click, view = Event.objects.order_by("id")
    assert (search.search_query, search.result_count) == ("δαχτυλιδι #", 12)
    assert (click.search_query, click.result_position, click.product.slug) == ("δαχτυλιδι", 3, "sapphire-ring")
    assert (product_click.result_position, product_click.search_query) == (7, "")
    assert (view.search_query, view.result_position) == ("", None)
    # The anonymous search log is the search page's business alone: events never write to it.
    assert not SearchRecord.objects.exists()


@pytest.mark.policy("U5")
@pytest.mark.django_db
def test_the_anonymous_search_log_is_written_without_consent_but_no_event(client, make_product):
    make_product(slug="pearl-ring", name_en="Pearl ring", name_el="Δαχτυλίδι με μαργαριτάρι")

    response = client.get("/en/search/", {"q": "pearl"})

    assert response.status_code == 200
    assert SearchRecord.objects.count() == 1
    assert not Event.objects.exists()
    assert b'data-analytics-list="search"' in response.content
    assert b'data-analytics-query="pearl"' in response.content


@pytest.mark.policy("C6")
@pytest.mark.parametrize(
    ("path", "stored"),
    [
        ("/el/p/ring/?variant=R-1#top", "/el/p/ring/"),
        ("/el/account/orders/1042/", "/el/account/orders/"),
        ("/en/account/reset/MQ/c4x-1a2b3c/", "/en/account/reset/"),
        ("/el/account/", "/el/account/"),
        ("/el/x/3f2b1c2d-1111-4222-8333-444455556666/", "/el/x/:id/"),
    ],
)
def test_paths_lose_query_strings_private_ids_and_account_details(path, stored):
    assert generalise_path(path) == stored


BAD_BATCHES = [
    pytest.param({"events": [page_view(kind="fingerprint")]}, "unknown kind", id="unknown-kind"),
    pytest.param({"events": [page_view(kind="purchase")]}, "unknown kind", id="server-kind-from-browser"),
    pytest.param({"events": [page_view(position="3")]}, "'position' must be a whole number", id="string-number"),
    pytest.param({"events": [page_view(position=True)]}, "'position' must be a whole number", id="bool-number"),
    pytest.param({"events": [page_view(results=-1)]}, "'results' must be a whole number", id="negative"),
    pytest.param({"events": [page_view(path=["/el/"])]}, "'path' must be a string", id="list-path"),
    pytest.param({"events": [page_view(path="https://evil.example/")]}, "'path' must be a path", id="foreign-path"),
    pytest.param({"events": [page_view(query="x" * 201)]}, "'query' is longer than 200", id="long-query"),
    pytest.param({"events": [page_view(tz="Europe/" + "A" * 60)]}, "'tz' is longer than 64", id="long-tz"),
    pytest.param({"events": [page_view(screen="1920x1080")]}, "unknown field 'screen'", id="fingerprint-field"),
    pytest.param({"events": [page_view()] * 51}, "Too many events", id="batch-too-big"),
    pytest.param({"events": []}, "non-empty list", id="empty"),
    pytest.param({"events": "page_view"}, "non-empty list", id="events-not-a-list"),
    pytest.param({"events": ["page_view"]}, "must be a JSON object", id="event-not-an-object"),
    pytest.param({"events": [page_view()], "user": 1}, "Unknown key", id="unknown-top-key"),
    pytest.param([page_view()], "must be a JSON object", id="list-body"),
]


@pytest.mark.policy("C6")
@pytest.mark.django_db
@pytest.mark.parametrize(("payload", "message"), BAD_BATCHES)
def test_a_bad_batch_is_refused_whole_and_records_nothing(payload, message):
    if isinstance(payload, dict) and isinstance(payload.get("events"), list) and payload["events"]:
        payload = {**payload, "events": [page_view(), *payload["events"]]}  # a good event first: not kept
        payload["events"] = (
            payload["events"][: max(len(payload["events"]) - 1, 2)]
            if message == "Too many events"
            else payload["events"]
        )

    response = post(browser(performance=True), payload)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert message in response.json()["error"]
    assert not Event.objects.exists()


@pytest.mark.policy("C6")
@pytest.mark.django_db
@pytest.mark.parametrize(
    "body", [b"{not json", b"\xff\xfe\x00", b" ", b"null"], ids=["broken", "not-utf8", "blank", "null"]
)
def test_malformed_bodies_get_a_json_400(body):
    response = post(browser(performance=True), body)

    assert response.status_code == 400
    assert response.json()["error"]
    assert not Event.objects.exists()


@pytest.mark.policy("C6")
@pytest.mark.django_db
def test_a_body_over_the_limit_is_refused_with_413():
    big = json.dumps({"events": [page_view(referrer="https://example.org/" + "a" * 2000)] * 9})
    assert len(big) > settings.ANALYTICS_MAX_BODY_BYTES

    response = post(browser(performance=True), big)

    assert response.status_code == 413
    assert str(settings.ANALYTICS_MAX_BODY_BYTES) in response.json()["error"]
    assert not Event.objects.exists()


@pytest.mark.policy("C6")
@pytest.mark.django_db
def test_a_declared_length_over_the_limit_is_refused_before_reading():
    factory = RequestFactory()
    request = factory.post(URL, b"{}", content_type="application/json")
    request.META["CONTENT_LENGTH"] = str(settings.ANALYTICS_MAX_BODY_BYTES + 1)
    from allegra.analytics.views import _read_body

    assert _read_body(request) is None


@pytest.mark.policy("C6")
@pytest.mark.django_db
def test_sendbeacon_text_plain_is_accepted_and_other_types_are_not():
    client = browser(performance=True)

    assert post(client, {"events": [page_view()]}, content_type="text/plain;charset=UTF-8").status_code == 204
    form = client.post(URL, {"events": "x"})

    assert form.status_code == 415
    assert Event.objects.count() == 1


@pytest.mark.policy("C6")
@pytest.mark.django_db
def test_get_on_the_event_endpoint_is_refused():
    response = browser(performance=True).get(URL)

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert not Event.objects.exists()


@pytest.mark.policy("K2")
@pytest.mark.django_db
def test_no_csrf_token_is_needed_but_a_cross_site_beacon_carries_no_consent():
    # A forged beacon from another site: SameSite=Lax keeps the consent cookie out of it, so it arrives
    # without consent, is accepted (nothing to tell the forger) and records nothing.
    forged = Client(enforce_csrf_checks=True, HTTP_ORIGIN="https://evil.example", REMOTE_ADDR="198.51.100.1")
    assert post(forged, {"events": [page_view()]}).status_code == 204
    assert not Event.objects.exists()

    own = browser(performance=True, enforce_csrf_checks=True)
    assert post(own, {"events": [page_view()]}).status_code == 204
    assert Event.objects.count() == 1


@pytest.mark.policy("C6")
@pytest.mark.django_db
@override_settings(ANALYTICS_EVENTS_PER_MINUTE=12)
def test_a_visitor_over_the_rate_limit_gets_429_with_retry_after():
    client = browser(performance=True)
    post(client, {"events": [page_view()]})  # sets the visitor cookie, from now on the key of the budget
    assert post(client, {"events": [page_view()] * 10}).status_code == 204

    response = post(client, {"events": [page_view()] * 3})

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 61
    assert response.json()["error"]
    assert Event.objects.count() == 11
    # Another visitor has a budget of its own.
    other = browser(performance=True)
    other.defaults["REMOTE_ADDR"] = "198.51.100.9"
    assert post(other, {"events": [page_view()] * 3}).status_code == 204


@pytest.mark.policy("C6")
@pytest.mark.django_db
@override_settings(ANALYTICS_EVENTS_PER_MINUTE=5)
def test_the_rate_limit_without_a_visitor_cookie_is_per_address_network():
    first = browser(performance=False, REMOTE_ADDR="203.0.113.5")
    second = browser(performance=False, REMOTE_ADDR="203.0.113.200")
    assert post(first, {"events": [page_view()] * 5}).status_code == 204

    assert post(second, {"events": [page_view()]}).status_code == 429


@pytest.mark.policy("C6")
@pytest.mark.django_db
def test_the_rate_limit_is_shared_through_redis(redis_cache, settings):
    settings.ANALYTICS_EVENTS_PER_MINUTE = 4
    client = browser(performance=True)
    post(client, {"events": [page_view()]})  # sets the visitor cookie
    assert post(client, {"events": [page_view()] * 4}).status_code == 204
    # A second app server (another client, the same cookie) sees the same counter.
    other = browser(performance=True)
    other.cookies = client.cookies

    response = post(other, {"events": [page_view()]})

    assert response.status_code == 429
    assert Event.objects.count() == 5


@pytest.mark.policy("C6")
@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 10, 50])
def test_one_insert_whatever_the_batch_size(size, make_product, django_assert_num_queries):
    make_product(slug="ring-1")
    client = browser(performance=True)
    events = [page_view(product="ring-1") for _ in range(size)]

    # One look-up of the products named, one INSERT for the whole batch.
    with django_assert_num_queries(2):
        assert post(client, {"events": events}).status_code == 204

    assert Event.objects.count() == size


@pytest.mark.policy("C6")
@pytest.mark.django_db
def test_a_batch_without_products_costs_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert post(browser(performance=True), {"events": [page_view()] * 20}).status_code == 204


@pytest.mark.policy("K2")
@pytest.mark.django_db
def test_a_batch_without_consent_costs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert post(browser(performance=False), {"events": [page_view()] * 20}).status_code == 204


def _request(*, performance: bool | None):
    request = RequestFactory().post(
        "/en/cart/add", REMOTE_ADDR="192.0.2.44", HTTP_USER_AGENT=IPHONE, HTTP_ACCEPT_LANGUAGE="el-GR,el;q=0.9"
    )
    request.consent = NO_CHOICE if performance is None else ConsentState(decided=True, performance=performance)
    return request


@pytest.mark.policy("C6")
@pytest.mark.policy("K2")
@pytest.mark.django_db
def test_server_events_are_recorded_only_with_performance_consent(make_product):
    ring = make_product(slug="server-ring")

    assert record_server_event(request=_request(performance=None), kind="add_to_cart", product=ring) is None
    assert record_server_event(request=_request(performance=False), kind="purchase", value="120") is None
    assert not Event.objects.exists()

    added = record_server_event(request=_request(performance=True), kind="add_to_cart", product=ring)
    bought = record_server_event(request=_request(performance=True), kind="purchase", product=ring.pk, value="249.9")

    assert (added.kind, added.product, added.path, added.language) == ("add_to_cart", ring, "/en/cart/add", "en")
    assert (added.ip_truncated, added.country, added.device_type) == ("192.0.2.0", "GR", "mobile")
    assert bought.value == Decimal("249.90")
    with pytest.raises(ValueError):
        record_server_event(request=_request(performance=True), kind="page_view")


@pytest.mark.policy("C6")
@pytest.mark.django_db
def test_record_events_refuses_before_it_checks_consent():
    with pytest.raises(EventBatchError):
        record_events(request=_request(performance=False), payload={"events": [{"kind": "nope"}]})
    assert record_events(request=_request(performance=False), payload={"events": [page_view()]}) == 0
