"""Orders in the personal-data map: contact details encrypted (C1), purchase history (C3), kept under the
accounting retention rule and detached, not deleted, when the account goes."""

from __future__ import annotations

import pytest
from django.db import connection

from allegra.orders import services
from allegra.orders.models import Invoice, Order, OrderLine
from allegra.privacy.registry import Erasure, Retention, personal_data_map

pytestmark = [pytest.mark.django_db]


@pytest.mark.policy("C1")
def test_contact_details_are_declared_and_encrypted_at_rest(make_order):
    entry = personal_data_map.models["orders.Order"]
    declared = {item.field: item for item in entry.fields}
    for name in ("email", "phone", "shipping_address", "billing_address"):
        assert declared[name].clause == "C1"
        assert declared[name].retention == Retention.ORDER_RECORDS
        assert declared[name].erasure == Erasure.LEGAL_HOLD
    order = make_order()
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, shipping_address, billing_address FROM orders_order WHERE id = %s", [order.pk])
        stored = cursor.fetchone()
    assert all(value.startswith("v1:") for value in stored)
    assert "Ερμού" not in "".join(stored)
    assert Order.objects.get().shipping_address_data["street"] == "Ερμού"


@pytest.mark.policy("C3")
def test_purchase_history_is_declared_and_outlives_the_account(make_order, customer):
    assert {item.clause for item in personal_data_map.models["orders.OrderLine"].fields} == {"C3"}
    order = make_order(user=customer)
    services.mark_paid(order=order, payment_reference="psp")
    customer.delete()
    order.refresh_from_db()
    assert order.user_id is None  # detached (pseudonymised), kept for the tax law
    assert OrderLine.objects.filter(order=order).exists() and Invoice.objects.filter(order=order).exists()
