"""Reads for the checkout pages: what each way of delivery costs for this cart, and the order a visitor may see.

Prices come from the cart's lines at the catalogue's current prices (cart.selectors); the fees from settings
through `services.shipping_fee_for`, the same function `place_order` charges with, so the page shows exactly
what the order will cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.conf import settings

from allegra.catalog.pricing import PriceBreakdown, breakdown
from allegra.checkout.services import shipping_fee_for
from allegra.orders.models import Order, ShippingMethod

# The orders placed (or opened by a pay link) in this browser: a guest sees their order's page by this.
SESSION_ORDERS_KEY = "checkout_orders"
SESSION_ORDERS_KEPT = 20
# Orders whose purchase was already recorded for analytics from this browser (once per order).
SESSION_RECORDED_KEY = "checkout_purchase_recorded"


@dataclass(frozen=True)
class DeliveryOption:
    method: str
    label: str
    fee: Decimal
    price: PriceBreakdown  # the order's total with this method, VAT included, split into net and VAT


def delivery_options(items_total: Decimal) -> list[DeliveryOption]:
    """Every configured way of delivery with its fee and the order total it makes, in ShippingMethod order."""
    fees = getattr(settings, "CHECKOUT_SHIPPING_FEES", {}) or {}
    options = []
    for method, label in ShippingMethod.choices:
        if method not in fees:
            continue
        fee = shipping_fee_for(method=method, items_total=items_total)
        options.append(DeliveryOption(method=method, label=str(label), fee=fee, price=breakdown(items_total + fee)))
    return options


def free_shipping_from() -> Decimal | None:
    value = getattr(settings, "CHECKOUT_FREE_SHIPPING_FROM", None)
    return None if value in (None, "") else Decimal(str(value))


def remember_order(request, order: Order) -> None:
    """Lets this browser see the order's page (the newest orders only)."""
    kept = [key for key in request.session.get(SESSION_ORDERS_KEY, []) if key != str(order.public_id)]
    request.session[SESSION_ORDERS_KEY] = [str(order.public_id), *kept][:SESSION_ORDERS_KEPT]


def order_for_visitor(request, public_id: UUID) -> Order | None:
    """The order, if this visitor may see it: its signed-in owner, or the browser it was placed in (or that
    opened its pay link). Anyone else gets None, the same as for an order that does not exist."""
    user = request.user
    allowed = str(public_id) in request.session.get(SESSION_ORDERS_KEY, [])
    if not allowed and not user.is_authenticated:
        return None
    order = Order.objects.filter(public_id=public_id).prefetch_related("lines").first()
    if order is None:
        return None
    if allowed or (user.is_authenticated and order.user_id == user.pk):
        return order
    return None
