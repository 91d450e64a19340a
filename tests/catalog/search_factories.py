"""Catalogue builders for the search tests: a few named products, or a believable catalogue of any size.

Kept apart from the storefront's fixtures on purpose; everything is deterministic (seeded), and the bulk
builder writes with bulk_create so a 10,000-product catalogue takes seconds.
"""

from __future__ import annotations

import random
from decimal import Decimal

from allegra.catalog.models import Category, Collection, Metal, Product, Stone, Variant

CATEGORIES = {
    # slug: (Greek, English, Greek singular, English singular)
    "rings": ("Δαχτυλίδια", "Rings", "Δαχτυλίδι", "Ring"),
    "necklaces": ("Κολιέ", "Necklaces", "Κολιέ", "Necklace"),
    "earrings": ("Σκουλαρίκια", "Earrings", "Σκουλαρίκια", "Earrings"),
    "bracelets": ("Βραχιόλια", "Bracelets", "Βραχιόλι", "Bracelet"),
    "charms": ("Μενταγιόν", "Charms", "Μενταγιόν", "Charm"),
}
STYLES = [
    ("Μονόπετρο", "Solitaire"),
    ("Σεβαλιέ", "Signet"),
    ("Βυζαντινό", "Byzantine"),
    ("Κυκλαδικό", "Cycladic"),
    ("Αιγαίο", "Aegean"),
    ("Ελιά", "Olive Leaf"),
    ("Μαίανδρος", "Meander"),
    ("Κύμα", "Wave"),
    ("Αστέρι", "Star"),
    ("Καρδιά", "Heart"),
    ("Σελήνη", "Moon"),
    ("Ήλιος", "Sun"),
    ("Λουλούδι", "Flower"),
    ("Μάτι", "Evil Eye"),
    ("Σταυρός", "Cross"),
    ("Άπειρο", "Infinity"),
]
STONE_WORDS = {
    Stone.DIAMOND: ("με Διαμάντι", "with Diamond"),
    Stone.SAPPHIRE: ("με Ζαφείρι", "with Sapphire"),
    Stone.EMERALD: ("με Σμαράγδι", "with Emerald"),
    Stone.RUBY: ("με Ρουμπίνι", "with Ruby"),
    Stone.PEARL: ("με Μαργαριτάρι", "with Pearl"),
    Stone.NONE: ("", ""),
}
DESCRIPTIONS = [
    (
        "Χειροποίητο κόσμημα από το εργαστήριό μας στην Αθήνα, εμπνευσμένο από την {style} παράδοση.",
        "Handmade in our Athens workshop, inspired by the {style} tradition.",
    ),
    (
        "Λεπτή δουλειά με γυαλισμένο φινίρισμα, ιδανικό για καθημερινή χρήση ή για δώρο.",
        "Fine work with a polished finish, for every day or as a gift.",
    ),
    (
        "Σχέδιο που συνδυάζεται εύκολα με άλλα κομμάτια της συλλογής {collection}.",
        "A design that pairs easily with other pieces of the {collection} collection.",
    ),
]
COLLECTIONS = [
    ("aegean", "Αιγαίο", "Aegean"),
    ("byzantium", "Βυζάντιο", "Byzantium"),
    ("cyclades", "Κυκλάδες", "Cyclades"),
]
METALS = [Metal.GOLD_14K, Metal.GOLD_18K, Metal.WHITE_GOLD_18K, Metal.SILVER_925, Metal.PLATINUM]


def category(slug: str) -> Category:
    el, en, _el_one, _en_one = CATEGORIES[slug]
    found, _created = Category.objects.get_or_create(
        slug=slug, defaults={"name_el": el, "name_en": en, "has_ring_sizes": slug == "rings"}
    )
    return found


def collection(slug: str = "aegean") -> Collection:
    _slug, el, en = next(row for row in COLLECTIONS if row[0] == slug)
    found, _created = Collection.objects.get_or_create(slug=slug, defaults={"name_el": el, "name_en": en})
    return found


_counter = iter(range(1, 10**9))


def product(
    *,
    name_el: str,
    name_en: str,
    description_el: str = "",
    description_en: str = "",
    category_slug: str = "rings",
    collection_slug: str | None = None,
    metal: str = Metal.GOLD_14K,
    stone: str = Stone.NONE,
    price: str = "250.00",
    is_active: bool = True,
) -> Product:
    """One product with one variant. Not indexed: the tests call `index_products` as the shop would."""
    number = next(_counter)
    item = Product.objects.create(
        slug=f"search-test-{number}",
        category=category(category_slug),
        collection=collection(collection_slug) if collection_slug else None,
        name_el=name_el,
        name_en=name_en,
        description_el=description_el,
        description_en=description_en,
        is_active=is_active,
        price_from=Decimal(price),
        in_stock=True,
    )
    Variant.objects.create(
        product=item, sku=f"ST-{number:06d}", metal=metal, stone=stone, price=Decimal(price), stock=3
    )
    return item


def catalogue(size: int, *, seed: int = 7) -> list[int]:
    """`size` believable active products spread over every category, with one to three variants each."""
    rng = random.Random(seed)
    categories = {slug: category(slug) for slug in CATEGORIES}
    collections = [collection(slug) for slug, _el, _en in COLLECTIONS]
    start = Product.objects.count()
    products, stones = [], []
    for index in range(size):
        slug = rng.choice(list(CATEGORIES))
        _el, _en, one_el, one_en = CATEGORIES[slug]
        style_el, style_en = rng.choice(STYLES)
        stone = rng.choice(list(STONE_WORDS))
        stone_el, stone_en = STONE_WORDS[stone]
        chosen = rng.choice(collections)
        stones.append(stone)
        description_el = " ".join(
            text.format(style=style_el.lower(), collection=chosen.name_el) for text, _en_text in DESCRIPTIONS
        )
        description_en = " ".join(
            text.format(style=style_en, collection=chosen.name_en) for _el_text, text in DESCRIPTIONS
        )
        products.append(
            Product(
                slug=f"bulk-{start + index}-{slug}",
                category=categories[slug],
                collection=chosen,
                name_el=f"{one_el} {style_el} {stone_el}".strip(),
                name_en=f"{style_en} {one_en} {stone_en}".strip(),
                description_el=description_el,
                description_en=description_en,
                price_from=Decimal(rng.randrange(40, 4000)),
                in_stock=True,
            )
        )
    created = Product.objects.bulk_create(products, batch_size=1000)
    variants = []
    for item, stone in zip(created, stones, strict=True):
        for position in range(rng.randint(1, 3)):
            variants.append(
                Variant(
                    product=item,
                    sku=f"BULK-{item.pk}-{position}",
                    metal=rng.choice(METALS),
                    stone=stone,
                    price=item.price_from + position * 20,
                    stock=rng.randint(0, 5),
                    position=position,
                )
            )
    Variant.objects.bulk_create(variants, batch_size=2000)
    return [item.pk for item in created]
