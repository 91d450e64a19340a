"""The cart's pages: thin views over `cart.services` (writes) and `cart.selectors` (reads).

Nothing here is page-cached: the cart page and every change are `private, no-store`. Every change is a POST
form with a CSRF token that works without JavaScript, and answers with a redirect (303) to where the customer
was; a refusal answers 400 with the reason and changes nothing; a line of another cart is 404.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from allegra.analytics.services import record_server_event
from allegra.cart import selectors, services
from allegra.cart.http import post_only, private, refuse, safe_next, see_other, view_only
from allegra.cart.models import MAX_PER_LINE
from allegra.catalog.models import Variant


@private
@view_only
def cart_page(request):
    cart = services.cart_for_request(request)
    lines = selectors.cart_lines(cart)
    totals = selectors.cart_totals(cart, lines)
    selectors.remember_count(request, totals)
    return render(request, "cart/cart.html", {"lines": lines, "totals": totals, "max_per_line": MAX_PER_LINE})


def _variant_from_form(raw) -> Variant | None:
    text = str(raw or "").strip()
    if not text.isdigit() or len(text) > 12:
        return None
    return Variant.objects.select_related("product").filter(pk=int(text)).first()


@private
@post_only
def add(request):
    """Adds a variant to the visitor's cart (a guest gets a session cart). Only `variant` and `quantity` are
    read from the form: a price or total sent along is ignored, prices come from the variant."""
    back = safe_next(request, request.POST.get("next"), reverse("cart:cart"))
    variant = _variant_from_form(request.POST.get("variant"))
    if variant is None:
        return refuse(request, _("Sorry, this piece does not exist."), back_url=back)
    try:
        quantity = services.parse_quantity(request.POST.get("quantity", "1"))
        # Checked before a guest cart (and its session) is made for nothing; the service checks again inside
        # its transaction.
        services.check_for_sale(variant)
        cart = services.cart_for_request(request, create=True)
        services.add_to_cart(cart=cart, variant=variant, quantity=quantity)
    except services.CartError as error:
        return refuse(request, str(error), back_url=back)
    record_server_event(request=request, kind="add_to_cart", product=variant.product)
    messages.success(request, _("Added to your cart."))
    return see_other(reverse("cart:cart"))


def _own_cart_or_404(request):
    cart = services.cart_for_request(request)
    if cart is None:
        raise Http404(_("There is no such line in your cart."))
    return cart


@private
@post_only
def update(request, line_id):
    cart = _own_cart_or_404(request)
    try:
        services.set_quantity(cart=cart, line_id=line_id, quantity=request.POST.get("quantity"))
    except services.LineNotFound:
        raise Http404(_("There is no such line in your cart.")) from None
    except services.CartError as error:
        return refuse(request, str(error), back_url=reverse("cart:cart"))
    messages.success(request, _("Quantity updated."))
    return see_other(reverse("cart:cart"))


@private
@post_only
def remove(request, line_id):
    cart = _own_cart_or_404(request)
    try:
        services.remove_line(cart=cart, line_id=line_id)
    except services.LineNotFound:
        raise Http404(_("There is no such line in your cart.")) from None
    messages.success(request, _("Removed from your cart."))
    return see_other(reverse("cart:cart"))
