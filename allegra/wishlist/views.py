"""The wish list's pages (C5): thin views over `wishlist.services` and `wishlist.selectors`.

Every change is a POST form with a CSRF token that works without JavaScript. A guest who saves a piece is sent
to log in with the piece kept in their session; it is saved right after the login.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from allegra.accounts.views.profile import account_nav
from allegra.analytics.services import record_server_event
from allegra.cart import services as cart_services
from allegra.cart.http import post_only, private, refuse, safe_next, see_other, view_only
from allegra.catalog.models import Product, Variant
from allegra.wishlist import selectors, services


@private
@view_only
@login_required
def wishlist_page(request):
    return render(
        request,
        "wishlist/list.html",
        {"entries": selectors.wishlist_for(user=request.user), "account_nav": account_nav("wishlist:list")},
    )


def _variant_id(raw) -> int | None:
    text = str(raw or "").strip()
    return int(text) if text.isdigit() and len(text) <= 12 else None


def _chosen_variant(request) -> Variant | None:
    """The variant the form names: `variant` (an id, product page) or `product` (a slug, listing card: its
    default variant)."""
    if "variant" in request.POST:
        variant_id = _variant_id(request.POST.get("variant"))
        if variant_id is None:
            return None
        return Variant.objects.select_related("product").filter(pk=variant_id).first()
    slug = str(request.POST.get("product") or "").strip()[:140]
    product = Product.objects.filter(slug=slug).first() if slug else None
    if product is None:
        return None
    variant = services.default_variant(product)
    if variant is not None:
        variant.product = product
    return variant


@private
@post_only
def add(request):
    back = safe_next(request, request.POST.get("next"), reverse("catalog:home"))
    variant = _chosen_variant(request)
    if variant is None:
        return refuse(request, _("Sorry, this piece does not exist."), back_url=back)
    if not request.user.is_authenticated:
        services.remember_pending(request=request, variant=variant)
        messages.info(request, _("Sign in to save this piece in your wish list. It will be saved as soon as you do."))
        return see_other(f"{reverse('accounts:login')}?{urlencode({'next': back})}")
    try:
        _item, created = services.add_to_wishlist(user=request.user, variant=variant)
    except services.WishlistError as error:
        return refuse(request, str(error), back_url=back)
    messages.success(request, _("Saved in your wish list.") if created else _("It is already in your wish list."))
    return see_other(back)


@private
@post_only
@login_required
def remove(request):
    """Takes a piece out: `variant` (an id) takes out that variant; `product` (a slug, from a listing card) takes
    out every saved variant of that product."""
    back = safe_next(request, request.POST.get("next"), reverse("wishlist:list"))
    if "product" in request.POST:
        slug = str(request.POST.get("product") or "").strip()[:140]
        try:
            services.remove_product_from_wishlist(user=request.user, slug=slug)
        except services.ItemNotFound:
            raise Http404(_("That piece is not in your wish list.")) from None
    else:
        variant_id = _variant_id(request.POST.get("variant"))
        try:
            if variant_id is None:
                raise services.ItemNotFound
            services.remove_from_wishlist(user=request.user, variant_id=variant_id)
        except services.ItemNotFound:
            raise Http404(_("That piece is not in your wish list.")) from None
    messages.success(request, _("Removed from your wish list."))
    return see_other(back)


@private
@post_only
@login_required
def move_to_cart(request):
    back = reverse("wishlist:list")
    variant_id = _variant_id(request.POST.get("variant"))
    if variant_id is None:
        raise Http404(_("That piece is not in your wish list."))
    cart = cart_services.cart_for_request(request, create=True)
    try:
        line = services.move_to_cart(user=request.user, variant_id=variant_id, cart=cart)
    except services.ItemNotFound:
        raise Http404(_("That piece is not in your wish list.")) from None
    except cart_services.CartError as error:
        return refuse(request, str(error), back_url=back)
    record_server_event(request=request, kind="add_to_cart", product=line.variant.product_id)
    messages.success(request, _("Moved to your cart."))
    return see_other(reverse("cart:cart"))
