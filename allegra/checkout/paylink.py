"""The link to pay for an order that was held for a fraud review and then approved (U4).

No money is taken from a held order; once staff approve it, the customer gets an email with a sealed link
(the order's public ID and the time of issue, sealed by the field encryption under this purpose, so it cannot be
forged, carries no personal data and is no look-up link). The link opens the order's payment page in any browser
and works for CHECKOUT_PAY_LINK_SECONDS.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from allegra.core import sealed_links
from allegra.core.email import send_templated_email
from allegra.orders.models import Order, OrderState

LINK_CONTEXT = "checkout.pay-link"


class InvalidPayLink(Exception):
    """Forged, damaged, expired, or for an order that no longer exists."""


def make_token(order: Order, *, now: float | None = None) -> str:
    return sealed_links.seal(order.public_id, purpose=LINK_CONTEXT, now=now)


def read_token(token: str) -> Order:
    try:
        public_id = sealed_links.unseal(token, purpose=LINK_CONTEXT, max_age=settings.CHECKOUT_PAY_LINK_SECONDS)
    except sealed_links.InvalidSeal:
        raise InvalidPayLink from None
    order = Order.objects.filter(public_id=public_id).first()
    if order is None:
        raise InvalidPayLink
    return order


def pay_link(order: Order) -> str:
    with translation.override(order.language):
        path = reverse("checkout:pay-link", kwargs={"token": make_token(order)})
    return (settings.SITE_URL or "").rstrip("/") + path


def send_pay_link(order: Order) -> bool:
    """Emails the approved order's pay link, in the order's language; False when the order is not waiting for
    a payment any more, or the mail server did not take the message."""
    if order.state != OrderState.PENDING_PAYMENT:
        return False
    return send_templated_email(
        to=order.email,
        template="order_pay_link",
        context={
            "order": order,
            "lines": list(order.lines.all()),
            "link": pay_link(order),
            "days": max(1, settings.CHECKOUT_PAY_LINK_SECONDS // 86400),
        },
        language=order.language,
    )
