"""What the index knows of a product: the canonical keys of its title and body, built in bulk.

Title: the Greek and English names (weighted heavily by both engines). Body: both descriptions, the
category and collection names, and the metals and stones of its variants, each by its label in both
languages plus the everyday words shoppers use for it (`MATERIAL_WORDS`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils import translation

from allegra.catalog.models import Category, Collection, Metal, Product, Stone, Variant
from allegra.catalog.search.normalize import canonical_key, words

# Search words for a material beyond its display label: Greek and English forms a shopper may type
# ("ασημένιο" for 925 silver, "μπριγιάν" for a diamond). Data for search only, never shown.
MATERIAL_WORDS: dict[str, str] = {
    Metal.GOLD_14K: "χρυσός χρυσό χρυσά 14Κ καράτια gold golden",
    Metal.GOLD_18K: "χρυσός χρυσό χρυσά 18Κ καράτια gold golden",
    Metal.WHITE_GOLD_18K: "λευκόχρυσος λευκόχρυσο λευκό χρυσό 18Κ white gold",
    Metal.ROSE_GOLD_14K: "ροζ χρυσός χρυσό ροζ 14Κ rose gold pink",
    Metal.SILVER_925: "ασήμι ασημένιο ασημένια 925 silver sterling",
    Metal.PLATINUM: "πλατίνα platinum",
    Stone.DIAMOND: "διαμάντι διαμάντια μπριγιάν diamond diamonds",
    Stone.SAPPHIRE: "ζαφείρι ζαφείρια sapphire sapphires",
    Stone.EMERALD: "σμαράγδι σμαράγδια emerald emeralds",
    Stone.RUBY: "ρουμπίνι ρουμπίνια ruby rubies",
    Stone.PEARL: "μαργαριτάρι μαργαριτάρια πέρλα pearl pearls",
    Stone.AMETHYST: "αμέθυστος αμέθυστο amethyst",
    Stone.TOPAZ: "τοπάζι topaz",
    Stone.ZIRCONIA: "ζιργκόν ζιρκόνια zirconia zircon",
}
# Keys longer than this are not words anyone types; they stay searchable but out of the typo vocabulary.
MAX_VOCABULARY_KEY = 64
# Product ids per query when loading a part of the catalogue (well under SQLite's parameter limit).
CHUNK = 500


@dataclass(frozen=True)
class Document:
    product_id: int
    title_keys: str
    body_keys: str


class VocabularyCounter:
    """Collects, over the documents built, in how many products each spelling of each key occurs."""

    def __init__(self) -> None:
        self.spellings: Counter[tuple[str, str]] = Counter()

    def add(self, pairs: set[tuple[str, str]]) -> None:
        self.spellings.update(pairs)

    def terms(self) -> list[tuple[str, str, int]]:
        """(key, spelling, products with that spelling), for keys short enough to be typed."""
        return [
            (key, word, count)
            for (key, word), count in self.spellings.items()
            if len(key) <= MAX_VOCABULARY_KEY and len(word) <= MAX_VOCABULARY_KEY
        ]


class _Text:
    """The keys of one text and its (key, word) pairs, computed once for texts that many products share."""

    __slots__ = ("keys", "pairs")

    def __init__(self, *texts: str) -> None:
        found = [word for text in texts for word in words(text)]
        keys = [canonical_key(word) for word in found]
        self.keys = " ".join(keys)
        self.pairs = set(zip(keys, found, strict=True))


def _labels(value: str, label: str) -> _Text:
    spoken = []
    for language in ("el", "en"):
        with translation.override(language):
            spoken.append(str(label))
    return _Text(*spoken, MATERIAL_WORDS.get(value, ""))


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _product_rows(product_ids: list[int] | None) -> Iterator[tuple]:
    fields = ("id", "name_el", "name_en", "description_el", "description_en", "category_id", "collection_id")
    active = Product.objects.filter(is_active=True).order_by("id")
    if product_ids is None:
        yield from active.values_list(*fields).iterator(chunk_size=2000)
        return
    for chunk in _chunks(product_ids):
        yield from active.filter(id__in=chunk).values_list(*fields)


def _materials(product_ids: list[int] | None) -> dict[int, set[str]]:
    rows = Variant.objects.filter(product__is_active=True).order_by()
    queries = [rows] if product_ids is None else [rows.filter(product_id__in=chunk) for chunk in _chunks(product_ids)]
    materials: dict[int, set[str]] = {}
    for query in queries:
        for product_id, metal, stone in query.values_list("product_id", "metal", "stone").distinct():
            materials.setdefault(product_id, set()).update((metal, stone))
    return materials


def build_documents(*, product_ids: Iterable[int] | None, vocabulary: VocabularyCounter) -> Iterator[Document]:
    """Documents of the active products among `product_ids` (None: all), counting keys into `vocabulary`."""
    ids = None if product_ids is None else sorted({int(pk) for pk in product_ids})
    categories = {pk: _Text(el, en) for pk, el, en in Category.objects.values_list("id", "name_el", "name_en")}
    collections = {pk: _Text(el, en) for pk, el, en in Collection.objects.values_list("id", "name_el", "name_en")}
    labels = {value: _labels(value, label) for value, label in [*Metal.choices, *Stone.choices]}
    labels[Stone.NONE] = _Text()  # "no stone" is not something to find a product by
    materials = _materials(ids)
    for pk, name_el, name_en, description_el, description_en, category_id, collection_id in _product_rows(ids):
        title = _Text(name_el, name_en)
        description = _Text(description_el, description_en)
        shared = [categories.get(category_id), collections.get(collection_id)]
        shared += [labels[value] for value in sorted(materials.get(pk, ())) if value in labels]
        parts = [description, *(text for text in shared if text is not None)]
        vocabulary.add(title.pairs.union(*(part.pairs for part in parts)))
        yield Document(
            product_id=pk,
            title_keys=title.keys,
            body_keys=" ".join(part.keys for part in parts if part.keys),
        )
