"""Writes to carts. Every entry point is keyword-only and runs in a transaction that locks the cart's row, so two
requests of the same visitor (a double click) cannot lose or duplicate a line.

Contract for checkout (next session):
- `cart_for_request(request, create=False) -> Cart | None`: the visitor's cart (account or guest session).
- `add_to_cart(*, cart, variant, quantity) -> CartLine`, `set_quantity(*, cart, line_id, quantity) -> CartLine`,
  `remove_line(*, cart, line_id) -> None`, `merge_carts(*, source, target) -> Cart`, `empty_cart(*, cart)`.
- Reads (lines with current prices, totals) are in `cart.selectors`: `cart_lines(cart)`, `cart_totals(cart)`.
Every refusal raises `CartError` (its message is for the customer, translated) and changes nothing; a line id
that is not in the given cart raises `LineNotFound` (the view answers 404).
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from allegra.cart.models import MAX_LINES, MAX_PER_LINE, Cart, CartLine
from allegra.catalog.models import Variant

# The session entry that holds a guest's cart key (see Cart.session_key).
SESSION_CART_KEY = "cart"


class CartError(ValueError):
    """A change the cart refuses; `str(error)` is the message for the customer."""


class LineNotFound(LookupError):
    """No such line in this cart (it never existed, is gone, or is someone else's)."""


def parse_quantity(raw) -> int:
    """A quantity from a form: a whole number from 1 to MAX_PER_LINE, else CartError."""
    text = str(raw if raw is not None else "").strip()
    if not text.isascii() or not text.lstrip("-").isdigit() or len(text) > 6:
        raise CartError(_("Please enter the quantity as a whole number."))
    quantity = int(text)
    if quantity < 1:
        raise CartError(_("The quantity must be at least 1. To take a piece out, use Remove."))
    if quantity > MAX_PER_LINE:
        raise CartError(_("You can buy at most %(count)d of one piece per order.") % {"count": MAX_PER_LINE})
    return quantity


def purchasable_limit(variant: Variant) -> int:
    """How many of the variant one line may hold now: its stock, at most MAX_PER_LINE; 0 when not for sale."""
    if not variant.product.is_active:
        return 0
    return max(0, min(variant.stock, MAX_PER_LINE))


def check_for_sale(variant: Variant) -> None:
    if not variant.product.is_active:
        raise CartError(_("Sorry, this piece is no longer for sale."))
    if variant.stock <= 0:
        raise CartError(_("Sorry, this piece is out of stock."))


def _over_limit(variant: Variant, *, already: int) -> CartError:
    if variant.stock <= MAX_PER_LINE:
        message = ngettext(
            "Only %(count)d of this piece is available.",
            "Only %(count)d of this piece are available.",
            variant.stock,
        ) % {"count": variant.stock}
    else:
        message = _("You can buy at most %(count)d of one piece per order.") % {"count": MAX_PER_LINE}
    if already:
        message += " " + ngettext(
            "You already have %(count)d in your cart.", "You already have %(count)d in your cart.", already
        ) % {"count": already}
    return CartError(message)


def _locked(cart: Cart) -> Cart:
    return Cart.objects.select_for_update().get(pk=cart.pk)


def _fresh_variant(variant: Variant | int) -> Variant:
    """The variant as it is now (price, stock, on sale), never as a caller or a form remembers it."""
    try:
        return Variant.objects.select_related("product").get(pk=getattr(variant, "pk", variant))
    except Variant.DoesNotExist:
        raise CartError(_("Sorry, this piece does not exist.")) from None


def _touch(cart: Cart) -> None:
    # The guest-cart retention counts from the last change (Retention.GUEST_CARTS).
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())


def _line(cart: Cart, line_id) -> CartLine:
    try:
        wanted = uuid.UUID(str(line_id))
    except ValueError:
        raise LineNotFound from None
    try:
        return CartLine.objects.select_related("variant__product").get(cart=cart, public_id=wanted)
    except CartLine.DoesNotExist:
        raise LineNotFound from None


def add_to_cart(*, cart: Cart, variant: Variant | int, quantity: int) -> CartLine:
    """Puts `quantity` more of the variant in the cart (a new line, or more on its line).

    Refused (CartError, nothing changed) when the quantity is not 1 to MAX_PER_LINE, the variant does not exist,
    is not for sale or out of stock, or the line would hold more than the stock or MAX_PER_LINE, or the cart
    already holds MAX_LINES pieces.
    """
    quantity = parse_quantity(quantity)
    with transaction.atomic():
        cart = _locked(cart)
        variant = _fresh_variant(variant)
        check_for_sale(variant)
        line = CartLine.objects.filter(cart=cart, variant=variant).first()
        already = line.quantity if line else 0
        if already + quantity > purchasable_limit(variant):
            raise _over_limit(variant, already=already)
        if line is None:
            if CartLine.objects.filter(cart=cart).count() >= MAX_LINES:
                raise CartError(
                    _("Your cart holds %(count)d different pieces, the most it can.") % {"count": MAX_LINES}
                )
            line = CartLine.objects.create(cart=cart, variant=variant, quantity=quantity)
        else:
            line.quantity = already + quantity
            line.save(update_fields=["quantity"])
        _touch(cart)
    line.variant = variant
    return line


def set_quantity(*, cart: Cart, line_id, quantity) -> CartLine:
    """Sets a line's quantity (1 to the stock, at most MAX_PER_LINE). LineNotFound when the line is not in
    this cart; CartError (nothing changed) for a bad quantity or a piece no longer for sale."""
    quantity = parse_quantity(quantity)
    with transaction.atomic():
        cart = _locked(cart)
        line = _line(cart, line_id)
        check_for_sale(line.variant)
        if quantity > purchasable_limit(line.variant):
            raise _over_limit(line.variant, already=0)
        line.quantity = quantity
        line.save(update_fields=["quantity"])
        _touch(cart)
    return line


def remove_line(*, cart: Cart, line_id) -> None:
    """Takes a line out of the cart; LineNotFound when it is not in this cart."""
    with transaction.atomic():
        cart = _locked(cart)
        _line(cart, line_id).delete()
        _touch(cart)


def empty_cart(*, cart: Cart) -> None:
    """Takes every line out (checkout calls it once the order is placed)."""
    with transaction.atomic():
        cart = _locked(cart)
        CartLine.objects.filter(cart=cart).delete()
        _touch(cart)


def merge_carts(*, source: Cart, target: Cart) -> Cart:
    """Moves the guest cart `source` into `target` (the account's), then deletes `source`.

    The same piece in both: the quantities are added, capped by the stock and MAX_PER_LINE. A piece that is
    out of stock or no longer for sale comes along unchanged, so the cart page can say what happened to it.
    Lines beyond MAX_LINES are dropped.
    """
    if source.pk == target.pk:
        return target
    with transaction.atomic():
        target = _locked(target)
        existing = {line.variant_id: line for line in CartLine.objects.filter(cart=target)}
        count = len(existing)
        for line in CartLine.objects.filter(cart_id=source.pk).select_related("variant__product"):
            limit = purchasable_limit(line.variant)
            mine = existing.get(line.variant_id)
            if mine is not None:
                wanted = mine.quantity + line.quantity
                capped = min(wanted, limit) if limit else mine.quantity
                if capped != mine.quantity and capped >= 1:
                    mine.quantity = capped
                    mine.save(update_fields=["quantity"])
            elif count < MAX_LINES:
                quantity = min(line.quantity, limit) if limit else min(line.quantity, MAX_PER_LINE)
                CartLine.objects.create(cart=target, variant_id=line.variant_id, quantity=max(1, quantity))
                count += 1
        Cart.objects.filter(pk=source.pk).delete()
        _touch(target)
    return target


def _session_cart_key(request) -> str | None:
    session = getattr(request, "session", None)
    if session is None:
        return None
    # A visitor without a session cookie has no cart: no session is loaded (or created) to find that out.
    if session.session_key is None and settings.SESSION_COOKIE_NAME not in request.COOKIES and not session.modified:
        return None
    value = session.get(SESSION_CART_KEY)
    return value if isinstance(value, str) else None


def cart_for_request(request, create: bool = False) -> Cart | None:
    """The visitor's cart: the account's when signed in, else the guest's (by the key in the session).

    With `create`, a missing cart is made (a guest then gets a session, hence the session cookie: K4).
    Without it, a visitor who has none gets None and no row is written.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        cart = Cart.objects.filter(owner=user).first()
        if cart is None and create:
            cart, _created = Cart.objects.get_or_create(owner=user)
        return cart
    key = _session_cart_key(request)
    cart = Cart.objects.filter(session_key=key).first() if key else None
    if cart is None and create:
        cart = Cart.objects.create(session_key=secrets.token_urlsafe(32))
        request.session[SESSION_CART_KEY] = cart.session_key
    return cart


def adopt_guest_cart(*, request, user) -> Cart | None:
    """Called right after login: the guest cart of this browser merges into the account's cart (created if
    needed), and the session forgets the guest key. Returns the account's cart, or None when there was none."""
    key = _session_cart_key(request)
    if not key:
        return None
    request.session.pop(SESSION_CART_KEY, None)
    guest = Cart.objects.filter(session_key=key, owner__isnull=True).first()
    if guest is None:
        return None
    target, _created = Cart.objects.get_or_create(owner=user)
    return merge_carts(source=guest, target=target)


def adopt_guest_cart_and_count(*, request, user) -> Cart | None:
    """`adopt_guest_cart`, then the header's count set to the account's cart (what the login hook calls)."""
    from allegra.cart import selectors

    cart = adopt_guest_cart(request=request, user=user) or Cart.objects.filter(owner=user).first()
    if cart is not None:
        selectors.remember_count(request, selectors.cart_totals(cart))
    return cart


def purge_guest_carts(*, now=None) -> int:
    """Retention (Retention.GUEST_CARTS): deletes guest carts 30 days after their last change. Returns how many."""
    counts, _held = purge_expired_guest_carts(now=now)
    return counts["cart.Cart"]


def purge_expired_guest_carts(*, now=None, dry_run: bool = False) -> tuple[dict[str, int], dict[str, int]]:
    """The retention job of GUEST_CARTS (registered in cart/personal_data.py): (counts, held). Carts under an
    active legal hold stay; `dry_run` only counts."""
    from allegra.privacy.registry import Retention
    from allegra.privacy.retention import expired_and_held

    now = now or timezone.now()
    cutoff = now - timedelta(days=Retention.GUEST_CARTS.rule.days)
    expired, held = expired_and_held(
        Cart.objects.filter(owner__isnull=True, updated_at__lt=cutoff), rule=Retention.GUEST_CARTS, now=now
    )
    if dry_run:
        carts = expired.count()
        lines = CartLine.objects.filter(cart__in=expired).count()
    else:
        _deleted, by_model = expired.delete()
        carts, lines = by_model.get("cart.Cart", 0), by_model.get("cart.CartLine", 0)
    return {"cart.Cart": carts, "cart.CartLine": lines}, {"cart.Cart": held}
