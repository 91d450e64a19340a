"""The customer's order emails (confirmation, shipment, cancellation, refund), in the order's language."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from allegra.core.email import send_templated_email
from allegra.orders.models import Order


def order_link(order: Order) -> str:
    """Where the customer sees the order: their account for a customer, the look-up page for a guest."""
    with translation.override(order.language):
        if order.user_id is not None:
            path = reverse("orders_account:detail", kwargs={"public_id": order.public_id})
        else:
            path = reverse("orders:lookup")
    return (settings.SITE_URL or "").rstrip("/") + path


def send_order_email(*, order_id: int, template: str, **extra) -> bool:
    order = Order.objects.filter(pk=order_id).prefetch_related("lines").first()
    if order is None:
        return False
    context = {"order": order, "lines": list(order.lines.all()), "link": order_link(order), **extra}
    return send_templated_email(to=order.email, template=template, context=context, language=order.language)
