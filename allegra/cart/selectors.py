"""Reads of carts: lines with current prices and stock, and the totals. One query for the lines of a cart,
whatever their number (bounded by MAX_LINES anyway); no price is ever read from anywhere but the variant.

Contract for checkout: `cart_lines(cart) -> list[CartLineView]`, `cart_totals(cart, lines=None) -> CartTotals`
(pass the lines you already read to save the query). Only lines with `line.buyable` count in the totals.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from allegra.cart.models import Cart, CartLine
from allegra.cart.services import purchasable_limit
from allegra.catalog import pricing
from allegra.catalog.models import Product, Variant

# The session entry with the header's piece count.
SESSION_COUNT_KEY = "cart_count"


@dataclass(frozen=True)
class CartLineView:
    line: CartLine
    variant: Variant
    product: Product
    quantity: int
    unit_price: Decimal  # the variant's price now, VAT included
    total: Decimal  # unit_price × quantity
    buyable: bool  # counts in the totals and can be ordered as it is
    problem: str  # why not, for the customer ("" when buyable)
    max_quantity: int  # what the quantity field allows now

    @property
    def public_id(self):
        return self.line.public_id


@dataclass(frozen=True)
class CartTotals:
    subtotal: Decimal  # sum of the buyable lines, VAT included
    net: Decimal
    vat: Decimal
    vat_rate: Decimal
    items_count: int  # pieces in the buyable lines (quantities added up)
    lines_count: int  # buyable lines
    unavailable_count: int  # lines left out of the totals (out of stock, no longer sold, too few left)


def _problem(variant: Variant, quantity: int) -> str:
    if not variant.product.is_active:
        return _("No longer for sale: it is not counted in the total. Please remove it.")
    if variant.stock <= 0:
        return _("Out of stock: it is not counted in the total. Please remove it.")
    if quantity > purchasable_limit(variant):
        return ngettext(
            "Only %(count)d left: lower the quantity to buy it. It is not counted in the total.",
            "Only %(count)d left: lower the quantity to buy it. It is not counted in the total.",
            purchasable_limit(variant),
        ) % {"count": purchasable_limit(variant)}
    return ""


def cart_lines(cart: Cart | None) -> list[CartLineView]:
    """The cart's lines, oldest first, each with the variant's current price and stock (one query)."""
    if cart is None or cart.pk is None:
        return []
    views = []
    for line in CartLine.objects.filter(cart=cart).select_related("variant__product").order_by("added_at", "id"):
        variant = line.variant
        problem = _problem(variant, line.quantity)
        views.append(
            CartLineView(
                line=line,
                variant=variant,
                product=variant.product,
                quantity=line.quantity,
                unit_price=variant.price,
                total=variant.price * line.quantity,
                buyable=not problem,
                problem=problem,
                max_quantity=max(purchasable_limit(variant), 1),
            )
        )
    return views


def cart_totals(cart: Cart | None, lines: list[CartLineView] | None = None) -> CartTotals:
    """The totals of the buyable lines, from current prices: subtotal with 24% VAT included, split into net
    and VAT by `catalog.pricing.breakdown`."""
    lines = cart_lines(cart) if lines is None else lines
    buyable = [line for line in lines if line.buyable]
    subtotal = sum((line.total for line in buyable), Decimal("0.00"))
    price = pricing.breakdown(subtotal)
    return CartTotals(
        subtotal=subtotal,
        net=price.net,
        vat=price.vat,
        vat_rate=price.vat_rate,
        items_count=sum(line.quantity for line in buyable),
        lines_count=len(buyable),
        unavailable_count=len(lines) - len(buyable),
    )


def header_item_count(request) -> int | None:
    """The number in the header's cart link: the pieces this browser last saw in its cart (`remember_count`).

    Read from the session, never from the cart tables, so no page gains a query for it: a visitor without a
    session cookie (every visitor served from the page cache) gets None without the session even being
    loaded; a signed-in customer's session is loaded anyway. The cart page, which every change of the cart
    leads to, and the login refresh it; the cart page is the authority.
    """
    if settings.SESSION_COOKIE_NAME not in request.COOKIES or getattr(request, "session", None) is None:
        return None
    count = request.session.get(SESSION_COUNT_KEY)
    return count if isinstance(count, int) else None


def remember_count(request, totals: CartTotals) -> None:
    """Keeps the cart's piece count in the session for the header (written only when it changed)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if totals.items_count == 0 and SESSION_COUNT_KEY not in session:
        return  # an empty cart gives a visitor without a session none
    if session.get(SESSION_COUNT_KEY) != totals.items_count:
        session[SESSION_COUNT_KEY] = totals.items_count
