"""The account side of consent: sign-in links the browser's choices to the account (newer wins, a GPC refusal
follows the account), and "My privacy" shows the choices in force, changes them and lists their history (K6)."""

from __future__ import annotations

import datetime
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from allegra.consent.forms import ACCOUNT_NOTICE
from allegra.consent.models import ConsentRecord, Source
from allegra.consent.services import notice_hash
from allegra.consent.state import ConsentState
from tests.consent.conftest import CUSTOMER_PASSWORD, cookie_state, give_cookie

pytestmark = pytest.mark.django_db

LOGIN = "/en/account/login/"
PRIVACY = "/en/account/privacy/"
CHANGE = "/en/account/consent/"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def customer(customer):
    customer.set_password(CUSTOMER_PASSWORD)
    customer.save()
    return customer


def record(*, consent_id, user=None, ago=timedelta(0), performance=False, advertising=False, source=Source.GPC):
    return ConsentRecord.objects.create(
        consent_id=consent_id,
        user=user,
        performance=performance,
        advertising=advertising,
        source=source,
        gpc=source == Source.GPC,
        policy_version=settings.PRIVACY_POLICY_VERSION,
        recorded_at=timezone.now() - ago,
    )


def browser_with(client, *, performance, advertising, ago, source=Source.BANNER_FIRST_LAYER, gpc_honoured=False):
    """A browser that chose `ago`: its record in the ledger and its cookie."""
    consent_id = uuid.uuid4()
    record(consent_id=consent_id, ago=ago, performance=performance, advertising=advertising, source=source)
    state = ConsentState(
        consent_id=consent_id,
        decided=True,
        performance=performance,
        advertising=advertising,
        gpc_honoured=gpc_honoured,
        policy_version=settings.PRIVACY_POLICY_VERSION,
    )
    give_cookie(client, state)
    return state


def log_in(client, user):
    response = client.post(LOGIN, {"username": user.email, "password": CUSTOMER_PASSWORD})
    assert response.status_code == 302, response.content
    return response


# --- sign-in ---------------------------------------------------------------------------------------------------


@pytest.mark.policy("K6")
def test_login_links_the_browsers_choices_to_the_account(client, customer):
    state = browser_with(client, performance=True, advertising=False, ago=timedelta(minutes=5))
    response = log_in(client, customer)
    assert ConsentRecord.objects.get(consent_id=state.consent_id).user == customer
    # The browser's choice is the newest: its cookie is left as it is (not stretched for 12 more months).
    assert settings.CONSENT_COOKIE_NAME not in response.cookies


@pytest.mark.policy("K6")
def test_at_login_the_accounts_newer_choice_wins(client, customer):
    browser = browser_with(client, performance=False, advertising=False, ago=timedelta(days=3))
    record(consent_id=uuid.uuid4(), user=customer, ago=timedelta(days=1), performance=True, advertising=True,
           source=Source.ACCOUNT_SETTINGS)  # fmt: skip
    state = cookie_state(log_in(client, customer))
    assert (state.consent_id, state.decided, state.performance, state.advertising) == (
        browser.consent_id, True, True, True,
    )  # fmt: skip
    # The browser's own older record joined the account's history.
    assert ConsentRecord.objects.filter(user=customer).count() == 2


@pytest.mark.policy("K6")
def test_at_login_the_browsers_newer_choice_wins(client, customer):
    record(consent_id=uuid.uuid4(), user=customer, ago=timedelta(days=3), performance=True, advertising=True,
           source=Source.ACCOUNT_SETTINGS)  # fmt: skip
    browser_with(client, performance=False, advertising=False, ago=timedelta(hours=1))
    response = log_in(client, customer)
    assert settings.CONSENT_COOKIE_NAME not in response.cookies
    assert client.get(PRIVACY).wsgi_request.consent.performance is False


@pytest.mark.policy("S5")
def test_the_accounts_gpc_refusal_follows_it_to_another_browser(client, customer):
    browser = browser_with(client, performance=True, advertising=True, ago=timedelta(days=10))
    # Signed in elsewhere, that browser sent Sec-GPC: 1.
    elsewhere = Client()
    elsewhere.force_login(customer)
    elsewhere.get("/en/", HTTP_SEC_GPC="1")
    state = cookie_state(log_in(client, customer))
    assert (state.consent_id, state.decided, state.performance, state.advertising, state.gpc_honoured) == (
        browser.consent_id, True, True, False, True,
    )  # fmt: skip


def test_a_fresh_browser_gets_the_accounts_choice_at_login(client, customer):
    record(consent_id=uuid.uuid4(), user=customer, ago=timedelta(days=1), performance=True, advertising=False,
           source=Source.ACCOUNT_SETTINGS)  # fmt: skip
    state = cookie_state(log_in(client, customer))
    assert state.decided and state.performance and not state.advertising and state.consent_id is not None


def test_another_accounts_records_in_the_same_browser_stay_with_it(client, customer, other_customer):
    state = browser_with(client, performance=True, advertising=False, ago=timedelta(hours=2))
    ConsentRecord.objects.filter(consent_id=state.consent_id).attach_to_account(other_customer)
    log_in(client, customer)
    assert ConsentRecord.objects.get(consent_id=state.consent_id).user == other_customer


def test_a_failed_login_links_nothing(client, customer):
    state = browser_with(client, performance=True, advertising=False, ago=timedelta(hours=2))
    client.post(LOGIN, {"username": customer.email, "password": "wrong"})
    assert ConsentRecord.objects.get(consent_id=state.consent_id).user is None


# --- My privacy ------------------------------------------------------------------------------------------------


@pytest.mark.policy("K6")
def test_my_privacy_shows_the_choice_in_force_and_its_history_in_athens_time(customer_client, customer, other_customer):
    ConsentRecord.objects.create(
        consent_id=uuid.uuid4(), user=customer, performance=True, advertising=False, source=Source.BANNER_CHOOSE_LAYER,
        policy_version="2026-11-01", recorded_at=datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC),
    )  # fmt: skip
    ConsentRecord.objects.create(
        consent_id=uuid.uuid4(), user=customer, performance=True, advertising=False, source=Source.GPC, gpc=True,
        policy_version="2026-11-01", recorded_at=datetime.datetime(2026, 11, 25, 8, 30, tzinfo=datetime.UTC),
    )  # fmt: skip
    record(consent_id=uuid.uuid4(), user=other_customer, performance=False, advertising=True,
           source=Source.CHECKOUT)  # fmt: skip
    body = customer_client.get(PRIVACY).content.decode()
    assert "In force since 25 November 2026, 10:30 (Athens time)" in body
    assert "20 November 2026, 12:00" in body  # 10:00 UTC is 12:00 in Athens in November
    assert "Cookie banner (Choose)" in body and "Global Privacy Control signal" in body
    assert "Checkout" not in body  # the other customer's record
    assert body.count("<tr>") == 3  # header + two records
    assert (
        'name="performance" checked' in body
        or 'checked id="id_performance"' in body
        or ('id="id_performance" checked' in body)
    )
    assert str(ACCOUNT_NOTICE) in body
    assert 'action="/en/account/consent/"' in body


def test_my_privacy_without_any_choice_says_so(customer_client):
    body = customer_client.get(PRIVACY).content.decode()
    assert "Your account has no cookie choice yet." in body
    assert "You have not made any cookie choice while signed in yet." in body


@pytest.mark.policy("K6")
def test_changing_and_withdrawing_from_my_privacy(customer_client, customer):
    response = customer_client.post(CHANGE, {"performance": "on", "advertising": "on"})
    assert response.status_code == 302 and response["Location"] == PRIVACY
    granted = cookie_state(response)
    assert granted.decided and granted.performance and granted.advertising
    # Withdrawing is the same form with the boxes unticked: one click, like granting.
    withdrawn = customer_client.post(CHANGE, {})
    assert cookie_state(withdrawn).consent_id == granted.consent_id
    assert not cookie_state(withdrawn).performance and not cookie_state(withdrawn).advertising
    entries = list(ConsentRecord.objects.order_by("id"))
    assert [(e.source, e.performance, e.advertising, e.user) for e in entries] == [
        (Source.ACCOUNT_SETTINGS, True, True, customer),
        (Source.ACCOUNT_SETTINGS, False, False, customer),
    ]
    assert entries[0].notice_id == entries[1].notice_id == notice_hash(str(ACCOUNT_NOTICE))
    page = customer_client.get(PRIVACY).content.decode()
    assert "Your cookie choices are saved." in page
    assert page.count("<tr>") == 3


@pytest.mark.policy("K6")
def test_the_account_form_refuses_a_post_without_csrf(customer):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(customer)
    assert browser.post(CHANGE, {"performance": "on"}).status_code == 403
    assert not ConsentRecord.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"performance": "on", "marketing": "on"},
        {"performance": "maybe"},
        {"advertising": ["on", "on"]},
        {"functional": ""},
    ],
)
@pytest.mark.policy("K1")
def test_forged_or_malformed_posts_change_nothing(customer_client, data):
    response = customer_client.post(CHANGE, data)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "not saved" in response.content.decode()
    assert settings.CONSENT_COOKIE_NAME not in response.cookies
    assert not ConsentRecord.objects.exists()


def test_the_account_form_needs_a_signed_in_customer_and_a_post(client, customer_client):
    response = client.post(CHANGE, {"performance": "on"})
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    assert customer_client.get(CHANGE).status_code == 405
    assert not ConsentRecord.objects.exists()


def test_one_customer_never_sees_or_changes_anothers_choices(customer_client, other_customer_client, customer):
    other_customer_client.post(CHANGE, {"advertising": "on"})
    customer_client.post(CHANGE, {"performance": "on"})
    mine = customer_client.get(PRIVACY).content.decode()
    assert mine.count("<tr>") == 2
    assert ConsentRecord.objects.filter(user=customer).get().performance is True
    assert ConsentRecord.objects.exclude(user=customer).get().advertising is True


# session, user, profile, address kinds, the header's categories, the cookie consent history and the purpose
# consent history (one query each, however long they are).
PRIVACY_QUERIES = 8  # ... and the restriction of processing in force (R3.restrict)


@pytest.mark.parametrize("choices", [0, 1, 12])
def test_my_privacy_query_count_is_bounded(customer_client, customer, django_assert_num_queries, choices):
    for n in range(choices):
        record(consent_id=uuid.uuid4(), user=customer, ago=timedelta(hours=n), source=Source.ACCOUNT_SETTINGS)
    customer_client.get(PRIVACY)  # warm: translations, templates
    with django_assert_num_queries(PRIVACY_QUERIES):
        assert customer_client.get(PRIVACY).status_code == 200
