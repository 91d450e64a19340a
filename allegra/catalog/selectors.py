"""Reads for the storefront. Every function runs a fixed number of queries, whatever the catalogue size.

Listings carry only the first image of each product (a sliced `Prefetch`, one query for the whole page) and
never touch variants row by row: filters on metal, stone, price and stock become one `Exists` subquery.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.http import Http404
from django.utils.translation import get_language

from allegra.catalog import search
from allegra.catalog.models import Category, Collection, Product, ProductImage, Variant

HOME_NEW_ARRIVALS = 8
HOME_FEATURED_COLLECTIONS = 3
RELATED_PRODUCTS = 4

SORT_NEWEST = "newest"
SORT_PRICE_ASC = "price_asc"
SORT_PRICE_DESC = "price_desc"
SORT_NAME = "name"
SORT_RELEVANCE = "relevance"
LISTING_SORTS = (SORT_NEWEST, SORT_PRICE_ASC, SORT_PRICE_DESC, SORT_NAME)


@dataclass(frozen=True)
class ListingFilters:
    """What a shopper asked a listing for, already cleaned. Empty means "no condition"."""

    metals: tuple[str, ...] = ()
    stones: tuple[str, ...] = ()
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: bool = False
    sort: str = SORT_NEWEST

    @property
    def needs_variants(self) -> bool:
        """True when the denormalised `price_from`/`in_stock` cannot answer the question alone.

        A metal or stone condition always lives on the variant. "In stock within a price range" does too: the
        cheapest variant may be sold out while a dearer one in range is not.
        """
        has_price = self.price_min is not None or self.price_max is not None
        return bool(self.metals or self.stones or (self.in_stock and has_price))

    @property
    def is_active(self) -> bool:
        return bool(
            self.metals or self.stones or self.in_stock or self.price_min is not None or self.price_max is not None
        )


@dataclass
class HomePage:
    featured_collections: list[Collection] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    new_arrivals: list[Product] = field(default_factory=list)


def _language() -> str:
    return (get_language() or "el")[:2]


def _first_image_prefetch() -> Prefetch:
    """The first image of each product, and only that one: a window-function slice, one query per page."""
    return Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")[:1], to_attr="first_images")


# A card shows neither descriptions nor timestamps; leaving the long texts behind makes listings lighter.
CARD_DEFERRED_FIELDS = (
    "description_el",
    "description_en",
    "updated_at",
    "category__description_el",
    "category__description_en",
    "collection__description_el",
    "collection__description_en",
)


def _with_card_data(products: QuerySet) -> QuerySet:
    """What a product card shows: category name, first image, and whether dearer variants exist."""
    dearer = Variant.objects.filter(product=OuterRef("pk"), price__gt=OuterRef("card_price"))
    products = (
        products.select_related("category", "collection")
        .defer(*CARD_DEFERRED_FIELDS)
        .prefetch_related(_first_image_prefetch())
    )
    if "card_price" not in products.query.annotations:
        products = products.annotate(card_price=F("price_from"))
    return products.annotate(has_price_range=Exists(dearer))


def catalogue_version() -> str:
    """A value that changes whenever anything a storefront page shows changes (one small query).

    Every such change reindexes the products it touches (`services.product_changed`, `catalogue_changed`),
    so the search index version doubles as the catalogue's.
    """
    return search.index_version()


def nav_categories() -> list[Category]:
    """The categories of the header navigation, in the shop's order."""
    return list(Category.objects.order_by("position", "slug"))


def get_category(*, slug: str) -> Category:
    try:
        return Category.objects.get(slug=slug)
    except Category.DoesNotExist:
        raise Http404("No such category") from None


def get_collection(*, slug: str) -> Collection:
    try:
        return Collection.objects.get(slug=slug)
    except Collection.DoesNotExist:
        raise Http404("No such collection") from None


def _cover_products() -> Prefetch:
    """One product per category or collection, with its first image, for the tiles on the home page."""
    covers = (
        Product.objects.visible()
        .filter(Exists(ProductImage.objects.filter(product=OuterRef("pk"))))
        .order_by("-in_stock", "-created_at", "-id")
        .prefetch_related(_first_image_prefetch())
    )
    return Prefetch("products", queryset=covers[:1], to_attr="covers")


def home_page() -> HomePage:
    """The home page: featured collections, categories (each with a cover picture) and the newest pieces."""
    featured = list(
        Collection.objects.filter(is_featured=True)
        .order_by("slug")
        .prefetch_related(_cover_products())[:HOME_FEATURED_COLLECTIONS]
    )
    categories = list(Category.objects.order_by("position", "slug").prefetch_related(_cover_products()))
    new_arrivals = list(_with_card_data(Product.objects.visible()).order_by("-created_at", "-id")[:HOME_NEW_ARRIVALS])
    return HomePage(featured_collections=featured, categories=categories, new_arrivals=new_arrivals)


def _matching_variants(filters: ListingFilters) -> QuerySet:
    """Variants of the outer product that meet every chosen condition at once."""
    variants = Variant.objects.filter(product=OuterRef("pk"))
    if filters.metals:
        variants = variants.filter(metal__in=filters.metals)
    if filters.stones:
        variants = variants.filter(stone__in=filters.stones)
    if filters.price_min is not None:
        variants = variants.filter(price__gte=filters.price_min)
    if filters.price_max is not None:
        variants = variants.filter(price__lte=filters.price_max)
    if filters.in_stock:
        variants = variants.filter(stock__gt=0)
    return variants


def _apply_filters(products: QuerySet, filters: ListingFilters) -> QuerySet:
    if filters.needs_variants:
        matching = _matching_variants(filters)
        # The card then shows the lowest price among the variants that matched, so "from €X" agrees with
        # the price range the shopper asked for.
        lowest = matching.order_by("price").values("price")[:1]
        return products.filter(Exists(matching)).annotate(card_price=Subquery(lowest))
    if filters.in_stock:
        products = products.filter(in_stock=True)
    if filters.price_min is not None:
        products = products.filter(price_from__gte=filters.price_min)
    if filters.price_max is not None:
        products = products.filter(price_from__lte=filters.price_max)
    return products


def _apply_sort(products: QuerySet, sort: str) -> QuerySet:
    if sort == SORT_PRICE_ASC:
        return products.order_by(F("card_price").asc(), "id")
    if sort == SORT_PRICE_DESC:
        return products.order_by(F("card_price").desc(), "-id")
    if sort == SORT_NAME:
        return products.order_by(f"name_{_language()}", "id")
    return products.order_by("-created_at", "-id")


def listing_products(
    *, category: Category | None = None, collection: Collection | None = None, filters: ListingFilters
) -> QuerySet:
    """The products of a category or collection page, filtered and sorted; the caller paginates."""
    products = Product.objects.visible()
    if category is not None:
        products = products.filter(category=category)
    if collection is not None:
        products = products.filter(collection=collection)
    products = _apply_filters(products, filters)
    return _apply_sort(_with_card_data(products), filters.sort)


def products_in_order(*, product_ids: Iterable[int]) -> list[Product]:
    """Visible products for the given ids, keeping the given order (search ranks them)."""
    ids = list(product_ids)
    if not ids:
        return []
    found = {product.pk: product for product in _with_card_data(Product.objects.visible().filter(pk__in=ids))}
    return [found[pk] for pk in ids if pk in found]


def get_product(*, slug: str) -> Product:
    """A product with everything its page shows: category, collection, all variants and all images."""
    products = (
        Product.objects.visible()
        .select_related("category", "collection")
        .prefetch_related(
            Prefetch("variants", queryset=Variant.objects.order_by("position", "id"), to_attr="variant_list"),
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"), to_attr="image_list"),
        )
    )
    try:
        return products.get(slug=slug)
    except Product.DoesNotExist:
        raise Http404("No such product") from None


def choose_variant(*, product: Product, requested: str | None) -> tuple[Variant | None, bool]:
    """The variant to show: the one asked for by SKU or id, else the first in stock, else the first.

    Returns the variant and whether the request named one that this product does not have.
    """
    variants: list[Variant] = product.variant_list
    if not variants:
        return None, bool(requested)
    wanted = (requested or "").strip()
    if wanted:
        for variant in variants:
            if variant.sku == wanted or (wanted.isdigit() and str(variant.pk) == wanted.lstrip("0")):
                return variant, False
    default = next((variant for variant in variants if variant.stock > 0), variants[0])
    return default, bool(wanted)


def related_products(*, product: Product, limit: int = RELATED_PRODUCTS) -> list[Product]:
    """Pieces from the same collection first, then from the same category, never the product itself."""
    same = Q(category_id=product.category_id)
    if product.collection_id:
        same |= Q(collection_id=product.collection_id)
    candidates = Product.objects.visible().filter(same).exclude(pk=product.pk)
    if product.collection_id:
        # Same-collection pieces first. A CASE, not a boolean comparison: pieces without a collection would
        # compare as NULL, which PostgreSQL sorts before everything in descending order.
        candidates = candidates.annotate(
            same_collection=Case(When(collection_id=product.collection_id, then=Value(1)), default=Value(0))
        ).order_by("-same_collection", "-in_stock", "-created_at", "-id")
    else:
        candidates = candidates.order_by("-in_stock", "-created_at", "-id")
    return list(_with_card_data(candidates)[:limit])
