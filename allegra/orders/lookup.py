"""A guest's order look-up: order number + email -> a sealed, time-limited link sent to that email.

The page answers the same whether or not the pair matches, so it tells nobody which orders or addresses
exist; only the owner of the mailbox gets the link. The link's token is the order's public ID and the time
of issue sealed by the shop's field encryption (AES-GCM, bound to this purpose), the same way the accounts
app seals its email links: it cannot be forged or altered, carries no personal data, and expires after
ORDER_LOOKUP_LINK_SECONDS. Look-ups are counted per client network (IPv4 /24, IPv6 /48) in the cache.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from allegra.core import sealed_links
from allegra.core.email import send_templated_email
from allegra.core.throttle import allow_from_network
from allegra.orders.models import Order

LINK_CONTEXT = "orders.lookup-link"
THROTTLE_PREFIX = "order-lookup"


class InvalidLookupLink(Exception):
    """Forged, damaged or expired."""


def make_token(*, order: Order, now: float | None = None) -> str:
    return sealed_links.seal(order.public_id, purpose=LINK_CONTEXT, now=now)


def read_token(token: str) -> Order:
    """The order behind a look-up token issued less than ORDER_LOOKUP_LINK_SECONDS ago; InvalidLookupLink
    otherwise."""
    try:
        public_id = sealed_links.unseal(token, purpose=LINK_CONTEXT, max_age=settings.ORDER_LOOKUP_LINK_SECONDS)
    except sealed_links.InvalidSeal:
        raise InvalidLookupLink from None
    order = Order.objects.filter(public_id=public_id).first()
    if order is None:
        raise InvalidLookupLink
    return order


def allow_attempt(ip: str) -> bool:
    """Counts one look-up from the client's network; False once the network used up its window."""
    return allow_from_network(
        scope=THROTTLE_PREFIX,
        ip=ip,
        limit=settings.ORDER_LOOKUP_ATTEMPTS,
        window_seconds=settings.ORDER_LOOKUP_WINDOW_SECONDS,
    )


def request_link(*, number: str, email: str, site_url: str, language: str) -> bool:
    """Emails the order's link when number and email match; does nothing otherwise. The caller must answer
    the same either way (the return value is for tests)."""
    number = (number or "").strip().upper()
    email = (email or "").strip().lower()
    order = Order.objects.filter(number=number).first() if number else None
    if order is None or not hmac.compare_digest(order.email.strip().lower().encode(), email.encode()):
        return False
    with translation.override(language):
        path = reverse("orders:view", kwargs={"token": make_token(order=order)})
    send_templated_email(
        to=order.email,
        template="order_lookup",
        context={"number": order.number, "link": site_url.rstrip("/") + path},
        language=language,
    )
    return True
