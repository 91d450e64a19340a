"""The wish list's buttons on the storefront: `{% wishlist_variant_button variant %}` on the product page and
`{% wishlist_card_button product %}` on listing cards. Plain POST forms with a CSRF token: they work without
JavaScript, and keep page-cached pages cacheable (visitors without a session all see "Save")."""

from django import template

from allegra.wishlist.selectors import saved_marks

register = template.Library()


@register.inclusion_tag("wishlist/button.html", takes_context=True)
def wishlist_variant_button(context, variant):
    request = context.get("request")
    saved = variant is not None and request is not None and variant.pk in saved_marks(request).variant_ids
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "saved": saved,
        "field": "variant",
        "value": variant.pk if variant is not None else "",
        "name": "",
        "card": False,
    }


@register.inclusion_tag("wishlist/button.html", takes_context=True)
def wishlist_card_button(context, product):
    request = context.get("request")
    saved = request is not None and product.pk in saved_marks(request).product_ids
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "saved": saved,
        "field": "product",
        "value": product.slug,
        "name": product.name,
        "card": True,
    }
