"""The demo seed: a deterministic, idempotent catalogue of believable jewelry, with painted pictures."""

import re
import shutil
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from allegra.catalog.demo import catalogue, painter, vocabulary
from allegra.catalog.demo.seed import is_seeded, picture_name, seed_catalogue
from allegra.catalog.models import (
    RING_SIZE_MAX,
    RING_SIZE_MIN,
    Category,
    Collection,
    Metal,
    Product,
    ProductImage,
    Stone,
    Variant,
)

GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
SKU = re.compile(r"^AL-[A-Z]{3}-\d{5}-(14KG|18KG|18KW|14KR|S925|PLAT)(-[A-Z]{3})?(-\d{2})?$")
SEED = 7
RING_CATEGORIES = {spec.slug for spec in vocabulary.CATEGORIES if spec.has_ring_sizes}


@pytest.fixture(scope="module")
def plan_320():
    return catalogue.plan_catalogue(products=320, seed=SEED)


@pytest.fixture(scope="session")
def painted_pool(tmp_path_factory) -> Path:
    """The pictures of the small test catalogues, painted once per session (painting is what takes time)."""
    folder = tmp_path_factory.mktemp("painted")
    looks = {image.look for item in catalogue.plan_catalogue(products=24, seed=SEED) for image in item.images}
    for look in looks:
        path = folder / picture_name(look)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(painter.paint_jpeg(look))
    return folder


@pytest.fixture
def media_with_pool(media_root, painted_pool) -> Path:
    """A fresh media folder that already holds the pool pictures, as after an earlier seed."""
    shutil.copytree(painted_pool, media_root, dirs_exist_ok=True)
    return media_root


def catalogue_rows() -> list[tuple]:
    rows = Variant.objects.values_list(
        "product__slug", "product__name_el", "product__name_en", "sku", "metal", "stone", "ring_size", "price", "stock"
    )
    return sorted(rows)


def table_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Category, Collection, Product, Variant, ProductImage)}


# --- the plan (no database) ----------------------------------------------------------------------------------


def test_the_plan_is_deterministic_and_the_seed_changes_it():
    first = catalogue.plan_catalogue(products=40, seed=SEED)
    assert first == catalogue.plan_catalogue(products=40, seed=SEED)
    other = catalogue.plan_catalogue(products=40, seed=SEED + 1)
    assert [p.slug for p in other] != [p.slug for p in first]


def test_a_larger_catalogue_starts_with_the_smaller_one():
    small = catalogue.plan_slugs(products=40, seed=SEED)
    assert catalogue.plan_slugs(products=120, seed=SEED)[:40] == small
    assert [p.slug for p in catalogue.plan_catalogue(products=40, seed=SEED)] == small


def test_names_are_unique_believable_and_in_their_language(plan_320):
    assert len({p.slug for p in plan_320}) == len({p.name_el for p in plan_320}) == len(plan_320) == 320
    for product in plan_320:
        assert GREEK.search(product.name_el), product.name_el
        assert not GREEK.search(product.name_en), product.name_en
        assert not re.search(r"\d", product.name_en), "names carry no catalogue numbers"
        assert GREEK.search(product.description_el) and not GREEK.search(product.description_en)
        # Two or three sentences, naming the workshop, the metal and (when there is one) the stone.
        assert 2 <= product.description_en.count(". ") + 1 <= 3
        assert "Athens" in product.description_en and "Αθήνα" in product.description_el
        stone = product.variants[0].stone
        if stone != "none":
            assert vocabulary.STONES[stone].en_adjective in product.name_en
    assert len({p.category for p in plan_320}) == len(vocabulary.CATEGORIES)


def test_greek_agrees_with_the_gender_of_the_piece(plan_320):
    by_slug = {spec.slug: spec for spec in vocabulary.CATEGORIES}
    for product in plan_320:
        expected = vocabulary.HANDMADE_EL[by_slug[product.category].gender]
        assert f"{expected} στο χέρι" in product.description_el
    earrings = next(p for p in plan_320 if p.category == "earrings")
    assert "Φτιαγμένα" in earrings.description_el


def test_variants_sizes_stock_and_skus(plan_320):
    skus = [v.sku for p in plan_320 for v in p.variants]
    assert len(skus) == len(set(skus))
    sold_out = 0
    for product in plan_320:
        assert 1 <= len(product.variants) <= 6
        sizes = [v.ring_size for v in product.variants if v.ring_size is not None]
        if product.category in RING_CATEGORIES:
            assert len(set(sizes)) >= 3, "several sizes per ring"
            assert all(RING_SIZE_MIN <= size <= RING_SIZE_MAX for size in sizes)
        else:
            assert sizes == []
        for variant in product.variants:
            assert SKU.match(variant.sku), variant.sku
            assert variant.metal in Metal.values and variant.stone in Stone.values
            assert 0 <= variant.stock <= 12
        sold_out += not any(v.stock for v in product.variants)
    assert 0.04 <= sold_out / len(plan_320) <= 0.2, "about a tenth of the products are out of stock"


def test_prices_are_realistic_for_the_metal(plan_320):
    for product in plan_320:
        for variant in product.variants:
            low, high = vocabulary.METAL_PRICE[variant.metal]
            if variant.stone == "diamond":
                high *= 1.4
            assert Decimal(low) <= variant.price <= Decimal(high), (variant.sku, variant.price)
            assert variant.price.as_tuple().exponent == -2
            assert str(variant.price).endswith((".00", ".90")), variant.price
    silver = [v.price for p in plan_320 for v in p.variants if v.metal == "silver-925"]
    platinum = [v.price for p in plan_320 for v in p.variants if v.metal == "platinum"]
    assert max(silver) < min(platinum)


def test_products_share_a_bounded_pool_of_pictures():
    plan = catalogue.plan_catalogue(products=2000, seed=SEED)
    looks = {image.look for p in plan for image in p.images}
    assert len(looks) < 600 < sum(len(p.images) for p in plan)
    for product in plan:
        assert 1 <= len(product.images) <= 2
        # The first picture shows the metal of the first variant, the one a shopper sees selected.
        assert product.images[0].metal == product.variants[0].metal


def test_too_many_products_are_refused():
    with pytest.raises(ValueError, match="at most"):
        catalogue.plan_catalogue(products=catalogue.max_products() + 1, seed=SEED)


# --- the painter ---------------------------------------------------------------------------------------------


def test_every_category_has_a_painter():
    assert set(painter.PAINTERS) == {spec.slug for spec in vocabulary.CATEGORIES}


def test_a_picture_is_a_deterministic_1200_pixel_jpeg_of_the_piece():
    look = painter.Look("rings", "yellow-gold", "sapphire", 0)
    data = painter.paint_jpeg(look)
    assert data == painter.paint_jpeg(look)
    image = Image.open(BytesIO(data))
    assert image.format == "JPEG" and image.size == (1200, 1200)
    raw = image.convert("RGB").resize((120, 120)).tobytes()
    pixels = list(zip(raw[0::3], raw[1::3], raw[2::3], strict=True))
    # A blue stone and warm gold are there, on a light backdrop.
    assert any(b > r + 60 and b > g + 30 for r, g, b in pixels), "sapphire blue"
    assert any(r > b + 80 and g > b + 40 for r, g, b in pixels), "yellow gold"
    assert sum(r + g + b for r, g, b in pixels) / len(pixels) / 3 > 180


def test_stones_drawn_alike_share_their_picture():
    zirconia = painter.Look("rings", "silver", "zirconia", 0).canonical()
    assert zirconia == painter.Look("rings", "silver", "diamond", 0)


# --- seeding the database ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_writes_the_planned_catalogue(media_with_pool):
    report = seed_catalogue(products=12, seed=SEED, jobs=0)
    assert (report.products_created, report.products_kept, report.already_seeded) == (12, 0, False)
    planned = catalogue.plan_catalogue(products=12, seed=SEED)
    expected = sorted(
        (p.slug, p.name_el, p.name_en, v.sku, v.metal, v.stone, v.ring_size, v.price, v.stock)
        for p in planned
        for v in p.variants
    )
    assert catalogue_rows() == expected
    assert Category.objects.count() == len(vocabulary.CATEGORIES)
    assert set(Category.objects.filter(has_ring_sizes=True).values_list("slug", flat=True)) == RING_CATEGORIES
    for category in Category.objects.all():
        assert GREEK.search(category.name_el) and category.name_en and category.description_el
    assert Collection.objects.count() == len(vocabulary.COLLECTIONS)
    assert Collection.objects.filter(is_featured=True).exists()
    assert Collection.objects.filter(is_featured=False).exists()


@pytest.mark.django_db
def test_two_seeds_into_fresh_databases_are_identical(media_with_pool):
    seed_catalogue(products=24, seed=SEED, jobs=0)
    first = catalogue_rows()
    for model in (ProductImage, Variant, Product, Category, Collection):
        model.objects.all().delete()
    report = seed_catalogue(products=24, seed=SEED, jobs=0)
    assert report.products_created == 24
    assert catalogue_rows() == first
    assert not ProductImage.objects.filter(renditions={}).exists(), "renditions are made again for a fresh shop"


@pytest.mark.django_db
def test_seeding_again_adds_nothing(media_with_pool):
    seed_catalogue(products=12, seed=SEED, jobs=0)
    counts, files = table_counts(), sorted(p for p in media_with_pool.rglob("*") if p.is_file())
    assert is_seeded(products=12, seed=SEED)
    again = seed_catalogue(products=12, seed=SEED, jobs=0)
    assert again.already_seeded and (again.products_created, again.products_kept) == (0, 12)
    assert table_counts() == counts
    assert sorted(p for p in media_with_pool.rglob("*") if p.is_file()) == files
    # A smaller catalogue than the one in place is there already, too.
    assert seed_catalogue(products=5, seed=SEED, jobs=0).already_seeded
    assert table_counts() == counts


@pytest.mark.django_db
def test_a_larger_catalogue_keeps_what_is_there(media_with_pool):
    seed_catalogue(products=8, seed=SEED, jobs=0)
    kept = catalogue_rows()
    report = seed_catalogue(products=12, seed=SEED, jobs=0)
    assert (report.products_created, report.products_kept) == (4, 8)
    assert Product.objects.count() == 12
    assert set(kept) <= set(catalogue_rows())
    assert report.categories_created == report.collections_created == 0


@pytest.mark.django_db
def test_seeded_products_are_complete_and_summarised(media_with_pool):
    seed_catalogue(products=24, seed=SEED, jobs=0)
    for product in Product.objects.prefetch_related("variants", "images").select_related("category"):
        variants = list(product.variants.all())
        assert 1 <= len(variants) <= 6
        assert all(v.price > 0 for v in variants)
        sizes = [v.ring_size for v in variants if v.ring_size is not None]
        if product.category.has_ring_sizes:
            assert sizes and all(RING_SIZE_MIN <= size <= RING_SIZE_MAX for size in sizes)
        else:
            assert not sizes
        # The listing summaries were refreshed after the bulk insert.
        assert product.price_from == min(v.price for v in variants)
        assert product.in_stock == any(v.stock > 0 for v in variants)
        assert product.collection_id is not None and product.is_active


@pytest.mark.django_db
def test_pictures_are_stored_with_renditions_and_alt_text(media_root):
    # Painted here, not taken from the pool: this is the path a first `make run` takes.
    report = seed_catalogue(products=8, seed=SEED, jobs=1)
    assert report.pictures_painted > 0 and report.pictures_reused == 0
    images = list(ProductImage.objects.select_related("product"))
    assert {image.product_id for image in images} == set(Product.objects.values_list("pk", flat=True))
    for image in images:
        assert image.image.name.startswith("products/demo/")
        assert default_storage.exists(image.image.name)
        assert (image.width, image.height) == (1200, 1200)
        assert set(image.renditions) == {"320", "640", "1024"}
        assert all(default_storage.exists(name) for name in image.renditions.values())
        assert GREEK.search(image.alt_el) and image.alt_en and not GREEK.search(image.alt_en)
        assert image.alt_en.startswith(image.product.name_en.split(" ")[0])
    with default_storage.open(images[0].renditions["320"]) as rendition:
        assert Image.open(rendition).size == (320, 320)
    per_product = {}
    for image in images:
        per_product.setdefault(image.product_id, []).append(image.position)
    assert all(sorted(positions) in ([0], [0, 1]) for positions in per_product.values())
