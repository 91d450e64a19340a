"""The page cache: anonymous storefront pages are rendered once per catalogue version, nothing personal is
ever cached, and a search served from the cache is still counted."""

import re

import pytest
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.template import engines
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from allegra.analytics.models import SearchRecord
from allegra.catalog import selectors, services
from allegra.catalog.search import index_products
from allegra.consent.state import ConsentState
from allegra.core.pagecache import CSRF_PLACEHOLDER, cache_public_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def ring(make_category, make_product):
    rings = make_category(slug="rings", name_en="Rings", name_el="Δαχτυλίδια", has_ring_sizes=True)
    product = make_product(category=rings, slug="olive-ring", name_en="Olive ring", name_el="Δαχτυλίδι Ελιά")
    index_products()
    return product


def test_second_visit_is_served_from_the_cache_with_one_query(client, ring):
    first = client.get("/en/p/olive-ring/")
    assert first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = client.get("/en/p/olive-ring/")
    assert second["X-Page-Cache"] == "hit"
    assert _without_csrf_tokens(second.content) == _without_csrf_tokens(first.content)
    assert second["Content-Type"] == first["Content-Type"]
    assert len(queries) == 1, "only the catalogue version is read"


def test_languages_and_query_strings_are_cached_apart(client, ring):
    assert b"Olive ring" in client.get("/en/p/olive-ring/").content
    assert "Δαχτυλίδι Ελιά" in client.get("/el/p/olive-ring/").content.decode()
    assert client.get("/en/c/rings/?sort=name")["X-Page-Cache"] == "miss"
    assert client.get("/en/c/rings/?sort=price_asc")["X-Page-Cache"] == "miss"


def test_a_product_change_renders_its_pages_anew(client, ring, django_capture_on_commit_callbacks):
    client.get("/en/p/olive-ring/")
    ring.name_en = "Olive branch ring"
    ring.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.product_changed(product=ring)
    response = client.get("/en/p/olive-ring/")
    assert response["X-Page-Cache"] == "miss"
    assert b"Olive branch ring" in response.content


def test_a_category_change_moves_the_catalogue_version(ring, django_capture_on_commit_callbacks):
    before = selectors.catalogue_version()
    with django_capture_on_commit_callbacks(execute=True):
        services.catalogue_changed(product_ids=[])
    assert selectors.catalogue_version() != before


def test_visitors_with_a_session_are_never_served_from_the_cache(client, ring, django_user_model):
    user = django_user_model.objects.create_user(email="eleni@example.com", password="a long pass phrase")
    client.force_login(user)
    first = client.get("/en/p/olive-ring/")
    second = client.get("/en/p/olive-ring/")
    assert "X-Page-Cache" not in first
    assert "X-Page-Cache" not in second


@pytest.mark.policy("U5")
def test_a_cached_search_is_still_counted_once_per_visit(client, ring):
    assert client.get("/en/search/?q=olive")["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/en/search/?q=olive")["X-Page-Cache"] == "hit"
    assert len(queries) == 2, "the catalogue version and the search record"
    records = list(SearchRecord.objects.values_list("normalized_query", "language", "result_count"))
    assert records == [("olive", "en", 1), ("olive", "en", 1)]


def test_page_turns_of_a_cached_search_are_not_counted(client, ring):
    client.get("/en/search/?q=olive&page=2")
    client.get("/en/search/?q=olive&page=2")
    assert SearchRecord.objects.count() == 0


def _cached(view):
    return cache_public_page(generation=lambda: "v1")(view)


def test_a_response_that_sets_a_cookie_is_not_cached():
    calls = []

    @_cached
    def view(request):
        calls.append(1)
        response = HttpResponse("hello")
        response.set_cookie("flavour", "vanilla")
        return response

    factory = RequestFactory()
    view(factory.get("/en/"))
    view(factory.get("/en/"))
    assert len(calls) == 2


def test_a_page_holding_a_csrf_token_is_not_cached():
    calls = []

    @_cached
    def view(request):
        calls.append(1)
        return HttpResponse(get_token(request))

    factory = RequestFactory()
    first, second = view(factory.get("/en/")), view(factory.get("/en/"))
    assert len(calls) == 2
    assert first.content != second.content


def _without_csrf_tokens(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def _form_page(calls: list):
    template = engines["django"].from_string('<form method="post">{% csrf_token %}</form>')

    @_cached
    def view(request):
        calls.append(1)
        return HttpResponse(template.render({}, request))

    return view


def _token_in(response) -> str:
    return re.search(r'value="([^"]+)"', response.content.decode()).group(1)


def test_a_page_with_a_form_is_cached_and_each_visitor_gets_a_token_of_their_own():
    calls = []
    view = _form_page(calls)
    factory = RequestFactory()
    first, second = factory.get("/en/"), factory.get("/en/")
    first_response, second_response = view(first), view(second)
    assert len(calls) == 1, "the second visit is served from the cache"
    assert second_response["X-Page-Cache"] == "hit"
    for request, response in ((first, first_response), (second, second_response)):
        token = _token_in(response)
        assert token != CSRF_PLACEHOLDER and CSRF_PLACEHOLDER not in response.content.decode()
        # The masked token of the page matches the cookie the CSRF middleware will set for this visitor.
        assert request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"]
    assert _token_in(first_response) != _token_in(second_response)


def test_pages_are_cached_apart_per_consent_choice():
    calls = []
    view = _form_page(calls)
    factory = RequestFactory()
    undecided, decided = factory.get("/en/"), factory.get("/en/")
    undecided.consent = ConsentState()
    decided.consent = ConsentState(decided=True, performance=True)
    view(undecided)
    view(decided)
    assert len(calls) == 2


def test_only_successful_gets_are_cached():
    calls = []

    @_cached
    def view(request):
        calls.append(1)
        return HttpResponse("gone", status=404 if request.GET.get("missing") else 200)

    factory = RequestFactory()
    for request in (factory.get("/x", {"missing": 1}), factory.get("/x", {"missing": 1}), factory.post("/x")):
        view(request)
    view(factory.post("/x"))
    assert len(calls) == 4


def test_the_page_cache_can_be_switched_off(client, ring, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/en/p/olive-ring/")
    assert "X-Page-Cache" not in client.get("/en/p/olive-ring/")
