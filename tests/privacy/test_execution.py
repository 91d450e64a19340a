"""One click carries out a verified request (R3 through R4): a copy is started, the person is erased, processing
is restricted, marketing stops; corrections and complaints are refused with the reason."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from allegra.consent.models import PurposeConsentRecord
from allegra.privacy import execution
from allegra.privacy import requests as workflow
from allegra.privacy.models import DataCopy, SubjectRequest
from allegra.privacy.restriction import is_restricted

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("english")]
PASSWORD = "customer-pass-2026"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def officer(db):
    return get_user_model().objects.create_user("officer@allegra.example", PASSWORD, is_staff=True)


def account_request(kind: str, email: str = "eleni@example.com") -> SubjectRequest:
    user = get_user_model().objects.create_user(email, PASSWORD)
    return workflow.submit_request(kind=kind, email=email, channel="account", language="en", user=user)


def guest_request(kind: str, smtp_server) -> SubjectRequest:
    made = workflow.submit_request(kind=kind, email="guest@example.com", channel="webform", language="en")
    token_link = workflow.verify_link(made)
    workflow.verify_by_link(token_link.rstrip("/").rsplit("/", 1)[-1])
    return SubjectRequest.objects.get(pk=made.pk)


@pytest.mark.policy("R3.copy")
def test_a_copy_request_starts_the_copy_and_is_completed(officer, smtp_server):
    request = account_request("copy")
    done = execution.carry_out(request=request, actor=officer)
    assert done.state == "completed" and done.outcome == "whole"
    assert DataCopy.objects.get().request_reference == request.reference


@pytest.mark.policy("R3.erase")
def test_an_erasure_request_erases_the_person_and_tells_them_once(officer, smtp_server):
    request = account_request("erase")
    sent_before = len(smtp_server.messages)
    execution.carry_out(request=request, actor=officer)
    assert not get_user_model().objects.filter(email="eleni@example.com").exists()
    request.refresh_from_db()
    assert request.state == "completed" and request.user is None
    assert request.email != "eleni@example.com"  # the request itself is kept, pseudonymised
    new = smtp_server.messages[sent_before:]
    assert [m["To"] for m in new] == ["eleni@example.com"]  # the erasure report, not a mail to nowhere


@pytest.mark.policy("R3.restrict")
def test_a_restriction_request_restricts_the_account(officer, smtp_server):
    request = account_request("restrict")
    execution.carry_out(request=request, actor=officer)
    assert is_restricted(user=request.user)


def test_a_guests_opt_out_withdraws_marketing_by_email(officer, smtp_server):
    request = guest_request("opt_out", smtp_server)
    execution.carry_out(request=request, actor=officer)
    withdrawn = PurposeConsentRecord.objects.filter(granted=False)
    assert withdrawn.count() == 2 and all(record.user is None for record in withdrawn)
    assert SubjectRequest.objects.get().state == "completed"


@pytest.mark.parametrize("kind", ["correct", "complaint"])
def test_corrections_and_complaints_are_answered_by_hand(officer, kind, smtp_server):
    request = workflow.submit_request(
        kind=kind,
        email="e@example.com",
        channel="account",
        language="en",
        user=get_user_model().objects.create_user("e@example.com", PASSWORD),
        details="My name is Eleni.",
    )
    with pytest.raises(workflow.RequestError, match="by hand"):
        execution.carry_out(request=request, actor=officer)
    assert SubjectRequest.objects.get().state == "verified"


def test_an_unverified_request_is_not_carried_out(officer, smtp_server):
    waiting = workflow.submit_request(kind="erase", email="g@example.com", channel="webform", language="en")
    with pytest.raises(workflow.RequestError, match="Only a verified request"):
        execution.carry_out(request=waiting, actor=officer)
    # A guest's verified erasure is carried out by their address (tests/privacy/test_guest_requests.py).
    guest = guest_request("erase", smtp_server)
    assert execution.carry_out(request=guest, actor=officer).state == "completed"


def test_the_privacy_officer_carries_out_from_the_back_office(client, smtp_server):
    from allegra.accounts.roles import ensure_staff_roles
    from tests.backoffice.support import verified_client

    officer = get_user_model().objects.create_user("po@allegra.example", PASSWORD, is_staff=True)
    officer.groups.set([ensure_staff_roles()["Privacy officer"]])
    verified_client(client, officer)
    request = account_request("restrict")
    page = client.get(f"/admin/privacy/subjectrequest/{request.pk}/change/").content.decode()
    assert f"/admin/privacy/subjectrequest/{request.pk}/step/carry-out/" in page
    assert client.post(f"/admin/privacy/subjectrequest/{request.pk}/step/carry-out/", {}).status_code == 400
    response = client.post(f"/admin/privacy/subjectrequest/{request.pk}/step/carry-out/", {"confirm": "on"})
    assert response.status_code == 302 and is_restricted(user=request.user)


@pytest.mark.policy("R3.erase")
def test_deleting_ones_account_is_an_erasure_by_the_map(client, smtp_server):
    from allegra.orders.models import Order
    from allegra.orders.services import AddressInput, ContactInput, OrderLineInput, create_order

    user = get_user_model().objects.create_user("eleni@example.com", PASSWORD)
    address = AddressInput(recipient_name="Eleni P", street="Ermou", number="1", city="Athens", postcode="10563")
    order = create_order(
        lines=[OrderLineInput(sku="R-1", name_el="Δ", name_en="R", unit_price="10.00", quantity=1)],
        contact=ContactInput(email=user.email, phone="+306912345678"),
        shipping_address=address,
        billing_address=address,
        shipping_method="courier",
        user=user,
        language="en",
        idempotency_key="deleted-account-order",
    )
    client.force_login(user)
    assert client.post("/en/account/delete/", {"password": PASSWORD}).status_code == 302
    order = Order.objects.get(pk=order.pk)  # kept for the tax law, with nothing that names her
    assert order.user is None and order.email != user.email and order.phone == ""
    assert "Ermou" not in order.shipping_address and "Eleni" not in order.billing_address
