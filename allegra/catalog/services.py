"""Writes to the catalogue. Every change to a product or its variants goes through `product_changed`."""

from collections.abc import Iterable
from io import BytesIO
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, F, Min, OuterRef

from allegra.catalog import search
from allegra.catalog.models import Product, ProductImage, Variant

# Widths served through srcset; the browser picks one for the layout and the screen density.
RENDITION_WIDTHS = (320, 640, 1024)


def refresh_product_summary(*, product: Product) -> None:
    """Recomputes the lowest price and stock flag that listings filter and sort on."""
    summary = Variant.objects.filter(product=product).aggregate(lowest=Min("price"))
    product.price_from = summary["lowest"] or 0
    product.in_stock = Variant.objects.filter(product=product, stock__gt=0).exists()
    Product.objects.filter(pk=product.pk).update(price_from=product.price_from, in_stock=product.in_stock)


def refresh_all_product_summaries() -> int:
    """Bulk form of `refresh_product_summary`, for imports and the demo seed. Returns the products updated."""
    variants = Variant.objects.filter(product=OuterRef("pk"))
    return Product.objects.update(
        price_from=variants.order_by().values("product").annotate(lowest=Min("price")).values("lowest")[:1],
        in_stock=Exists(variants.filter(stock__gt=0)),
    )


def stock_changed(*, variant_ids: Iterable[int]) -> int:
    """Call inside the transaction that moved stock (an order placed, an order cancelled). The in-stock flag of
    the products concerned follows in one UPDATE; when a flag flipped (a product sold out, or back in stock) the
    cached pages are renewed, so listings and product pages stop offering what is gone. Stock
    levels within "in stock" ("only 2 left") on cached pages wait for the next renewal: renewing every page at
    every order would empty the page cache as fast as orders come in, and the cart and checkout read the stock
    itself anyway. Returns the number of products whose flag flipped."""
    available = Exists(Variant.objects.filter(product=OuterRef("pk"), stock__gt=0))
    flipped = (
        Product.objects.filter(pk__in=Variant.objects.filter(pk__in=list(variant_ids)).values("product_id"))
        .alias(available=available)
        .exclude(in_stock=F("available"))
        .update(in_stock=available)
    )
    if flipped:
        search.index_changed()  # in the same transaction: a rolled-back order renews nothing
    return flipped


@transaction.atomic
def product_changed(*, product: Product) -> None:
    """Call after any change to a product, its variants or images: summary and search index follow."""
    refresh_product_summary(product=product)
    transaction.on_commit(lambda: search.index_products(product_ids=[product.pk]))


def catalogue_changed(*, product_ids: Iterable[int]) -> None:
    """Call after a category or collection is saved or deleted, with the products that name it.

    Their search texts name it, so they are reindexed; and every page shows the category navigation, so the
    index version moves on even when no product is touched, which renders all pages anew.
    """
    ids = list(product_ids)

    def reindex() -> None:
        # Reindexing moves the version on by itself; with no product to reindex, move it on directly.
        if ids:
            search.index_products(product_ids=ids)
        else:
            search.index_changed()

    transaction.on_commit(reindex)


def make_renditions(*, image: ProductImage) -> dict[str, str]:
    """Writes resized JPEG copies of a product image (never larger than the original) and records them."""
    from PIL import Image

    renditions: dict[str, str] = {}
    with default_storage.open(image.image.name, "rb") as source:
        original = Image.open(source)
        original.load()
    original = original.convert("RGB")
    stem = PurePosixPath(image.image.name)
    for width in RENDITION_WIDTHS:
        if width > original.width and renditions:
            break
        target_width = min(width, original.width)
        height = round(original.height * target_width / original.width)
        resized = original.resize((target_width, height), Image.Resampling.LANCZOS)
        buffer = BytesIO()
        resized.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
        name = str(stem.with_name(f"{stem.stem}-{target_width}w.jpg"))
        if default_storage.exists(name):
            default_storage.delete(name)
        renditions[str(target_width)] = default_storage.save(name, ContentFile(buffer.getvalue()))
    ProductImage.objects.filter(pk=image.pk).update(renditions=renditions)
    image.renditions = renditions
    return renditions
