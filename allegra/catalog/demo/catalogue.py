"""Plans the demo catalogue: which products, with which names, variants, prices, stock and pictures.

Pure Python, no database: `plan_catalogue(products=N, seed=S)` always returns the same list for the same N and
S, and the first N products of a larger plan are the N products of a smaller one, so a shop seeded with 320
products grows to 10,000 without changing the first 320.

Every product is one combination of a category style, a collection motif and a stone. Combinations are
numbered once, in the fixed order of the vocabulary; that number is in the product's SKUs and its name is
its slug, so both are stable however the seed orders them. The seed decides the order in which combinations
are picked and everything random about a product (metals, sizes, prices, stock).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache

from django.utils.text import slugify

from allegra.catalog.demo import vocabulary as words
from allegra.catalog.demo.painter import Look
from allegra.catalog.models import RING_SIZE_MAX, RING_SIZE_MIN

DEFAULT_PRODUCTS = 320
DEFAULT_SEED = 2026
MAX_VARIANTS = 6
OUT_OF_STOCK_SHARE = 0.1


@dataclass(frozen=True)
class Combination:
    number: int
    category: words.CategorySpec
    style: words.Style
    collection: words.CollectionSpec
    motif: words.Motif
    stone: str
    weight: float


@dataclass(frozen=True)
class PlannedVariant:
    sku: str
    metal: str
    stone: str
    ring_size: int | None
    price: Decimal
    stock: int
    position: int


@dataclass(frozen=True)
class PlannedImage:
    look: Look
    alt_el: str
    alt_en: str
    position: int
    metal: str  # the metal the picture shows


@dataclass(frozen=True)
class PlannedProduct:
    number: int
    slug: str
    category: str
    collection: str
    name_el: str
    name_en: str
    description_el: str
    description_en: str
    variants: tuple[PlannedVariant, ...]
    images: tuple[PlannedImage, ...]


# --- combinations ------------------------------------------------------------------------------------------


def _stone_allowed(style: words.Style, stone: str) -> bool:
    if style.stone == "stone":
        return stone != "none"
    if style.stone == "plain":
        return stone == "none"
    return True


@cache
def combinations() -> tuple[Combination, ...]:
    """Every product the vocabulary can name, numbered in a fixed order (the number is part of the SKU)."""
    found = []
    for category in words.CATEGORIES:
        for style in category.styles:
            for collection in words.COLLECTIONS:
                if category.slug in collection.not_in:
                    continue
                for motif in collection.motifs:
                    for stone, stone_weight in category.stones.items():
                        if not _stone_allowed(style, stone):
                            continue
                        weight = style.weight * category.collections.get(collection.slug, 1) * stone_weight
                        found.append(
                            Combination(len(found) + 1, category, style, collection, motif, stone, float(weight))
                        )
    return tuple(found)


def _uniform(*parts: object) -> float:
    """A number in (0, 1) fixed by its inputs: cheaper than a Random per combination, and as reproducible."""
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return (int.from_bytes(digest, "big") + 1) / (2**64 + 2)


def _shuffled_by_category(seed: int) -> dict[str, list[Combination]]:
    """Each category's combinations in a weighted random order (Efraimidis-Spirakis keys u ** (1 / w))."""
    ordered: dict[str, list[Combination]] = {category.slug: [] for category in words.CATEGORIES}
    for combination in combinations():
        ordered[combination.category.slug].append(combination)
    for slug, items in ordered.items():
        items.sort(key=lambda c: _uniform(seed, "order", c.number) ** (1 / c.weight), reverse=True)
        ordered[slug] = items
    return ordered


def _picks(seed: int) -> Iterator[tuple[Combination, int]]:
    """Combinations in catalogue order, each with its round: 0, then 1, 2... with a finish added to the name."""
    ordered = _shuffled_by_category(seed)
    schedule = random.Random(f"{seed}:schedule")  # noqa: S311 - demo content, not secrets
    categories = {category.slug: category.weight for category in words.CATEGORIES}
    for round_number in range(len(words.FINISHES) + 1):
        cursor = dict.fromkeys(ordered, 0)
        open_categories = dict(categories)
        while open_categories:
            slug = schedule.choices(list(open_categories), weights=list(open_categories.values()))[0]
            yield ordered[slug][cursor[slug]], round_number
            cursor[slug] += 1
            if cursor[slug] == len(ordered[slug]):
                del open_categories[slug]


def max_products() -> int:
    return len(combinations()) * (len(words.FINISHES) + 1)


# --- one product -------------------------------------------------------------------------------------------


def _weighted_sample(rnd: random.Random, weights: dict[str, int], count: int) -> list[str]:
    pool = dict(weights)
    chosen = []
    while pool and len(chosen) < count:
        pick = rnd.choices(list(pool), weights=list(pool.values()))[0]
        chosen.append(pick)
        del pool[pick]
    return chosen


def _metals_for(category: words.CategorySpec, stone: str) -> dict[str, int]:
    metals = dict(category.metals)
    if stone == "diamond":
        metals.pop("silver-925", None)  # diamonds are set in gold and platinum
    if stone == "zirconia":
        metals = {m: w for m, w in metals.items() if m in ("silver-925", "gold-14k", "rose-gold-14k")}
    if stone in ("zirconia", "amethyst", "topaz"):
        metals.pop("platinum", None)
    return metals or dict(category.metals)


def _price(rnd: random.Random, metal: str, stone: str, quality: float) -> Decimal:
    """A believable shop price: within the metal's range, dearer with precious stones, ending in .00 or .90."""
    low, high = words.METAL_PRICE[metal]
    factor = words.STONES[stone].price_factor if stone != "none" else 1.0
    ceiling = high * 1.4 if stone == "diamond" else high
    amount = min(ceiling, max(low, (low + (high - low) * quality**1.4) * factor))
    step = 5 if amount < 100 else 10 if amount < 1000 else 50
    rounded = max(low, round(amount / step) * step)
    if rnd.random() < 0.55 and rounded - Decimal("0.10") >= low:
        return Decimal(rounded) - Decimal("0.10")
    return Decimal(rounded).quantize(Decimal("0.01"))


CATEGORY_QUALITY = {
    "rings": 0.45,
    "wedding-bands": 0.4,
    "necklaces": 0.45,
    "pendants": 0.35,
    "earrings": 0.4,
    "bracelets": 0.5,
    "anklets": 0.25,
    "charms": 0.2,
    "brooches": 0.45,
}


def _variant_shapes(rnd: random.Random, combination: Combination) -> list[tuple[str, int | None]]:
    """(metal, ring size) for each variant: a few sizes per metal for rings, a choice of metals otherwise.

    The first metal is the one the design is mainly made in; the others are further versions of it.
    """
    category = combination.category
    metals = _metals_for(category, combination.stone)
    leads = {metal: weight for metal, weight in category.lead_metals.items() if metal in metals} or metals
    lead = _weighted_sample(rnd, leads, 1)
    others = {metal: weight for metal, weight in metals.items() if metal not in lead}
    if category.has_ring_sizes:
        chosen = lead + (_weighted_sample(rnd, others, 1) if rnd.random() >= 0.55 else [])
        per_metal = rnd.randint(3, MAX_VARIANTS) if len(chosen) == 1 else MAX_VARIANTS // len(chosen)
        starts = [s for s in (48, 50, 52) if s + 2 * (per_metal - 1) <= RING_SIZE_MAX]
        start = rnd.choice(starts)
        sizes = [start + 2 * i for i in range(per_metal)]
        assert sizes[0] >= RING_SIZE_MIN and sizes[-1] <= RING_SIZE_MAX
        return [(metal, size) for metal in chosen for size in sizes]
    metal_count = rnd.choices((1, 2, 3, 4), weights=(30, 35, 25, 10))[0]
    return [(metal, None) for metal in lead + _weighted_sample(rnd, others, metal_count - 1)]


def _join(items: list[str], conjunction: str) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def _design(combination: Combination) -> int:
    """Which composition the painter uses: most follow the style, charms and brooches their motif."""
    if combination.category.slug == "charms":
        return 0 if combination.collection.slug == "evil-eye" else 1
    if combination.category.slug == "brooches":
        return 0 if combination.collection.slug == "olive-branch" else 1
    return combination.style.design


def product_names(combination: Combination, round_number: int) -> tuple[str, str]:
    """ "Δαχτυλίδι σεβαλιέ Κύμα με ζαφείρι" / "Wave sapphire signet ring", with a finish after the first round."""
    style, motif, stone = combination.style, combination.motif, words.STONES.get(combination.stone)
    name_el, name_en = f"{style.el} {motif.el}", f"{motif.en} {style.en}"
    if stone:
        name_el += f" με {stone.el_many if style.several_stones else stone.el_one}"
        name_en = f"{motif.en} {stone.en_adjective} {style.en}"
    if round_number:
        finish_el, finish_en = words.FINISHES[round_number - 1]
        name_el, name_en = f"{name_el}, {finish_el}", f"{name_en}, {finish_en}"
    return name_el, name_en


def plan_product(combination: Combination, round_number: int, seed: int) -> PlannedProduct:
    category, style, motif, stone = combination.category, combination.style, combination.motif, combination.stone
    rnd = random.Random(f"{seed}:{combination.number}:{round_number}")  # noqa: S311 - demo content
    number = combination.number + round_number * len(combinations())
    stone_words = words.STONES.get(stone)
    several = style.several_stones

    name_el, name_en = product_names(combination, round_number)

    shapes = _variant_shapes(rnd, combination)
    quality = min(1.0, CATEGORY_QUALITY[category.slug] * (0.4 + 1.2 * rnd.random()) + (0.12 if several else 0))
    prices = {metal: _price(rnd, metal, stone, quality) for metal in dict.fromkeys(m for m, _ in shapes)}
    sold_out = rnd.random() < OUT_OF_STOCK_SHARE
    stocks = [0 if sold_out or rnd.random() < 0.15 else rnd.randint(1, 12) for _ in shapes]
    if not sold_out and not any(stocks):
        stocks[0] = rnd.randint(1, 12)
    variants = []
    for position, ((metal, size), stock) in enumerate(zip(shapes, stocks, strict=True)):
        sku = f"AL-{category.code}-{number:05d}-{words.METAL_CODE[metal]}"
        if stone_words:
            sku += f"-{stone_words.code}"
        if size:
            sku += f"-{size}"
        variants.append(PlannedVariant(sku, metal, stone, size, prices[metal], stock, position))

    metals = list(dict.fromkeys(metal for metal, _ in shapes))
    stone_el = f" με {stone_words.el_many if several else stone_words.el_one_article}" if stone_words else ""
    stone_en = f", set with {stone_words.en_many if several else stone_words.en_one}" if stone_words else ""
    material_el = (
        f"{words.HANDMADE_EL[category.gender]} στο χέρι στο εργαστήριό μας στην Αθήνα από "
        f"{_join([words.METAL_EL[m] for m in metals], 'ή')}{stone_el}."
    )
    material_en = f"Handmade in our Athens workshop in {_join([words.METAL_EN[m] for m in metals], 'or')}{stone_en}."
    if category.has_ring_sizes:
        sizes = sorted({size for _, size in shapes if size})
        closing_el = f"{words.AVAILABLE_EL[category.gender]} σε ευρωπαϊκά μεγέθη από {sizes[0]} έως {sizes[-1]}."
        closing_en = f"Available in EU sizes {sizes[0]} to {sizes[-1]}."
    else:
        template_el, template_en = rnd.choice(words.CRAFT)
        collection = combination.collection
        closing_el = template_el.format(pairs=words.PAIRS_EL[category.gender], collection_el=collection.name_el)
        closing_en = template_en.format(collection_en=collection.name_en)

    # One candidate picture per metal colour; `_choose_pictures` picks which are shown once the plan is known.
    candidates = []
    for metal in metals:
        look = Look(category.slug, words.METAL_TONE[metal], stone, _design(combination)).canonical()
        if any(candidate.look == look for candidate in candidates):
            continue
        alt_el = f"{style.el} {motif.el} από {words.METAL_EL[metal]}"
        alt_en = f"{motif.en} {style.en} in {words.METAL_EN[metal]}"
        if stone_words:
            alt_el += f" με {stone_words.el_many if several else stone_words.el_one}"
            alt_en += f" with {stone_words.en_many if several else stone_words.en_one}"
        candidates.append(PlannedImage(look, alt_el, alt_en, len(candidates), metal))

    return PlannedProduct(
        number=number,
        slug=slugify(name_en),
        category=category.slug,
        collection=combination.collection.slug,
        name_el=name_el,
        name_en=name_en,
        description_el=" ".join((motif.about_el, material_el, closing_el)),
        description_en=" ".join((motif.about_en, material_en, closing_en)),
        variants=tuple(variants),
        images=tuple(candidates),
    )


def plan_slugs(*, products: int, seed: int) -> list[str]:
    """Just the slugs of `plan_catalogue`: enough to tell cheaply whether a catalogue is already seeded."""
    picks = zip(range(products), _picks(seed), strict=False)
    return [slugify(product_names(combination, round_number)[1]) for _, (combination, round_number) in picks]


def plan_catalogue(*, products: int = DEFAULT_PRODUCTS, seed: int = DEFAULT_SEED) -> list[PlannedProduct]:
    if products > max_products():
        raise ValueError(f"The demo vocabulary names at most {max_products()} different products.")
    picks = zip(range(products), _picks(seed), strict=False)
    planned = [plan_product(combination, round_number, seed) for _, (combination, round_number) in picks]
    return _choose_pictures(planned)


def _choose_pictures(planned: list[PlannedProduct]) -> list[PlannedProduct]:
    """Picks each product's one or two pictures so that the catalogue needs as few distinct looks as it can.

    Every distinct look costs a painting and its renditions, so:
    - the first picture shows the first of the product's metals whose look an earlier product already has
      (or its first metal), and that metal's variants move to the front to match it;
    - a second picture, in another metal, is kept only when its look is painted anyway as someone's first.
    A small catalogue stays quick to seed, and a large one shows nearly every product in two metals.
    """
    painted: set[Look] = set()
    leads = []
    for item in planned:
        lead = next((image for image in item.images if image.look in painted), item.images[0])
        painted.add(lead.look)
        leads.append(lead)
    chosen = []
    for item, lead in zip(planned, leads, strict=True):
        second = next((i for i in item.images if i is not lead and i.look in painted), None)
        images = (replace(lead, position=0),) + ((replace(second, position=1),) if second else ())
        ordered = sorted(item.variants, key=lambda v: (v.metal != lead.metal, v.position))
        variants = tuple(replace(v, position=position) for position, v in enumerate(ordered))
        chosen.append(replace(item, images=images, variants=variants))
    return chosen
