"""The checkout pages: the form that places the order, the order's payment and confirmation page, the pay link
of an order approved after a fraud review, and the terms of sale.

Thin views over `checkout.services` (placing the order), `checkout.selectors` (fees, who may see an order) and
the payments app (the card form posts the card to the provider; the shop only ever sees a token). Every page is
private (never page-cached); every change is a CSRF-protected POST answered by a 303; bad input re-renders the
form with the reason and writes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import asdict

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from allegra.accounts import selectors as accounts
from allegra.accounts.services.profile import AddressBookFull, create_address
from allegra.analytics.services import record_server_event
from allegra.cart import selectors as cart_selectors
from allegra.cart import services as cart_services
from allegra.cart.http import private, see_other, view_only
from allegra.checkout import paylink, selectors, services
from allegra.checkout.forms import CheckoutForm, new_idempotency_key
from allegra.orders.models import Order, OrderState, ShippingMethod
from allegra.orders.services import AddressInput, OrderError
from allegra.payments.models import Payment

logger = logging.getLogger(__name__)


def _cart_view(request):
    cart = cart_services.cart_for_request(request)
    lines = cart_selectors.cart_lines(cart)
    return cart, lines, cart_selectors.cart_totals(cart, lines)


def _initial(request) -> dict:
    initial = {"idempotency_key": new_idempotency_key()}
    if request.user.is_authenticated:
        initial["email"] = request.user.email
        initial["telephone"] = accounts.profile_for(request.user).telephone
    return initial


def _form(request, data=None) -> CheckoutForm:
    signed_in = request.user.is_authenticated
    addresses = accounts.addresses_for(request.user) if signed_in else []
    return CheckoutForm(
        data, initial=None if data is not None else _initial(request), addresses=addresses, signed_in=signed_in
    )


def _chosen_method(form: CheckoutForm) -> str:
    value = form.data.get("shipping_method") if form.is_bound else None
    return value if value in ShippingMethod.values else ShippingMethod.COURIER


def _render(request, form: CheckoutForm, *, lines, totals, error: str = "", status: int = 200):
    options = selectors.delivery_options(totals.subtotal)
    chosen = _chosen_method(form)
    context = {
        "form": form,
        "lines": [line for line in lines if line.buyable],
        "totals": totals,
        "options": options,
        "chosen": next((option for option in options if option.method == chosen), options[0] if options else None),
        "free_from": selectors.free_shipping_from(),
        "store": settings.CHECKOUT_STORE_ADDRESS,
        "error": error,
    }
    return render(request, "checkout/checkout.html", context, status=status)


def _delivery_address(form: CheckoutForm, billing: AddressInput) -> AddressInput:
    """A pick-up order waits at the shop: its delivery address is the store's, for the person who pays."""
    if form.cleaned_data["shipping_method"] == ShippingMethod.STORE_PICKUP:
        return services.pickup_address(recipient_name=billing.recipient_name, telephone=billing.telephone)
    return form.shipping_address()


def _save_new_addresses(request, form: CheckoutForm) -> None:
    if not (form.signed_in and form.cleaned_data.get("save_addresses")):
        return
    for kind, address in form.new_addresses():
        try:
            with transaction.atomic():
                create_address(user=request.user, kind=kind, **asdict(address))
        except AddressBookFull:
            messages.info(request, _("Your address book is full, so the new address was not saved in it."))
            return


@private
@require_http_methods(["GET", "HEAD", "POST"])
def checkout_page(request):
    cart, lines, totals = _cart_view(request)
    if request.method != "POST":
        if not totals.lines_count or totals.unavailable_count:
            # Checkout takes the cart as it is: pieces that cannot be bought are dealt with in the cart first.
            messages.info(
                request,
                _("Some pieces in your cart cannot be bought as they are. Please change your cart first.")
                if totals.unavailable_count
                else _("Your cart is empty."),
            )
            return see_other(reverse("cart:cart"))
        return _render(request, _form(request), lines=lines, totals=totals)

    form = _form(request, request.POST)
    if not form.is_valid():
        if "idempotency_key" in form.errors:
            form.data = form.data.copy()
            form.data["idempotency_key"] = new_idempotency_key()
        return _render(
            request, form, lines=lines, totals=totals, error=_("Please check the details marked below."), status=400
        )
    billing = form.billing_address()
    try:
        placed = services.place_order(
            cart=cart,
            contact=form.contact(),
            shipping_address=_delivery_address(form, billing),
            billing_address=billing,
            shipping_method=form.cleaned_data["shipping_method"],
            user=request.user,
            language=get_language(),
            idempotency_key=form.cleaned_data["idempotency_key"],
            marketing_opt_out=form.cleaned_data["marketing_opt_out"],
            request=request,
        )
    except services.SoldOut as error:
        cart, lines, totals = _cart_view(request)
        return _render(request, form, lines=lines, totals=totals, error=str(error), status=409)
    except (services.CheckoutError, OrderError) as error:
        return _render(request, form, lines=lines, totals=totals, error=str(error), status=400)
    selectors.remember_order(request, placed.order)
    cart_selectors.remember_count(request, cart_selectors.cart_totals(None))
    if placed.created:
        _save_new_addresses(request, form)
    return see_other(reverse("checkout:order", args=[placed.order.public_id]))


def _purchase_recorded_once(request, order: Order) -> None:
    """The analytics "purchase" (U5, only with performance consent) is recorded here, where the shopper's own
    request is, once per order and browser."""
    recorded = request.session.get(selectors.SESSION_RECORDED_KEY, [])
    if str(order.public_id) in recorded:
        return
    record_server_event(request=request, kind="purchase", value=order.total)
    request.session[selectors.SESSION_RECORDED_KEY] = [str(order.public_id), *recorded][: selectors.SESSION_ORDERS_KEPT]


@private
@view_only
def order_page(request, public_id):
    """The order's page: the card form while it waits for payment, a note while it is held for review, and the
    confirmation once paid."""
    order = selectors.order_for_visitor(request, public_id)
    if order is None:
        raise Http404(_("There is no such order."))
    held = order.state == OrderState.PENDING_PAYMENT and services.is_held(order)
    payment = None
    if order.state == OrderState.PENDING_PAYMENT and not held:
        payment = services.start_order_payment(order=order, request=request)
    paid = order.paid_at is not None
    if paid:
        _purchase_recorded_once(request, order)
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "held": held,
        "paid": paid,
        "payment": payment,
        "payment_waiting": payment is not None
        and payment.status in (Payment.Status.PROCESSING, Payment.Status.SUCCEEDED),
        "provider_down": order.state == OrderState.PENDING_PAYMENT and not held and payment is None,
        "shipping": order.shipping_address_data,
        "billing": order.billing_address_data,
    }
    return render(request, "checkout/order.html", context)


@private
@view_only
def pay_link(request, token):
    """The emailed link of an approved order: this browser may now see the order's page, which has the card
    form. The token is not kept in the address bar: the answer is a redirect."""
    try:
        order = paylink.read_token(token)
    except paylink.InvalidPayLink:
        return render(request, "checkout/pay_link_invalid.html", status=404)
    selectors.remember_order(request, order)
    return see_other(reverse("checkout:order", args=[order.public_id]))


@view_only
def terms(request):
    context = {
        "SHOP_LEGAL_NAME": settings.SHOP_LEGAL_NAME,
        "SHOP_VAT_NUMBER": settings.SHOP_VAT_NUMBER,
        "SHOP_TAX_OFFICE": settings.SHOP_TAX_OFFICE,
        "SHOP_LEGAL_ADDRESS": settings.SHOP_LEGAL_ADDRESS,
        "free_from": selectors.free_shipping_from(),
    }
    return render(request, "checkout/terms.html", context)
