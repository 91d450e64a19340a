"""Small factories for storefront tests: categories, collections, products with variants and images.

They build exactly what a test asks for (no demo seed), and keep `price_from`/`in_stock` right through the
catalogue service, as the admin and the seed do.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from allegra.catalog import services
from allegra.catalog.models import Category, Collection, Metal, Product, ProductImage, Stone, Variant

_sequence = itertools.count(1)


def _next() -> int:
    return next(_sequence)


@pytest.fixture
def make_category(db):
    def make(
        *,
        slug: str | None = None,
        name_el: str = "",
        name_en: str = "",
        has_ring_sizes: bool = False,
        position: int = 0,
        description_en: str = "",
        description_el: str = "",
    ) -> Category:
        number = _next()
        return Category.objects.create(
            slug=slug or f"category-{number}",
            name_el=name_el or f"Κατηγορία {number}",
            name_en=name_en or f"Category {number}",
            has_ring_sizes=has_ring_sizes,
            position=position,
            description_en=description_en,
            description_el=description_el,
        )

    return make


@pytest.fixture
def make_collection(db):
    def make(
        *,
        slug: str | None = None,
        name_el: str = "",
        name_en: str = "",
        is_featured: bool = False,
        description_en: str = "",
        description_el: str = "",
    ) -> Collection:
        number = _next()
        return Collection.objects.create(
            slug=slug or f"collection-{number}",
            name_el=name_el or f"Συλλογή {number}",
            name_en=name_en or f"Collection {number}",
            is_featured=is_featured,
            description_en=description_en,
            description_el=description_el,
        )

    return make


def variant_spec(
    *,
    metal: str = Metal.GOLD_18K,
    stone: str = Stone.NONE,
    price: str | Decimal = "100.00",
    stock: int = 5,
    ring_size: int | None = None,
    sku: str | None = None,
) -> dict:
    return {"metal": metal, "stone": stone, "price": Decimal(price), "stock": stock, "ring_size": ring_size, "sku": sku}


@pytest.fixture
def make_product(db, make_category):
    """`make_product(category=..., variants=[variant_spec(...)], images=2, age_days=3)`.

    `age_days` sets `created_at` that many days back, which is what "newest" sorts on.
    """

    def make(
        *,
        category: Category | None = None,
        collection: Collection | None = None,
        slug: str | None = None,
        name_el: str = "",
        name_en: str = "",
        description_en: str = "",
        description_el: str = "",
        variants: list[dict] | None = None,
        images: int = 1,
        is_active: bool = True,
        age_days: float | None = None,
    ) -> Product:
        number = _next()
        product = Product.objects.create(
            slug=slug or f"piece-{number}",
            category=category or make_category(),
            collection=collection,
            name_el=name_el or f"Κόσμημα {number}",
            name_en=name_en or f"Piece {number}",
            description_en=description_en,
            description_el=description_el,
            is_active=is_active,
        )
        for position, spec in enumerate(variants if variants is not None else [variant_spec()]):
            spec = {**spec}
            Variant.objects.create(
                product=product, position=position, sku=spec.pop("sku") or f"SKU-{number}-{position}", **spec
            )
        for position in range(images):
            # A stored file is not needed to render a page: the path and the renditions are what it shows.
            path = f"products/{product.slug}/photo-{position}.jpg"
            ProductImage.objects.create(
                product=product,
                image=path,
                width=1200,
                height=1200,
                position=position,
                alt_el=f"{product.name_el}, φωτογραφία {position + 1}",
                alt_en=f"{product.name_en}, photograph {position + 1}",
                renditions={str(width): path.replace(".jpg", f"-{width}w.jpg") for width in (320, 640, 1024)},
            )
        services.refresh_product_summary(product=product)
        if age_days is not None:
            Product.objects.filter(pk=product.pk).update(created_at=timezone.now() - timedelta(days=age_days))
        product.refresh_from_db()
        return product

    return make


@pytest.fixture
def make_real_image(media_root):
    """A real JPEG on (temporary) disk with its renditions made by the catalogue service."""
    from PIL import Image

    def make(
        *,
        product: Product,
        width: int = 1200,
        height: int = 1200,
        alt_en: str = "A photograph",
        alt_el: str = "Μια φωτογραφία",
    ) -> ProductImage:
        buffer = BytesIO()
        Image.new("RGB", (width, height), (230, 210, 170)).save(buffer, "JPEG")
        name = default_storage.save(f"products/{product.slug}/real.jpg", ContentFile(buffer.getvalue()))
        image = ProductImage.objects.create(
            product=product, image=name, width=width, height=height, alt_en=alt_en, alt_el=alt_el, position=0
        )
        services.make_renditions(image=image)
        return image

    return make
