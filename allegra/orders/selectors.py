"""Reads of the orders app: a customer's history, one order with its lines, events and invoice."""

from __future__ import annotations

import hmac

from django.db.models import Prefetch, QuerySet

from allegra.orders.models import Order, OrderEvent


def orders_of(user) -> QuerySet[Order]:
    """The customer's own orders, newest first (purchase history, C3). The list shows no contact details, so
    the encrypted ones are not even read (nor decrypted)."""
    return (
        Order.objects.filter(user=user)
        .defer("phone", "shipping_address", "billing_address")
        .select_related("invoice")
        .order_by("-placed_at", "-id")
    )


def order_with_details(queryset: QuerySet[Order]) -> QuerySet[Order]:
    return queryset.select_related("invoice").prefetch_related(
        "lines", Prefetch("events", queryset=OrderEvent.objects.order_by("at", "id"))
    )


def order_of(user, public_id) -> Order | None:
    """One of the customer's orders, or None (someone else's order is as absent as a missing one)."""
    return order_with_details(Order.objects.filter(user=user, public_id=public_id)).first()


def invoice_of(order: Order):
    return getattr(order, "invoice", None) if order.pk else None


def order_matches(*, order_number: str, email: str, postcode: str) -> bool:
    """Whether an order with this number was placed with this email and this postcode (delivery or billing):
    the "matching information" a person without an account proves who they are with (privacy requests, R4).
    Compared in constant time; the addresses are decrypted only for the one order with that number."""
    order = Order.objects.filter(number=(order_number or "").strip().upper()).first()
    if order is None:
        return False
    wanted = (postcode or "").replace(" ", "").upper()
    postcodes = {
        (address.get("postcode") or "").replace(" ", "").upper()
        for address in (order.shipping_address_data, order.billing_address_data)
    }
    same_email = hmac.compare_digest(order.email.strip().lower().encode(), (email or "").strip().lower().encode())
    same_postcode = any(hmac.compare_digest(wanted.encode(), code.encode()) for code in postcodes)
    return same_email and bool(wanted) and same_postcode
