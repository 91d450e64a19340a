"""Orders in the back office: who may see and work them, state changes only through the services, audited."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from allegra.core.models import AuditEntry
from allegra.orders import services
from allegra.orders.models import OrderState
from tests.backoffice.support import verified_client

pytestmark = [pytest.mark.django_db, pytest.mark.policy("U1")]


@pytest.fixture
def paid_order(make_order, customer):
    order = make_order(user=customer, language="el")
    services.mark_paid(order=order, payment_reference="psp")
    return order


def staff_client(make_staff, email, *roles_):
    # The back office speaks Greek by default; these tests read its English messages.
    return verified_client(Client(HTTP_ACCEPT_LANGUAGE="en"), make_staff(email, *roles_))


@pytest.mark.parametrize(
    ("role", "may_view", "may_change"),
    [
        ("Fulfilment", True, True),
        ("Consumer services", True, True),
        ("Store manager", True, True),
        ("Marketing", False, False),
        ("Privacy officer", False, False),
    ],
)
def test_roles_and_the_order_admin(make_staff, roles, paid_order, role, may_view, may_change):
    client = staff_client(make_staff, "staff@allegra.example", role)
    listing = client.get("/admin/orders/order/?state__exact=paid")
    assert listing.status_code == (200 if may_view else 403)
    state_page = client.get(f"/admin/orders/order/{paid_order.pk}/state/")
    assert state_page.status_code == (200 if may_change else 403)
    pdf = client.get(f"/admin/orders/order/{paid_order.pk}/invoice.pdf")
    assert pdf.status_code == (200 if may_view else 403)
    if may_view:
        assert paid_order.number in listing.content.decode()
        assert pdf.content.startswith(b"%PDF-")


def test_listing_filters_by_state_with_pinned_queries(
    make_staff, roles, make_order, paid_order, customer, django_assert_num_queries
):
    make_order(user=customer)  # pending payment
    client = staff_client(make_staff, "ship@allegra.example", "Fulfilment")
    client.get("/admin/orders/order/")
    # session, user, 2FA device, permissions, counts, the page of orders, the date hierarchy, and the audit
    # entry recorded for the one order listed (one per listed order, by design of AuditedAdminMixin); on
    # PostgreSQL the audit log's writer also locks its table (one more statement)
    with django_assert_num_queries(15 if connection.vendor == "postgresql" else 14):
        response = client.get("/admin/orders/order/?state__exact=paid")
    body = response.content.decode()
    assert paid_order.number in body
    assert body.count('class="field-number"') == 1


def test_state_changes_go_through_the_services_and_are_audited(make_staff, roles, paid_order, customer):
    client = staff_client(make_staff, "ship@allegra.example", "Fulfilment")
    url = f"/admin/orders/order/{paid_order.pk}/state/"
    # Shipping straight from paid is not an allowed move: a clear message, nothing changed.
    refused = client.post(url, {"to": "shipped", "carrier": "ACS", "tracking_number": "ACS1"})
    assert refused.status_code == 400 and "cannot become" in refused.content.decode()
    paid_order.refresh_from_db()
    assert paid_order.state == OrderState.PAID
    assert client.post(url, {"to": "in_fulfilment"}).status_code == 302
    missing = client.post(url, {"to": "shipped", "carrier": "ACS"})
    assert missing.status_code == 400 and "tracking number" in missing.content.decode()
    assert client.post(url, {"to": "shipped", "carrier": "ACS", "tracking_number": "ACS-777"}).status_code == 302
    paid_order.refresh_from_db()
    assert (paid_order.state, paid_order.tracking_number) == (OrderState.SHIPPED, "ACS-777")
    event = paid_order.events.last()
    assert event.actor.email == "ship@allegra.example" and event.actor_kind == "staff"
    entries = AuditEntry.objects.filter(subject=str(customer.public_id), action="change")
    assert entries.count() == 2


def test_no_raw_edit_of_the_state_nor_delete(make_staff, roles, paid_order):
    client = staff_client(make_staff, "cs@allegra.example", "Consumer services")
    page = client.get(f"/admin/orders/order/{paid_order.pk}/change/")
    assert page.status_code == 200
    assert 'name="state"' not in page.content.decode()
    client.post(f"/admin/orders/order/{paid_order.pk}/change/", {"state": "delivered"})
    paid_order.refresh_from_db()
    assert paid_order.state == OrderState.PAID
    assert client.get(f"/admin/orders/order/{paid_order.pk}/delete/").status_code == 403
    # Opening the order is recorded against the customer.
    assert AuditEntry.objects.filter(action="view", subject=str(paid_order.user.public_id)).exists()


def test_bulk_action_moves_what_it_may(make_staff, roles, make_order, paid_order):
    pending = make_order()
    client = staff_client(make_staff, "ship@allegra.example", "Fulfilment")
    response = client.post(
        "/admin/orders/order/",
        {"action": "start_fulfilment", "_selected_action": [paid_order.pk, pending.pk]},
        follow=True,
    )
    assert response.status_code == 200
    paid_order.refresh_from_db()
    pending.refresh_from_db()
    assert paid_order.state == OrderState.IN_FULFILMENT and pending.state == OrderState.PENDING_PAYMENT
    assert "left as they were" in response.content.decode()
