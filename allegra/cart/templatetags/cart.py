"""`{% cart_item_count as count %}` for the header's cart link (see `cart.selectors.header_item_count`)."""

from django import template

from allegra.cart.selectors import header_item_count

register = template.Library()


@register.simple_tag(takes_context=True)
def cart_item_count(context) -> int | None:
    request = context.get("request")
    if request is None or getattr(request, "rendering_for_page_cache", False):
        return None
    return header_item_count(request)
