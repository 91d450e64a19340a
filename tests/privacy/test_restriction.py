"""Restriction of processing (R3.restrict): one flag that stops marketing, personalisation, analytics and
profiling for a person. The check is proven from each path that asks it; lifting restores; both are logged."""

# ruff: noqa: F811 - fixtures are imported by name and used as arguments
from __future__ import annotations

import json
import uuid

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.test import Client, RequestFactory
from django.urls import reverse

from allegra.accounts.roles import PRIVACY_OFFICER, ensure_staff_roles
from allegra.analytics.models import Event
from allegra.analytics.services import email_pixel_url, record_email_open, record_server_event
from allegra.consent.models import ConsentRecord, PurposeSource, Source
from allegra.consent.purposes import MARKETING_EMAIL, MARKETING_PERSONALISATION
from allegra.consent.selectors import purpose_granted
from allegra.consent.services import may_send_marketing, record_purpose_consent
from allegra.consent.state import ConsentState
from allegra.core.audit import verify_chain
from allegra.core.models import AuditEntry
from allegra.privacy import restriction
from allegra.privacy.models import ProcessingRestriction
from allegra.privacy.restriction import is_restricted, lift, restrict
from tests.accounts.conftest import customer, customer_client, other_customer  # noqa: F401
from tests.backoffice.support import verified_client

pytestmark = [pytest.mark.policy("R3.restrict"), pytest.mark.django_db]

UA = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def performance_cookie() -> str:
    return ConsentState(
        consent_id=uuid.uuid4(), decided=True, performance=True, policy_version=settings.PRIVACY_POLICY_VERSION
    ).to_cookie()


def signed_in_browser(user) -> Client:
    client = Client(REMOTE_ADDR="198.51.100.23", HTTP_USER_AGENT=UA)
    client.force_login(user)
    client.cookies[settings.CONSENT_COOKIE_NAME] = performance_cookie()
    return client


def beacon(client: Client):
    body = json.dumps({"events": [{"kind": "page_view", "path": "/el/"}]})
    return client.post("/a/events", body, content_type="application/json")


def allow_performance(user) -> None:
    ConsentRecord.objects.create(
        consent_id=uuid.uuid4(),
        user=user,
        performance=True,
        advertising=False,
        source=Source.ACCOUNT_SETTINGS,
        policy_version=settings.PRIVACY_POLICY_VERSION,
    )


def grant(purpose: str, *, user=None, email=None, source=PurposeSource.ACCOUNT_SETTINGS):
    return record_purpose_consent(
        purpose=purpose, granted=True, source=source, notice_text="Yes, send me news.", user=user, email=email
    )


def server_request(user):
    request = RequestFactory().post("/en/cart/add", REMOTE_ADDR="192.0.2.44", HTTP_USER_AGENT=UA)
    request.consent = ConsentState(decided=True, performance=True)
    request.user = user
    return request


# --- analytics ----------------------------------------------------------------------------------------------


def test_the_beacon_writes_nothing_for_a_restricted_customer_even_with_performance_consent(customer, other_customer):
    restrict(user=customer, by=customer)
    restricted, other = signed_in_browser(customer), signed_in_browser(other_customer)

    response = beacon(restricted)
    assert response.status_code == 204  # answered exactly as with consent: the page never behaves differently
    assert not Event.objects.exists()
    assert settings.ANALYTICS_VISITOR_COOKIE_NAME not in response.cookies

    assert beacon(other).status_code == 204
    assert Event.objects.count() == 1  # another person is unaffected

    lift(user=customer, by=customer)
    beacon(restricted)
    assert Event.objects.count() == 2  # lifting restores


def test_a_restricted_customer_loses_the_analytics_visitor_cookie(customer):
    restrict(user=customer, by=customer)
    client = signed_in_browser(customer)
    client.cookies[settings.ANALYTICS_VISITOR_COOKIE_NAME] = str(uuid.uuid4())

    response = beacon(client)

    assert response.cookies[settings.ANALYTICS_VISITOR_COOKIE_NAME].value == ""  # deleted


def test_server_events_are_not_written_for_a_restricted_customer(customer, other_customer):
    restrict(user=customer, by=customer)

    assert record_server_event(request=server_request(customer), kind="purchase", value="120") is None
    assert not Event.objects.exists()
    assert record_server_event(request=server_request(other_customer), kind="purchase", value="120") is not None


def test_no_email_pixel_and_no_open_recorded_for_a_restricted_customer(customer, other_customer):
    allow_performance(customer)
    allow_performance(other_customer)
    earlier_url = email_pixel_url(user=customer, campaign="spring")
    assert earlier_url is not None

    restrict(user=customer, by=customer)

    assert email_pixel_url(user=customer, campaign="spring") is None
    token = earlier_url.rsplit("/", 1)[1].removesuffix(".gif")
    request = RequestFactory().get("/a/m/x.gif", REMOTE_ADDR="192.0.2.1", HTTP_USER_AGENT=UA)
    assert record_email_open(request=request, token=token) is False  # an email sent before: its open is not kept
    assert not Event.objects.exists()
    assert email_pixel_url(user=other_customer, campaign="spring") is not None

    lift(user=customer, by=customer)
    assert email_pixel_url(user=get_user_model().objects.get(pk=customer.pk), campaign="spring") is not None


# --- marketing and personalisation ----------------------------------------------------------------------------


def test_marketing_and_personalisation_consents_answer_no_while_restricted(customer, other_customer):
    for person in (customer, other_customer):
        grant(MARKETING_EMAIL, user=person)
        grant(MARKETING_PERSONALISATION, user=person)

    restrict(user=customer, by=customer)

    assert not purpose_granted(purpose=MARKETING_EMAIL, user=customer)
    assert not purpose_granted(purpose=MARKETING_PERSONALISATION, user=customer)
    assert not may_send_marketing(user=customer)
    assert purpose_granted(purpose=MARKETING_PERSONALISATION, user=other_customer)
    assert may_send_marketing(user=other_customer)

    lift(user=customer, by=customer)
    assert purpose_granted(purpose=MARKETING_EMAIL, user=customer)
    assert purpose_granted(purpose=MARKETING_PERSONALISATION, user=customer)
    assert may_send_marketing(user=customer)


def test_an_address_without_an_account_can_be_restricted_and_stored_only_as_a_keyed_hash(db):
    grant(MARKETING_EMAIL, email="guest@example.com")
    assert may_send_marketing(email="guest@example.com")

    made = restrict(email="Guest@Example.com ", reason="disputes accuracy")

    assert "guest" not in made.email_index and len(made.email_index) == 64
    assert is_restricted(email="guest@example.com")
    assert not may_send_marketing(email="guest@example.com")
    assert not purpose_granted(purpose=MARKETING_EMAIL, email="guest@example.com")
    assert not is_restricted(email="someone-else@example.com")


def test_a_restriction_made_with_an_address_holds_for_the_account_made_with_it_later(db):
    restrict(email="later@example.com")
    user = get_user_model().objects.create_user("later@example.com", "pw-later-2026-long")

    assert is_restricted(user=user)
    assert lift(user=user, by=user) == 1
    assert not is_restricted(user=user)


def test_may_send_marketing_needs_a_paid_order_for_a_checkout_soft_opt_in(db):
    grant(MARKETING_EMAIL, email="buyer@example.com", source=PurposeSource.CHECKOUT)
    assert not may_send_marketing(email="buyer@example.com")  # no paid order: not an existing customer
    assert not may_send_marketing()  # nobody


def test_a_restricted_buyers_checkout_choice_is_recorded_but_grants_nothing(db):
    restrict(email="buyer@example.com")
    record = grant(MARKETING_EMAIL, email="buyer@example.com", source=PurposeSource.CHECKOUT)

    assert record.pk is not None and record.granted
    assert not may_send_marketing(email="buyer@example.com")


# --- history, audit log, cost -----------------------------------------------------------------------------------


def test_restricting_and_lifting_are_logged_with_who_and_when(customer):
    made = restrict(user=customer, by=customer, reason="I object")
    lift(user=customer, by=customer)

    entries = list(AuditEntry.objects.filter(subject=str(customer.public_id)).order_by("id"))
    assert [entry.fields for entry in entries] == [["processing_restriction"], ["processing_restriction"]]
    assert [entry.actor_id for entry in entries] == [customer.pk, customer.pk]
    assert "restricted" in entries[0].reason and "lifted" in entries[1].reason
    assert entries[0].created_at >= made.set_at
    assert verify_chain().intact


def test_history_is_kept_and_at_most_one_restriction_is_active(customer):
    first = restrict(user=customer, by=customer)
    assert restrict(user=customer, by=customer).pk == first.pk  # already restricted: nothing new
    lift(user=customer, by=customer)
    assert lift(user=customer, by=customer) == 0  # nothing in force: nothing written
    second = restrict(user=customer, by=customer)

    rows = list(ProcessingRestriction.objects.filter(user=customer).order_by("id"))
    assert [row.pk for row in rows] == [first.pk, second.pk]
    assert rows[0].lifted_at is not None and rows[0].lifted_by == customer
    assert rows[1].is_active
    assert AuditEntry.objects.count() == 3
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessingRestriction.objects.create(user=customer)


def test_bad_input_changes_nothing(db):
    for bad in ({}, {"email": "not-an-address"}, {"email": "a@example.com", "reason": "x" * 501}):
        with pytest.raises(restriction.RestrictionError):
            restrict(**bad)
    assert not ProcessingRestriction.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_check_costs_one_query_and_is_remembered_for_the_request(customer, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert not is_restricted(user=customer)
    with django_assert_num_queries(0):
        assert not is_restricted(user=customer)
    restrict(user=customer, by=customer)  # forgets the remembered answer
    with django_assert_num_queries(1):
        assert is_restricted(user=customer)
    with django_assert_num_queries(1):
        assert is_restricted(email="eleni@example.com")
    with django_assert_num_queries(0):
        assert not is_restricted()


# --- "My privacy" ------------------------------------------------------------------------------------------------


def test_the_customer_restricts_and_lifts_from_my_privacy(customer, customer_client, other_customer):
    page = customer_client.get("/en/account/privacy/")
    assert "Restrict processing of my data" in page.content.decode()
    assert "Continues: your orders" in page.content.decode()

    response = customer_client.post(reverse("privacy:restrict"), {"reason": "accuracy"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:privacy")
    assert is_restricted(user=get_user_model().objects.get(pk=customer.pk))
    assert not is_restricted(user=other_customer)
    assert "Lift the restriction" in customer_client.get("/en/account/privacy/").content.decode()

    customer_client.post(reverse("privacy:lift-restriction"))
    assert not is_restricted(user=get_user_model().objects.get(pk=customer.pk))
    assert ProcessingRestriction.objects.get(user=customer).lifted_by == customer


def test_the_forms_need_csrf_post_and_a_signed_in_customer(customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    assert client.post(reverse("privacy:restrict")).status_code == 403
    assert client.get(reverse("privacy:restrict")).status_code == 405
    anonymous = Client().post(reverse("privacy:restrict"))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert not ProcessingRestriction.objects.exists()


def test_a_reason_too_long_is_refused_with_a_message(customer_client, english):
    response = customer_client.post("/en/privacy/restriction/", {"reason": "x" * 501})
    assert response.status_code == 400
    assert "Nothing was changed" in response.content.decode()
    assert not ProcessingRestriction.objects.exists()


# --- the back office -------------------------------------------------------------------------------------------


def test_the_privacy_officer_sets_and_lifts_a_restriction_in_the_back_office(customer):
    groups = ensure_staff_roles()
    officer = get_user_model().objects.create_user("officer@example.com", "officer-pass-2026", is_staff=True)
    officer.groups.set([groups[PRIVACY_OFFICER]])
    client = verified_client(Client(), officer)

    added = client.post(
        reverse("admin:privacy_processingrestriction_add"), {"user": customer.pk, "email": "", "reason": "by phone"}
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    made = ProcessingRestriction.objects.get()
    assert (made.user, made.set_by, made.reason) == (customer, officer, "by phone")

    lifted = client.post(
        reverse("admin:privacy_processingrestriction_changelist"),
        {"action": "lift_selected", "_selected_action": [made.pk]},
    )
    assert lifted.status_code == 302
    made.refresh_from_db()
    assert made.lifted_by == officer and made.lifted_at is not None
    actors = set(AuditEntry.objects.filter(fields=["processing_restriction"]).values_list("actor", flat=True))
    assert actors == {officer.pk}
