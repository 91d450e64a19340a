"""Template helpers of the storefront: product pictures, stock wording, variant names, page links."""

from urllib.parse import urlencode

from django import template
from django.core.files.storage import default_storage
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from allegra.catalog import selectors
from allegra.catalog.models import ProductImage, Stone, Variant

register = template.Library()

# At or below this many pieces the page says how few are left, which is worth knowing before buying.
LOW_STOCK = 3
# The rendition used as `src` for browsers that ignore srcset: sharp enough in a card, small on the wire.
DEFAULT_RENDITION_WIDTH = 640


@register.simple_tag
def nav_categories() -> list:
    """The header's categories; a tag (not a context processor) so that only pages that show them query."""
    return selectors.nav_categories()


def _rendition_sources(image: ProductImage) -> list[tuple[int, str]]:
    sources = []
    for width, path in (image.renditions or {}).items():
        if str(width).isdigit() and path:
            sources.append((int(width), default_storage.url(path)))
    return sorted(sources)


@register.simple_tag
def product_image(image: ProductImage | None, sizes: str, loading: str = "lazy", alt: str | None = None):
    """An <img> with a srcset of the stored renditions, the given `sizes`, and the localized alt text.

    Width and height are set from the original so the browser reserves the space before the file arrives.
    """
    if image is None:
        return format_html('<span class="image-placeholder" role="img" aria-label="{}"></span>', _("No photograph yet"))
    sources = _rendition_sources(image)
    if sources:
        src = next((url for width, url in sources if width >= DEFAULT_RENDITION_WIDTH), sources[-1][1])
        srcset = ", ".join(f"{url} {width}w" for width, url in sources)
    else:
        src, srcset = image.image.url, ""
    return format_html(
        '<img src="{}"{} sizes="{}" alt="{}" width="{}" height="{}" loading="{}" decoding="async">',
        src,
        format_html(' srcset="{}"', srcset) if srcset else "",
        sizes,
        image.alt if alt is None else alt,
        image.width or 1024,
        image.height or 1024,
        "eager" if loading == "eager" else "lazy",
    )


@register.filter
def first_image(product) -> ProductImage | None:
    """The prefetched first image of a listed product (see selectors), or None."""
    images = getattr(product, "first_images", None)
    return images[0] if images else None


@register.filter
def stock_label(variant: Variant | None) -> str:
    if variant is None or variant.stock <= 0:
        return _("Out of stock")
    if variant.stock <= LOW_STOCK:
        return ngettext("Only %(count)d left", "Only %(count)d left", variant.stock) % {"count": variant.stock}
    return _("In stock")


@register.filter
def stock_level(variant: Variant | None) -> str:
    """A CSS hook for the stock line: "out", "low" or "in"."""
    if variant is None or variant.stock <= 0:
        return "out"
    return "low" if variant.stock <= LOW_STOCK else "in"


@register.filter
def variant_label(variant: Variant) -> str:
    """ "18K gold · Diamond · Size 54": what sets this variant apart, in the active language."""
    parts = [variant.get_metal_display()]
    if variant.stone and variant.stone != Stone.NONE:
        parts.append(variant.get_stone_display())
    if variant.ring_size:
        parts.append(_("Size %(size)s") % {"size": variant.ring_size})
    return " · ".join(str(part) for part in parts)


@register.simple_tag
def page_url(query_items, number) -> str:
    """ "?metal=gold-18k&sort=name&page=3": the current filters with another page number."""
    items = list(query_items or [])
    if int(number) > 1:
        items.append(("page", str(number)))
    return "?" + urlencode(items) if items else "?"


@register.simple_tag
def query_without(query_items, name: str, value: str = "") -> str:
    """The current filters less one of them (for the "remove this filter" links)."""
    kept = [(key, val) for key, val in query_items or [] if not (key == name and (not value or val == value))]
    return "?" + urlencode(kept) if kept else "?"


@register.filter
def contains(values, value) -> bool:
    return value in (values or ())


@register.filter
def elided_range(paginator, number):
    """Page numbers around the current one, with the first and last, and ellipses between."""
    return paginator.get_elided_page_range(number, on_each_side=1, on_ends=1)
