"""Writes to the wish list (C5). Keyword-only, in transactions; a refusal raises `WishlistError` with a message
for the customer and changes nothing.

A guest who asks to save a piece is sent to log in; the piece waits in their session (`remember_pending`) and
`add_pending_after_login` saves it right after the login (allegra/accounts/views/auth.py).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from allegra.cart import services as cart_services
from allegra.cart.models import Cart, CartLine
from allegra.catalog.models import Product, Variant
from allegra.wishlist.models import MAX_ITEMS, WishlistItem

# The session entry holding the variant id a guest asked to save before logging in.
SESSION_PENDING_KEY = "wishlist_pending"


class WishlistError(ValueError):
    """A change the wish list refuses; `str(error)` is the message for the customer."""


class ItemNotFound(LookupError):
    """The piece is not in this customer's wish list."""


def default_variant(product: Product) -> Variant | None:
    """The variant a listing card saves: the first in stock in the shop's order, else the first (as the product
    page shows by default)."""
    variants = list(product.variants.order_by("position", "id"))
    return next((variant for variant in variants if variant.stock > 0), variants[0] if variants else None)


def add_to_wishlist(*, user, variant: Variant) -> tuple[WishlistItem, bool]:
    """Saves the variant in the user's wish list; saving it again changes nothing. Returns (item, created)."""
    if not variant.product.is_active:
        raise WishlistError(_("Sorry, this piece is no longer for sale."))
    with transaction.atomic():
        found = WishlistItem.objects.filter(user=user, variant=variant).first()
        if found is not None:
            return found, False
        if WishlistItem.objects.filter(user=user).count() >= MAX_ITEMS:
            raise WishlistError(
                _("Your wish list holds %(count)d pieces, the most it can. Remove one to save another.")
                % {"count": MAX_ITEMS}
            )
        try:
            with transaction.atomic():
                return WishlistItem.objects.create(user=user, variant=variant), True
        except IntegrityError:  # the same piece saved by a second request at the same moment
            return WishlistItem.objects.get(user=user, variant=variant), False


def remove_from_wishlist(*, user, variant_id: int) -> None:
    """Takes the variant out of the user's wish list; ItemNotFound when it is not in it."""
    deleted, _details = WishlistItem.objects.filter(user=user, variant_id=variant_id).delete()
    if not deleted:
        raise ItemNotFound


def remove_product_from_wishlist(*, user, slug: str) -> int:
    """Takes every saved variant of the product out (a listing card's Remove); ItemNotFound when none was saved."""
    deleted = WishlistItem.objects.filter(user=user, variant__product__slug=slug).delete()[0] if slug else 0
    if not deleted:
        raise ItemNotFound
    return deleted


def move_to_cart(*, user, variant_id: int, cart: Cart) -> CartLine:
    """Puts one of the saved variant in the cart and takes it out of the wish list, both or neither.

    ItemNotFound when it is not in the user's wish list; CartError from the cart (out of stock, no longer for
    sale, the cart's limits) leaves the wish list as it was.
    """
    with transaction.atomic():
        item = WishlistItem.objects.select_related("variant__product").filter(user=user, variant_id=variant_id).first()
        if item is None:
            raise ItemNotFound
        line = cart_services.add_to_cart(cart=cart, variant=item.variant, quantity=1)
        item.delete()
    return line


def remember_pending(*, request, variant: Variant) -> None:
    """A guest asked to save `variant`: keep it in the session until they log in."""
    request.session[SESSION_PENDING_KEY] = variant.pk


def add_pending_after_login(*, request, user) -> WishlistItem | None:
    """Called right after login: saves the piece the guest asked for before logging in, if any."""
    pending = request.session.pop(SESSION_PENDING_KEY, None)
    if not isinstance(pending, int):
        return None
    variant = Variant.objects.select_related("product").filter(pk=pending).first()
    if variant is None:
        return None
    try:
        item, _created = add_to_wishlist(user=user, variant=variant)
    except WishlistError:
        return None
    return item
