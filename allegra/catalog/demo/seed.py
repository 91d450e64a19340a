"""Writes the demo catalogue into the database, with its pictures; `manage.py seed_demo` calls it.

Idempotent: a product is known by its slug (and its SKUs), so a second run finds every planned product and
adds nothing. Categories and collections are created when missing and otherwise left as staff edited them.

Pictures come from a bounded pool, one per look (category x metal colour x stone x composition): each is
painted once, stored at a fixed name under `products/demo/`, given its renditions once, and shared by every
product that shows that look. A larger catalogue therefore costs database rows, not paintings.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from allegra.catalog import search, services
from allegra.catalog.demo import painter, vocabulary
from allegra.catalog.demo.catalogue import PlannedProduct, max_products, plan_catalogue, plan_slugs
from allegra.catalog.models import Category, Collection, Product, ProductImage, Variant

logger = logging.getLogger(__name__)

POOL_FOLDER = "products/demo"
BATCH_SIZE = 500
# Below this many pictures, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 6


@dataclass
class SeedReport:
    products_planned: int = 0
    products_created: int = 0
    products_kept: int = 0
    variants_created: int = 0
    images_created: int = 0
    pictures_painted: int = 0
    pictures_reused: int = 0
    categories_created: int = 0
    collections_created: int = 0
    already_seeded: bool = False
    timings: dict[str, float] = field(default_factory=dict)


def default_jobs() -> int:
    """Painting processes: one per CPU but one, which this process needs for the renditions and the rows."""
    return max(1, (os.cpu_count() or 1) - 1)


def picture_name(look: painter.Look) -> str:
    return f"{POOL_FOLDER}/{look.key}.jpg"


def _chunks(items: list, size: int = BATCH_SIZE) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _existing(model, field_name: str, values: Iterable[str]) -> set[str]:
    """Which of `values` the table already holds, asked in chunks (SQLite limits the parameters of a query)."""
    found: set[str] = set()
    for chunk in _chunks(list(values)):
        found.update(model.objects.filter(**{f"{field_name}__in": chunk}).values_list(field_name, flat=True))
    return found


def is_seeded(*, products: int, seed: int) -> bool:
    """True when every product of the plan is in the database: the cheap check that makes re-runs instant."""
    slugs = plan_slugs(products=products, seed=seed)
    return len(_existing(Product, "slug", slugs)) == len(slugs)


# --- categories and collections ----------------------------------------------------------------------------


def ensure_categories_and_collections(report: SeedReport) -> tuple[dict[str, int], dict[str, int]]:
    """Creates the demo categories and collections that are missing; returns slug -> primary key of each."""
    categories = {c.slug: c.pk for c in Category.objects.filter(slug__in=[s.slug for s in vocabulary.CATEGORIES])}
    missing = [
        Category(
            slug=spec.slug,
            name_el=spec.name_el,
            name_en=spec.name_en,
            description_el=spec.description_el,
            description_en=spec.description_en,
            has_ring_sizes=spec.has_ring_sizes,
            position=position,
        )
        for position, spec in enumerate(vocabulary.CATEGORIES, start=1)
        if spec.slug not in categories
    ]
    for category in missing:
        category.save()
        categories[category.slug] = category.pk
    report.categories_created = len(missing)

    collections = {c.slug: c.pk for c in Collection.objects.filter(slug__in=[s.slug for s in vocabulary.COLLECTIONS])}
    missing_collections = [
        Collection(
            slug=spec.slug,
            name_el=spec.name_el,
            name_en=spec.name_en,
            description_el=spec.description_el,
            description_en=spec.description_en,
            is_featured=spec.is_featured,
        )
        for spec in vocabulary.COLLECTIONS
        if spec.slug not in collections
    ]
    for collection in missing_collections:
        collection.save()
        collections[collection.slug] = collection.pk
    report.collections_created = len(missing_collections)
    return categories, collections


# --- pictures ----------------------------------------------------------------------------------------------


class PicturePainter:
    """Paints the missing pictures in worker processes while the caller writes the database rows.

    Painting is pure Pillow and needs nothing of Django (`painter` imports no Django), so the workers are
    started fresh ("spawn") rather than forked from a process holding database connections.
    """

    def __init__(self, looks: list[painter.Look], jobs: int):
        self.looks = looks
        self._executor = None
        self._results: Iterator[tuple[painter.Look, bytes]] | None = None
        if jobs >= 1 and len(looks) >= PARALLEL_THRESHOLD:
            from concurrent.futures import ProcessPoolExecutor

            self._executor = ProcessPoolExecutor(
                max_workers=min(jobs, len(looks)), mp_context=multiprocessing.get_context("spawn")
            )
            self._results = self._executor.map(painter.paint_look, looks, chunksize=2)

    def __iter__(self) -> Iterator[tuple[painter.Look, bytes]]:
        if self._results is None:
            return (painter.paint_look(look) for look in self.looks)
        return self._results

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)


def _known_renditions(names: list[str]) -> dict[str, dict]:
    """Renditions already made for pool pictures, taken from any image row that shows them."""
    known: dict[str, dict] = {}
    for chunk in _chunks(names):
        rows = ProductImage.objects.filter(image__in=chunk).exclude(renditions={}).values_list("image", "renditions")
        for name, renditions in rows:
            known.setdefault(name, renditions)
    return known


# --- products ----------------------------------------------------------------------------------------------


def _create_products(
    planned: list[PlannedProduct], categories: dict[str, int], collections: dict[str, int], renditions: dict
) -> tuple[int, int]:
    """Bulk inserts products, variants and image rows; returns (variants, images) created."""
    Product.objects.bulk_create(
        [
            Product(
                slug=item.slug,
                category_id=categories[item.category],
                collection_id=collections.get(item.collection),
                name_el=item.name_el,
                name_en=item.name_en,
                description_el=item.description_el,
                description_en=item.description_en,
            )
            for item in planned
        ],
        batch_size=BATCH_SIZE,
    )
    ids: dict[str, int] = {}
    for chunk in _chunks([item.slug for item in planned]):
        ids.update(Product.objects.filter(slug__in=chunk).values_list("slug", "pk"))
    variants = [
        Variant(
            product_id=ids[item.slug],
            sku=v.sku,
            metal=v.metal,
            stone=v.stone,
            ring_size=v.ring_size,
            price=v.price,
            stock=v.stock,
            position=v.position,
        )
        for item in planned
        for v in item.variants
    ]
    Variant.objects.bulk_create(variants, batch_size=BATCH_SIZE)
    images = [
        ProductImage(
            product_id=ids[item.slug],
            image=picture_name(image.look),
            width=painter.SIZE,
            height=painter.SIZE,
            renditions=renditions.get(picture_name(image.look), {}),
            alt_el=image.alt_el,
            alt_en=image.alt_en,
            position=image.position,
        )
        for item in planned
        for image in item.images
    ]
    ProductImage.objects.bulk_create(images, batch_size=BATCH_SIZE)
    return len(variants), len(images)


def _give_renditions(name: str) -> None:
    """Makes the renditions of one pool picture through one of its rows and shares them with the others."""
    image = ProductImage.objects.filter(image=name).order_by("pk").first()
    if image is None:
        return
    renditions = services.make_renditions(image=image)
    ProductImage.objects.filter(image=name).update(renditions=renditions)


def _new_products(planned: list[PlannedProduct]) -> list[PlannedProduct]:
    """The planned products the shop does not have yet, known by slug or by any of their SKUs."""
    existing_slugs = _existing(Product, "slug", [item.slug for item in planned])
    # A SKU already in the shop (a demo product renamed by staff, say) marks its product as there too.
    unknown = [item for item in planned if item.slug not in existing_slugs]
    taken_skus = _existing(Variant, "sku", [v.sku for item in unknown for v in item.variants])
    return [item for item in unknown if not any(v.sku in taken_skus for v in item.variants)]


def _store_pictures(pictures: PicturePainter, progress: Callable[[str], None] | None) -> None:
    """Saves each painted picture under its pool name and gives it renditions, as the paintings arrive."""
    for done, (look, data) in enumerate(pictures, start=1):
        name = picture_name(look)
        stored = default_storage.save(name, ContentFile(data))
        if stored != name:  # the storage renamed it: point the rows at the stored file
            ProductImage.objects.filter(image=name).update(image=stored)
        _give_renditions(stored)
        if progress and done % 50 == 0:
            progress(f"{done}/{len(pictures.looks)} pictures")


def seed_catalogue(
    *,
    products: int,
    seed: int,
    jobs: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> SeedReport:
    """Seeds (or completes) the demo catalogue of `products` products. Safe to run again: it adds nothing twice.

    The pictures are painted in other processes while this one writes the rows; everything that touches the
    database happens in one transaction, so an interrupted run leaves no half catalogue behind (pictures
    already on disk are reused by the next run).
    """
    if not 1 <= products <= max_products():
        raise ValueError(f"The demo catalogue holds 1 to {max_products()} products, not {products}.")
    report = SeedReport(products_planned=products)
    started = time.perf_counter()
    if is_seeded(products=products, seed=seed):
        report.already_seeded = True
        report.products_kept = products
        report.timings["check"] = time.perf_counter() - started
        return report

    new = _new_products(plan_catalogue(products=products, seed=seed))
    report.products_kept = products - len(new)
    report.timings["plan"] = time.perf_counter() - started

    names = sorted({picture_name(image.look): image.look for item in new for image in item.images}.items())
    on_disk = {name for name, _ in names if default_storage.exists(name)}
    renditions = _known_renditions(sorted(on_disk))
    to_paint = [look for name, look in names if name not in on_disk]
    report.pictures_painted, report.pictures_reused = len(to_paint), len(names) - len(to_paint)

    pictures = PicturePainter(to_paint, default_jobs() if jobs is None else jobs)
    try:
        with transaction.atomic():
            categories, collections = ensure_categories_and_collections(report)
            mark = time.perf_counter()
            report.variants_created, report.images_created = _create_products(new, categories, collections, renditions)
            report.products_created = len(new)
            report.timings["rows"] = time.perf_counter() - mark

            mark = time.perf_counter()
            # Pictures on disk whose renditions no row remembers (a fresh database) get them again.
            for name in sorted(on_disk - set(renditions)):
                _give_renditions(name)
            _store_pictures(pictures, progress)
            report.timings["pictures"] = time.perf_counter() - mark
    finally:
        pictures.close()

    mark = time.perf_counter()
    services.refresh_all_product_summaries()
    report.timings["summaries"] = time.perf_counter() - mark
    mark = time.perf_counter()
    search.index_products()
    report.timings["search index"] = time.perf_counter() - mark
    report.timings["total"] = time.perf_counter() - started
    logger.info(
        "demo catalogue seeded",
        extra={"products_created": report.products_created, "pictures_painted": report.pictures_painted},
    )
    return report
