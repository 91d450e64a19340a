"""Checkout: turning a cart into an order (U1), screening it (U4), recording the soft opt-in (U2) and starting
its payment (C4).

`place_order(...)` does everything that must happen together in ONE transaction:

1. locks the cart's row (two submissions of the same cart wait for each other), then finds an order already
   placed with the same idempotency key (a double click, a resubmitted form, a retried request): that order is
   returned and nothing else happens (no stock is touched twice);
2. locks the variants of the cart (SELECT ... FOR UPDATE, ordered by primary key so two checkouts sharing
   pieces always lock them in the same order and cannot deadlock), checks every line against the locked stock
   and refuses with `SoldOut` (naming the pieces) before anything is written;
3. decrements stock with F() expressions (guarded by `stock >= quantity` as a second line of defence); a product
   whose last piece went is marked out of stock (`catalog.services.stock_changed`);
4. creates the order through `orders.services.create_order` with the catalogue's current prices read here,
   never prices or totals from the browser, and the shipping fee from settings (`shipping_fee_for`);
5. runs fraud screening (`fraud.services.assess`). A held order stays in "pending payment" and is flagged by
   its FraudAssessment (held for review, shown in the back office's review queue); its payment is NOT
   started, so no money is taken before staff approve it. The review hook (`handlers.on_fraud_review`)
   cancels a rejected order (its pieces go back through the "order cancelled" hook) and emails the customer
   of an approved order a link to pay (`paylink`);
6. records the buyer's marketing choice (soft opt-in, U2) with the exact sentence shown, guest or not: the box is
   offered when the contact details are collected for the sale, and a "no" must hold from then on. The choice
   alone is no permission: whoever sends the similar-products emails asks `consent.services.may_send_marketing`,
   which also needs a paid order of that person and no restriction of processing (R3.restrict: a restricted
   buyer's choice is recorded all the same, and grants nothing while the restriction holds);
7. empties the cart.

After the commit (`transaction.on_commit` would lose the payment object, so it runs after the atomic block) the
payment is started with `payments.services.start_payment(payable=order.number, ...)`; a provider that is down
leaves the order pending payment and `PlacedOrder.payment` None, and `start_order_payment` can be called again
(same idempotency key, same payment).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from allegra.cart.models import Cart, CartLine
from allegra.cart.services import empty_cart
from allegra.catalog.models import Metal, Stone, Variant
from allegra.catalog.pricing import CENT
from allegra.catalog.services import stock_changed
from allegra.consent.models import PurposeSource
from allegra.consent.purposes import MARKETING_EMAIL
from allegra.consent.services import record_purpose_consent
from allegra.fraud import services as fraud
from allegra.orders.models import Order, OrderState, ShippingMethod
from allegra.orders.services import AddressInput, ContactInput, OrderLineInput, create_order
from allegra.payments import services as payments
from allegra.payments.gateway import GatewayError

logger = logging.getLogger(__name__)

# The exact sentence shown next to the unticked box at checkout (U2: soft opt-in for existing customers). The
# consent ledger keeps it, in the language shown, with every choice.
MARKETING_OPT_OUT_TEXT = gettext_lazy(
    "Do not send me emails about new pieces similar to the ones I bought. "
    "You can also unsubscribe from any of our emails with one click."
)


class CheckoutError(ValueError):
    """The order cannot be placed as asked; `str(error)` is the message for the shopper; nothing was written."""


class SoldOut(CheckoutError):
    """One or more pieces of the cart are no longer available in the quantity asked."""

    def __init__(self, pieces: list[str]) -> None:
        self.pieces = pieces
        super().__init__(
            _("Sorry, not enough left of: %(pieces)s. Please change your cart; nothing was charged.")
            % {"pieces": ", ".join(pieces)}
        )


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    created: bool  # False when the idempotency key found an order placed before
    held: bool  # held for fraud review: no payment was started
    payment: object | None  # payments.models.Payment, None when held or the provider could not be reached


def shipping_fee_for(*, method: str, items_total: Decimal) -> Decimal:
    """The fee of a shipping method for an items total, from settings (CHECKOUT_SHIPPING_FEES, free from
    CHECKOUT_FREE_SHIPPING_FROM). A method without a configured fee is refused."""
    if method not in ShippingMethod.values:
        raise CheckoutError(_("Choose a shipping method."))
    fees = getattr(settings, "CHECKOUT_SHIPPING_FEES", {}) or {}
    if method not in fees:
        raise CheckoutError(_("Choose a shipping method."))
    free_from = getattr(settings, "CHECKOUT_FREE_SHIPPING_FROM", None)
    if free_from not in (None, "") and items_total >= Decimal(str(free_from)):
        return Decimal("0.00")
    return Decimal(str(fees[method])).quantize(CENT)


def pickup_address(*, recipient_name: str, telephone: str = "") -> AddressInput:
    """The delivery address of a "pick-up in store" order: the shop (CHECKOUT_STORE_ADDRESS), for the buyer."""
    store = settings.CHECKOUT_STORE_ADDRESS
    return AddressInput(
        recipient_name=recipient_name,
        street=store["street"],
        number=store.get("number", ""),
        city=store["city"],
        postcode=store["postcode"],
        country=store.get("country", "GR"),
        telephone=telephone,
    )


def _piece_name(variant: Variant, language: str) -> str:
    product = variant.product
    with translation.override(language):
        parts = [getattr(product, f"name_{language}") or product.name_el, str(Metal(variant.metal).label)]
        if variant.stone and variant.stone != Stone.NONE:
            parts.append(str(Stone(variant.stone).label))
        if variant.ring_size:
            parts.append(_("size %(size)s") % {"size": variant.ring_size})
    return ", ".join(parts)[:200]


def _is_first_order(email: str) -> bool:
    """No order was placed with this email before (fraud screening's "high first order")."""
    return not Order.objects.filter(email__iexact=email).exists()


def place_order(
    *,
    cart: Cart,
    contact: ContactInput,
    shipping_address: AddressInput,
    billing_address: AddressInput,
    shipping_method: str,
    user,
    language: str,
    idempotency_key: str,
    marketing_opt_out: bool | None,
    request=None,
    return_url: str | None = None,
) -> PlacedOrder:
    """Places the cart's order (see the module docstring for every step). `marketing_opt_out` is the buyer's
    tick in the unticked "do not send me..." box, or None when the box was not shown. Raises CheckoutError /
    SoldOut (nothing written) or orders' OrderError (bad contact/address)."""
    if cart is None or cart.pk is None:
        raise CheckoutError(_("Your cart is empty."))
    if not idempotency_key or len(idempotency_key) > 80:
        raise CheckoutError(_("The order could not be placed. Please try again."))
    with transaction.atomic():
        cart = Cart.objects.select_for_update().filter(pk=cart.pk).first()
        # Read after the cart's lock: a second submission of the same cart waits here for the first to commit,
        # then finds its order.
        existing = Order.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            order = _place_locked(
                cart=cart,
                contact=contact,
                shipping_address=shipping_address,
                billing_address=billing_address,
                shipping_method=shipping_method,
                user=user,
                language=language,
                idempotency_key=idempotency_key,
                marketing_opt_out=marketing_opt_out,
                request=request,
            )
    if existing is not None:
        if not _same_buyer(existing, user=user, email=contact.email):
            # A key is minted per checkout form; someone else's key never reveals their order.
            raise CheckoutError(_("The order could not be placed. Please try again."))
        return _after_commit(existing, created=False, request=request, return_url=return_url)
    return _after_commit(order, created=True, request=request, return_url=return_url)


def _place_locked(
    *,
    cart: Cart | None,
    contact: ContactInput,
    shipping_address: AddressInput,
    billing_address: AddressInput,
    shipping_method: str,
    user,
    language: str,
    idempotency_key: str,
    marketing_opt_out: bool | None,
    request,
) -> Order:
    """Steps 2 to 7 of the module docstring, inside place_order's transaction, the cart's row locked."""
    if cart is None:
        raise CheckoutError(_("Your cart is empty."))
    wanted = list(CartLine.objects.filter(cart=cart).order_by("added_at", "id").values_list("variant_id", "quantity"))
    if not wanted:
        raise CheckoutError(_("Your cart is empty."))
    locked = {
        variant.pk: variant
        for variant in Variant.objects.select_for_update(of=("self",))
        .select_related("product")
        .filter(pk__in=[variant_id for variant_id, _q in wanted])
        .order_by("pk")
    }
    short = [
        _piece_name(locked[variant_id], language) if variant_id in locked else _("a piece no longer sold")
        for variant_id, quantity in wanted
        if variant_id not in locked or not locked[variant_id].product.is_active or locked[variant_id].stock < quantity
    ]
    if short:
        raise SoldOut(short)
    for variant_id, quantity in wanted:
        updated = Variant.objects.filter(pk=variant_id, stock__gte=quantity).update(stock=F("stock") - quantity)
        if updated != 1:  # cannot happen under the lock; refuse rather than oversell
            raise SoldOut([_piece_name(locked[variant_id], language)])
    stock_changed(variant_ids=[variant_id for variant_id, _q in wanted])
    lines = [
        OrderLineInput(
            sku=locked[variant_id].sku,
            name_el=_piece_name(locked[variant_id], "el"),
            name_en=_piece_name(locked[variant_id], "en"),
            unit_price=locked[variant_id].price,
            quantity=quantity,
            variant_id=variant_id,
        )
        for variant_id, quantity in wanted
    ]
    items_total = sum((line.unit_price * line.quantity for line in lines), Decimal("0.00"))
    fee = shipping_fee_for(method=shipping_method, items_total=items_total)
    first_order = _is_first_order((contact.email or "").strip())
    order = create_order(
        lines=lines,
        contact=contact,
        shipping_address=shipping_address,
        billing_address=billing_address,
        shipping_method=shipping_method,
        shipping_fee=fee,
        user=user,
        language=language,
        idempotency_key=idempotency_key,
    )
    fraud.assess(
        facts=fraud.OrderFacts(
            order_reference=order.number,
            email=order.email,
            ip_address=request.META.get("REMOTE_ADDR") if request is not None else None,
            billing_country=billing_address.country,
            shipping_country=shipping_address.country,
            total=order.total,
            first_order=first_order,
            placed_at=order.placed_at,
        )
    )
    if marketing_opt_out is not None:
        # The notice is kept in the language the sentence was shown in.
        with translation.override(language):
            record_purpose_consent(
                request=request,
                purpose=MARKETING_EMAIL,
                granted=not marketing_opt_out,
                source=PurposeSource.CHECKOUT,
                notice_text=str(MARKETING_OPT_OUT_TEXT),
                user=user if user is not None and user.is_authenticated else None,
                email=None if user is not None and user.is_authenticated else order.email,
            )
    empty_cart(cart=cart)
    return order


def _same_buyer(order: Order, *, user, email: str) -> bool:
    user_id = user.pk if user is not None and user.is_authenticated else None
    return order.user_id == user_id and order.email.lower() == (email or "").strip().lower()


def is_held(order: Order) -> bool:
    """True while the order's fraud assessment is held for review and not yet approved."""
    from allegra.fraud.models import FraudAssessment

    record = FraudAssessment.objects.filter(order_reference=order.number).first()
    return record is not None and record.is_pending_review


def _after_commit(order: Order, *, created: bool, request, return_url: str | None) -> PlacedOrder:
    held = is_held(order)
    payment = None
    if not held and order.state == OrderState.PENDING_PAYMENT:
        payment = start_order_payment(order=order, request=request, return_url=return_url)
    return PlacedOrder(order=order, created=created, held=held, payment=payment)


def start_order_payment(*, order: Order, request=None, return_url: str | None = None):
    """Starts (or finds again: one idempotency key per order) the order's payment at the provider. Returns the
    Payment, or None when the provider could not be reached (the order stays pending payment; call again)."""
    base_url = request.build_absolute_uri("/") if request is not None else (settings.SITE_URL or "http://localhost")
    try:
        return payments.start_payment(
            payable=order.number,
            amount_cents=int((order.total * 100).to_integral_value()),
            idempotency_key=f"order-{order.public_id.hex}",
            # The order's own page: its card form again after a decline, its confirmation after a payment.
            return_url=return_url or reverse("checkout:order", args=[order.public_id]),
            base_url=base_url,
        )
    except (GatewayError, payments.PaymentError) as error:
        logger.warning("payment for order %s could not be started: %s", order.number, getattr(error, "code", error))
        return None
