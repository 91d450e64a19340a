"""Reads of the wish list: the customer's saved pieces with their current price and stock (one query, bounded
by MAX_ITEMS), and the set of saved variants for the storefront's "saved" marks (one query per request)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from allegra.catalog.models import Product, Variant
from allegra.wishlist.models import MAX_ITEMS, WishlistItem


@dataclass(frozen=True)
class WishlistEntry:
    item: WishlistItem
    variant: Variant
    product: Product
    price: Decimal  # the variant's price now, VAT included
    for_sale: bool
    in_stock: bool

    @property
    def can_move_to_cart(self) -> bool:
        return self.for_sale and self.in_stock


def wishlist_for(*, user) -> list[WishlistEntry]:
    """The user's wish list, newest first, with current prices and stock."""
    items = WishlistItem.objects.filter(user=user).select_related("variant__product").order_by("-added_at", "-id")
    return [
        WishlistEntry(
            item=item,
            variant=item.variant,
            product=item.variant.product,
            price=item.variant.price,
            for_sale=item.variant.product.is_active,
            in_stock=item.variant.stock > 0,
        )
        for item in items[:MAX_ITEMS]
    ]


@dataclass(frozen=True)
class SavedMarks:
    variant_ids: frozenset[int]
    product_ids: frozenset[int]


NOTHING_SAVED = SavedMarks(variant_ids=frozenset(), product_ids=frozenset())


def saved_marks(request) -> SavedMarks:
    """Which variants and products the signed-in visitor has saved; read once per request and kept on it.
    Visitors who are not signed in (every page-cached visitor among them) cost no query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "rendering_for_page_cache", False):
        return NOTHING_SAVED
    marks = getattr(request, "_wishlist_marks", None)
    if marks is None:
        rows = list(WishlistItem.objects.filter(user=user).values_list("variant_id", "variant__product_id")[:MAX_ITEMS])
        marks = SavedMarks(variant_ids=frozenset(row[0] for row in rows), product_ids=frozenset(row[1] for row in rows))
        request._wishlist_marks = marks
    return marks
