"""Data-subject requests (R4): the ways in (account, web form), verification by emailed link or by matching
an order, deadlines, the staff's steps with their emails, and bad input that reveals nothing."""

from __future__ import annotations

import datetime
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from allegra.core.models import AuditEntry
from allegra.privacy import deadlines
from allegra.privacy import requests as services
from allegra.privacy.models import RequestEvent, SubjectRequest
from tests.backoffice.conftest import make_staff, roles  # noqa: F401 - fixtures
from tests.backoffice.support import verified_client

# Real commits: the emails leave after the commit, as in production.
pytestmark = [pytest.mark.django_db(transaction=True)]

FORM = "/en/privacy/requests/"
MINE = "/en/privacy/requests/mine/"
State = SubjectRequest.State
PASSWORD = "customer-pass-2026"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def customer(db):
    return get_user_model().objects.create_user("eleni@example.com", PASSWORD)


def submit(client: Client, **values):
    data = {"kind": "access", "email": "eleni@example.com", "name": "Eleni", "details": "", **values}
    return client.post(FORM, {k: v for k, v in data.items() if v is not None})


def link_in(message) -> str:
    return re.search(r"/en/privacy/requests/verify/[^\s/]+/", message.get_body(("plain",)).get_content()).group(0)


# Deadlines -------------------------------------------------------------------------------------------------


def at(day: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day + "T10:00:00+00:00")


@pytest.mark.policy("R4.channels")
def test_one_calendar_month_is_the_earliest_deadline_and_months_follow_the_calendar():
    assert deadlines.add_months(at("2026-01-31"), 1) == at("2026-02-28")
    assert deadlines.add_months(at("2026-11-30"), 2) == at("2027-01-30")
    due = deadlines.deadlines_for(kind="access", received_at=at("2026-03-02"))
    assert (due.due, due.rule) == (at("2026-04-02"), "gdpr")
    assert due.extended_due == at("2026-05-31")  # 45 + 45 days beats 3 months
    assert due.acknowledge_by == at("2026-03-16")  # 10 business days


def test_an_opt_out_is_due_in_15_business_days_and_cannot_be_extended():
    due = deadlines.deadlines_for(kind="opt_out", received_at=at("2026-03-02"))  # a Monday
    assert (due.due, due.rule) == (at("2026-03-23"), "opt_out")
    assert not deadlines.extension_allowed(kind="opt_out", received_at=at("2026-03-02"), now=at("2026-03-03"))


def test_the_days_waiting_for_verification_move_the_due_date():
    plain = deadlines.deadlines_for(kind="erase", received_at=at("2026-03-02"))
    paused = deadlines.deadlines_for(kind="erase", received_at=at("2026-03-02"), paused_days=3)
    assert paused.due - plain.due == datetime.timedelta(days=3)


# The web form and its verification ------------------------------------------------------------------------------


@pytest.mark.policy("R4.channels")
@pytest.mark.policy("R4.verify")
def test_a_guest_asks_confirms_by_the_emailed_link_and_the_request_is_verified(client, smtp_server):
    response = submit(client, kind="copy")
    assert response.status_code == 200 and 'id="request-check-email"' in response.content.decode()
    request = SubjectRequest.objects.get()
    assert (request.state, request.channel, request.user) == (State.AWAITING_VERIFICATION, "webform", None)
    assert request.email == "eleni@example.com" and request.reference.startswith("PR-")
    [message] = smtp_server.messages
    assert message["To"] == "eleni@example.com" and request.reference in message["Subject"]
    link = link_in(message)

    assert "confirm-request" in client.get(link).content.decode()  # opening the link changes nothing
    assert SubjectRequest.objects.get().state == State.AWAITING_VERIFICATION
    assert client.post(link).status_code == 200
    request.refresh_from_db()
    assert request.state == State.VERIFIED and request.verification == "email_link"
    assert [e.to_state for e in request.events.all()] == ["received", "awaiting_verification", "verified"]
    assert "confirmed" in smtp_server.messages[-1]["Subject"]
    assert client.post(link).status_code == 404  # a link works once


def test_an_unknown_address_gets_exactly_the_same_answer(client, customer, smtp_server):
    known = submit(client, email=customer.email).content.decode()
    unknown = submit(Client(), email="nobody@example.com").content.decode()
    strip = lambda html: re.sub(r"PR-[A-Z0-9]{10}|csrfmiddlewaretoken\" value=\"[^\"]+", "", html)  # noqa: E731
    assert strip(known) == strip(unknown)
    assert len(smtp_server.messages) == 2  # the link goes to the address given, known or not


def test_forged_expired_and_reused_links_open_nothing(client, smtp_server, settings):
    submit(client)
    request = SubjectRequest.objects.get()
    assert client.post("/en/privacy/requests/verify/forged/").status_code == 404
    old = services.verify_link(request, now=time.time() - settings.PRIVACY_REQUEST_VERIFY_SECONDS - 5)
    assert client.post(old.split("testserver")[-1]).status_code == 404
    assert SubjectRequest.objects.get().state == State.AWAITING_VERIFICATION


@pytest.mark.policy("R4.verify")
def test_matching_order_number_email_and_postcode_verify_at_once(client, smtp_server):
    services.identity_matchers.register(_fake_order)
    try:
        response = submit(client, order_number="aj-match00001", postcode="105 63")
        assert 'id="request-verified"' in response.content.decode()
        assert SubjectRequest.objects.get().verification == "matching"
        submit(Client(), order_number="AJ-MATCH00001", postcode="99999")  # wrong postcode: the link instead
        assert SubjectRequest.objects.order_by("-id").first().state == State.AWAITING_VERIFICATION
    finally:
        services.identity_matchers.unregister(_fake_order)


def _fake_order(*, order_number: str, email: str, postcode: str) -> bool:
    return (order_number, email, postcode) == ("AJ-MATCH00001", "eleni@example.com", "10563")


def test_someone_elses_order_number_does_not_verify(client, smtp_server, shop_order):
    response = submit(client, email="intruder@example.com", order_number=shop_order.number, postcode="10563")
    assert 'id="request-check-email"' in response.content.decode()
    assert SubjectRequest.objects.get().state == State.AWAITING_VERIFICATION


def test_a_real_order_verifies_its_buyer(client, smtp_server, shop_order):
    response = submit(client, email=shop_order.email.upper(), order_number=shop_order.number, postcode="105 63")
    assert 'id="request-verified"' in response.content.decode()


@pytest.fixture
def shop_order(db):
    from allegra.orders.services import AddressInput, ContactInput, OrderLineInput, create_order

    address = AddressInput(recipient_name="E", street="Ermou", number="1", city="Athens", postcode="10563")
    return create_order(
        lines=[OrderLineInput(sku="R-1", name_el="Δ", name_en="R", unit_price="10.00", quantity=1)],
        contact=ContactInput(email="buyer@example.com"),
        shipping_address=address,
        billing_address=address,
        shipping_method="courier",
        language="en",
        idempotency_key="request-test-order",
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"kind": "everything"}, "Select a valid choice."),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"kind": "correct", "details": ""}, "Say what should be corrected, and how."),
        ({"details": "x" * 2001}, "Ensure this value has at most 2000 characters"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(client, values, message, smtp_server):
    response = submit(client, **values)
    assert response.status_code == 400 and message in response.content.decode()
    assert not SubjectRequest.objects.exists() and smtp_server.messages == []


def test_the_form_is_throttled_per_network(client, settings, smtp_server):
    settings.PRIVACY_REQUEST_ATTEMPTS = 2
    assert [submit(client).status_code for _ in range(2)] == [200, 200]
    response = submit(client)
    assert response.status_code == 429 and "Too many requests" in response.content.decode()
    assert SubjectRequest.objects.count() == 2


# From the account -------------------------------------------------------------------------------------------


@pytest.mark.policy("R4.channels")
def test_a_signed_in_request_is_verified_by_the_session(client, customer, smtp_server):
    client.force_login(customer)
    response = client.post(MINE, {"kind": "restrict"})
    assert response.status_code == 303
    request = SubjectRequest.objects.get()
    assert (request.state, request.verification, request.user, request.channel) == (
        State.VERIFIED,
        "session",
        customer,
        "account",
    )
    assert request.reference in client.get(MINE).content.decode()


@pytest.mark.parametrize("kind", ["copy", "erase"])
def test_a_copy_or_an_erasure_needs_the_password_again(client, customer, kind, smtp_server):
    client.force_login(customer)
    response = client.post(MINE, {"kind": kind, "password": "wrong"})
    assert response.status_code == 200 and "Your password is not right." in response.content.decode()
    assert not SubjectRequest.objects.exists()
    assert client.post(MINE, {"kind": kind, "password": PASSWORD}).status_code == 303


def test_a_customer_sees_only_their_own_requests(client, customer, smtp_server):
    other = get_user_model().objects.create_user("other@example.com", PASSWORD)
    services.submit_request(kind="access", email=other.email, channel="account", language="en", user=other)
    client.force_login(customer)
    page = client.get(MINE).content.decode()
    assert SubjectRequest.objects.get().reference not in page


# Staff steps -------------------------------------------------------------------------------------------------


def verified_request(**values) -> SubjectRequest:
    owner = get_user_model().objects.create_user(values.pop("email", "maria@example.com"), PASSWORD)
    return services.submit_request(
        kind=values.pop("kind", "access"), email=owner.email, channel="account", language="en", user=owner
    )


@pytest.mark.usefixtures("english")
def test_staff_extend_with_a_reason_complete_in_part_with_a_note_and_deny_with_a_reason(
    smtp_server, django_capture_on_commit_callbacks
):
    staff = get_user_model().objects.create_user("officer@allegra.example", PASSWORD, is_staff=True)
    request = verified_request()
    with pytest.raises(services.RequestError, match="reason for the extension"):
        services.extend(request=request, actor=staff, reason=" ")
    first_due = request.due_at
    with django_capture_on_commit_callbacks(execute=True):
        request = services.extend(request=request, actor=staff, reason="Many orders to go through.")
    assert request.state == State.EXTENDED and request.due_at > first_due
    assert "Many orders to go through." in smtp_server.messages[-1].get_body(("plain",)).get_content()
    with pytest.raises(services.RequestError, match="could not be done"):
        services.complete(request=request, actor=staff, outcome="part")
    with django_capture_on_commit_callbacks(execute=True):
        request = services.complete(request=request, actor=staff, outcome="part", note="Invoices kept by law.")
    assert (request.state, request.outcome, request.closed_at is not None) == (State.COMPLETED, "part", True)
    with pytest.raises(services.RequestError, match="cannot be moved"):
        services.deny(request=request, actor=staff, reason="exempt")

    other = verified_request(email="kostas@example.com")
    with pytest.raises(services.RequestError, match="Explain the reason"):
        services.deny(request=other, actor=staff, reason="other")
    other = services.deny(request=other, actor=staff, reason="exempt")
    assert other.denial_reason == "exempt"
    kinds = list(RequestEvent.objects.filter(request=request).values_list("to_state", "actor_kind"))
    assert kinds[-2:] == [("extended", "staff"), ("completed", "staff")]
    assert AuditEntry.objects.filter(reason__startswith=request.reference).count() == len(kinds)


def test_the_back_office_queue_shows_overdue_requests_first_and_is_the_privacy_officers(
    client,
    make_staff,  # noqa: F811 - the back office's fixture
    smtp_server,
):
    late = verified_request()
    SubjectRequest.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(days=1))
    verified_request(email="kostas@example.com")
    officer = make_staff("officer@allegra.example", "Privacy officer")
    verified_client(client, officer)
    page = client.get("/admin/privacy/subjectrequest/").content.decode()
    assert page.index(late.reference) < page.index(SubjectRequest.objects.exclude(pk=late.pk).get().reference)
    assert "overdue" in page
    response = client.post(
        f"/admin/privacy/subjectrequest/{late.pk}/step/deny/", {"reason": "other", "text": "We hold nothing."}
    )
    assert response.status_code == 302
    assert SubjectRequest.objects.get(pk=late.pk).state == State.DENIED

    marketing = make_staff("marketing@allegra.example", "Marketing")
    other_client = Client()
    verified_client(other_client, marketing)
    assert other_client.get("/admin/privacy/subjectrequest/").status_code == 403


def test_an_account_with_an_authenticator_also_gives_its_code_for_an_erasure(client, customer, smtp_server):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=customer, name="phone", confirmed=True)
    client.force_login(customer)
    assert 'name="code"' in client.get(MINE).content.decode()
    response = client.post(MINE, {"kind": "erase", "password": PASSWORD, "code": "000000"})
    assert response.status_code == 200 and "That code is not right." in response.content.decode()
    assert not SubjectRequest.objects.exists()


def test_the_request_pages_have_pinned_query_counts(client, customer, django_assert_num_queries):
    with django_assert_num_queries(1):  # the header's categories
        assert client.get(FORM).status_code == 200
    client.force_login(customer)
    SubjectRequest.objects.create(
        kind="access",
        channel="account",
        user=customer,
        email=customer.email,
        email_index="x",
        due_at=timezone.now(),
    )
    # Session, user, two-factor device check, the customer's requests, the header's categories.
    with django_assert_num_queries(5):
        assert client.get(MINE).status_code == 200
