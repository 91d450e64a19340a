"""Global Privacy Control (S5): `Sec-GPC: 1` is a refusal of advertising, recorded once per browser with source
GPC, for the account too when signed in; an explicit later choice is recorded as such and not overridden."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from allegra.consent import services
from allegra.consent.models import ConsentRecord, Source
from allegra.consent.state import ConsentState
from tests.consent.conftest import cookie_state, give_cookie

pytestmark = [pytest.mark.django_db, pytest.mark.policy("S5")]

HOME = "/en/"
GPC = {"HTTP_SEC_GPC": "1"}


def test_the_signal_is_recorded_once_per_browser_with_source_gpc(client):
    response = client.get(HOME, **GPC)
    assert response.status_code == 200
    entry = ConsentRecord.objects.get()
    assert (entry.source, entry.gpc, entry.advertising, entry.performance, entry.user) == (
        Source.GPC, True, False, False, None,
    )  # fmt: skip
    state = cookie_state(response)
    assert state.consent_id == entry.consent_id and state.gpc_honoured and not state.advertising
    # Nothing was chosen yet: the banner still asks, and says the signal was honoured (the variant carries it).
    assert state.show_banner
    assert response.wsgi_request.consent.gpc_honoured and not response.wsgi_request.consent.advertising
    assert "private" in response["Cache-Control"]

    for _ in range(3):
        later = client.get(HOME, **GPC)
        assert settings.CONSENT_COOKIE_NAME not in later.cookies
    assert ConsentRecord.objects.count() == 1


def test_no_signal_no_record_and_no_query_from_the_middleware(client, django_assert_num_queries):
    client.get(HOME)  # warm
    with django_assert_num_queries(0):
        response = client.get("/.well-known/gpc.json")
    assert response.json()["gpc"] is True
    client.get(HOME, HTTP_SEC_GPC="0")
    assert not ConsentRecord.objects.exists()


def test_the_signal_refuses_a_browsers_earlier_grant_but_keeps_performance(client, make_request):
    granted = services.record_choice(
        request=make_request(), performance=True, advertising=True, source=Source.BANNER_FIRST_LAYER
    )
    give_cookie(client, granted)
    response = client.get(HOME, **GPC)
    latest = ConsentRecord.objects.order_by("-id").first()
    assert (latest.source, latest.consent_id, latest.performance, latest.advertising) == (
        Source.GPC, granted.consent_id, True, False,
    )  # fmt: skip
    state = cookie_state(response)
    assert (state.decided, state.performance, state.advertising, state.gpc_honoured) == (True, True, False, True)


def test_an_explicit_later_choice_is_recorded_as_such_and_not_overridden(client, make_request):
    first = client.get(HOME, **GPC)
    honoured = cookie_state(first)
    # The visitor then ticks advertising on the choose layer, with the signal still on.
    chosen = services.record_choice(
        request=make_request(consent=honoured, gpc=True),
        performance=False,
        advertising=True,
        source=Source.BANNER_CHOOSE_LAYER,
    )
    give_cookie(client, chosen)
    for _ in range(2):
        response = client.get(HOME, **GPC)
        assert settings.CONSENT_COOKIE_NAME not in response.cookies
        assert response.wsgi_request.consent.advertising is True
    sources = list(ConsentRecord.objects.order_by("id").values_list("source", "advertising"))
    assert sources == [(Source.GPC, False), (Source.BANNER_CHOOSE_LAYER, True)]


def test_the_signal_of_a_signed_in_customer_is_recorded_for_the_account(customer_client, customer):
    customer_client.get(HOME, **GPC)
    entry = ConsentRecord.objects.get()
    assert entry.user == customer and entry.source == Source.GPC


def test_a_cached_page_never_carries_anothers_cookie(settings, client):
    settings.PAGE_CACHE_SECONDS = 600
    first = client.get(HOME, **GPC)
    assert settings.CONSENT_COOKIE_NAME in first.cookies
    # Another visitor whose cookie already says the same gets the page (maybe from the cache), without a cookie.
    other = Client()
    give_cookie(other, ConsentState(consent_id=cookie_state(first).consent_id, gpc_honoured=True))
    second = other.get(HOME, **GPC)
    assert second.status_code == 200
    assert settings.CONSENT_COOKIE_NAME not in second.cookies
    assert ConsentRecord.objects.count() == 1


def test_a_forged_cookie_claiming_the_signal_was_honoured_is_ignored(client):
    value = ConsentState(gpc_honoured=True).to_cookie()
    client.cookies[settings.CONSENT_COOKIE_NAME] = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
    client.get(HOME, **GPC)
    assert ConsentRecord.objects.filter(source=Source.GPC).count() == 1


def test_a_client_that_keeps_no_cookies_cannot_flood_the_ledger(client, settings):
    """Each request of a cookie-less client with the signal is honoured, but one network adds at most
    GPC_RECORDS_PER_HOUR records an hour."""
    for _ in range(services.GPC_RECORDS_PER_HOUR + 5):
        response = Client().get(HOME, **GPC)
        assert response.wsgi_request.consent.gpc_honoured and not response.wsgi_request.consent.advertising
    assert ConsentRecord.objects.count() == services.GPC_RECORDS_PER_HOUR


def test_a_signal_announced_to_scripts_is_recorded_once_through_the_page():
    """`navigator.globalPrivacyControl` without the header: consent.js posts it with the page's CSRF token."""
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(HOME)
    token = page.cookies["csrftoken"].value
    first = browser.post("/en/cookies/gpc/", headers={"X-CSRFToken": token, "Accept": "application/json"})
    assert first.status_code == 200 and first.json()["recorded"] is True
    assert "Global Privacy Control" in first.json()["message"]
    state = cookie_state(first)
    assert state.gpc_honoured and not state.advertising
    again = browser.post("/en/cookies/gpc/", headers={"X-CSRFToken": token, "Accept": "application/json"})
    assert again.json()["recorded"] is False
    entry = ConsentRecord.objects.get()
    assert (entry.source, entry.advertising, entry.gpc) == (Source.GPC, False, True)
    # Once honoured, the page says so to the script, which then posts nothing.
    assert "data-gpc-honoured" in browser.get(HOME).content.decode()


def test_no_other_site_can_announce_the_signal_for_a_visitor():
    response = Client(enforce_csrf_checks=True).post("/en/cookies/gpc/")
    assert response.status_code == 403
    assert not ConsentRecord.objects.exists()
