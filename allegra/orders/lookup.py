"""A guest's order look-up: order number + email -> a sealed, time-limited link sent to that email.

The page answers the same whether or not the pair matches, so it tells nobody which orders or addresses
exist; only the owner of the mailbox gets the link. The link's token is the order's public ID and the time
of issue sealed by the shop's field encryption (AES-GCM, bound to this purpose), the same way the accounts
app seals its email links: it cannot be forged or altered, carries no personal data, and expires after
ORDER_LOOKUP_LINK_SECONDS. Look-ups are counted per client network (IPv4 /24, IPv6 /48) in the cache.
"""

from __future__ import annotations

import hmac
import json
import time

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from allegra.core import encryption
from allegra.core.email import send_templated_email
from allegra.core.throttle import allow_from_network
from allegra.orders.models import Order

LINK_CONTEXT = "orders.lookup-link"
THROTTLE_PREFIX = "order-lookup"


class InvalidLookupLink(Exception):
    """Forged, damaged or expired."""


def make_token(*, order: Order, now: float | None = None, context: str = LINK_CONTEXT) -> str:
    """A sealed link token for the order. `context` binds it to one purpose: a look-up token is not a pay link
    (checkout.paylink seals with its own context)."""
    payload = json.dumps({"o": str(order.public_id), "t": int(now if now is not None else time.time())})
    return encryption.encrypt(payload, context=context)


def read_token(token: str, *, context: str = LINK_CONTEXT, max_age: int | None = None) -> Order:
    """The order behind a token sealed with `context`, issued less than `max_age` seconds ago (by default
    ORDER_LOOKUP_LINK_SECONDS); InvalidLookupLink otherwise."""
    if not token or len(token) > 1024:
        raise InvalidLookupLink
    try:
        payload = json.loads(encryption.decrypt(token, context=context))
        issued, public_id = int(payload["t"]), payload["o"]
    except Exception as error:  # any decoding or authentication failure: a forged or damaged link
        raise InvalidLookupLink from error
    if time.time() - issued > (settings.ORDER_LOOKUP_LINK_SECONDS if max_age is None else max_age):
        raise InvalidLookupLink
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
