"""The jewelry catalogue: categories, collections, products, their variants and images.

Shop texts are stored in both languages side by side (`name_el`, `name_en`); `localized()` picks the one of
the active language and falls back to Greek, the shop's own language.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

RING_SIZE_MIN = 48
RING_SIZE_MAX = 62


def localized(obj, field: str) -> str:
    language = (get_language() or "el")[:2]
    return getattr(obj, f"{field}_{language}", "") or getattr(obj, f"{field}_el", "")


class Metal(models.TextChoices):
    GOLD_14K = "gold-14k", _("14K gold")
    GOLD_18K = "gold-18k", _("18K gold")
    WHITE_GOLD_18K = "white-gold-18k", _("18K white gold")
    ROSE_GOLD_14K = "rose-gold-14k", _("14K rose gold")
    SILVER_925 = "silver-925", _("925 silver")
    PLATINUM = "platinum", _("Platinum")


class Stone(models.TextChoices):
    NONE = "none", _("No stone")
    DIAMOND = "diamond", _("Diamond")
    SAPPHIRE = "sapphire", _("Sapphire")
    EMERALD = "emerald", _("Emerald")
    RUBY = "ruby", _("Ruby")
    PEARL = "pearl", _("Pearl")
    AMETHYST = "amethyst", _("Amethyst")
    TOPAZ = "topaz", _("Topaz")
    ZIRCONIA = "zirconia", _("Zirconia")


class LocalizedNameMixin:
    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")

    def __str__(self) -> str:
        return self.name_el


class Category(LocalizedNameMixin, models.Model):
    slug = models.SlugField(unique=True, max_length=80)
    name_el = models.CharField(_("name (Greek)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description_el = models.TextField(_("description (Greek)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    has_ring_sizes = models.BooleanField(
        _("sold in ring sizes"), default=False, help_text=_("Variants carry an EU ring size (48 to 62).")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")


class Collection(LocalizedNameMixin, models.Model):
    slug = models.SlugField(unique=True, max_length=80)
    name_el = models.CharField(_("name (Greek)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description_el = models.TextField(_("description (Greek)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    is_featured = models.BooleanField(_("featured on the home page"), default=False)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("collection")
        verbose_name_plural = _("collections")


class ProductQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_active=True)


class Product(LocalizedNameMixin, models.Model):
    """A piece of jewelry. What is bought is one of its variants.

    `price_from` and `in_stock` summarise the variants so that listings sort and filter without joining
    them; `catalog.services.refresh_product_summary` keeps them right after every variant change.
    """

    slug = models.SlugField(unique=True, max_length=140)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    collection = models.ForeignKey(
        Collection, on_delete=models.SET_NULL, null=True, blank=True, related_name="products"
    )
    name_el = models.CharField(_("name (Greek)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_el = models.TextField(_("description (Greek)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    is_active = models.BooleanField(_("on sale"), default=True)
    price_from = models.DecimalField(
        _("lowest variant price"), max_digits=10, decimal_places=2, default=Decimal("0.00"), editable=False
    )
    in_stock = models.BooleanField(_("any variant in stock"), default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [
            models.Index(fields=["category", "is_active", "price_from"], name="product_category_price"),
            models.Index(fields=["category", "is_active", "-created_at"], name="product_category_newest"),
            models.Index(fields=["collection", "is_active"], name="product_collection"),
        ]


class Variant(models.Model):
    """One buyable form of a product: a metal, a stone, a ring size, with its own SKU, price and stock."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    metal = models.CharField(_("metal"), max_length=20, choices=Metal.choices)
    stone = models.CharField(_("stone"), max_length=20, choices=Stone.choices, default=Stone.NONE)
    ring_size = models.PositiveSmallIntegerField(
        _("EU ring size"),
        null=True,
        blank=True,
        validators=[MinValueValidator(RING_SIZE_MIN), MaxValueValidator(RING_SIZE_MAX)],
    )
    price = models.DecimalField(
        _("price (EUR, VAT included)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    stock = models.PositiveIntegerField(_("stock"), default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="variant_price_positive"),
            models.CheckConstraint(
                condition=Q(ring_size__isnull=True) | Q(ring_size__gte=RING_SIZE_MIN, ring_size__lte=RING_SIZE_MAX),
                name="variant_ring_size_range",
            ),
        ]
        indexes = [models.Index(fields=["product", "metal", "stone", "price"], name="variant_filter")]

    def __str__(self) -> str:
        return self.sku

    @property
    def in_stock(self) -> bool:
        return self.stock > 0


def product_image_path(instance: "ProductImage", filename: str) -> str:
    return f"products/{instance.product.slug}/{filename}"


class ProductImage(models.Model):
    """A photograph of a product. `renditions` maps a width in pixels to the stored resized file."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to=product_image_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    renditions = models.JSONField(default=dict, editable=False)
    alt_el = models.CharField(_("alt text (Greek)"), max_length=200)
    alt_en = models.CharField(_("alt text (English)"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("product image")
        verbose_name_plural = _("product images")

    def __str__(self) -> str:
        return self.alt_el

    @property
    def alt(self) -> str:
        return localized(self, "alt")


# The search index tables live with the search engine; importing them here registers them with this app.
from allegra.catalog.search.models import SearchEntry, SearchIndexState, SearchTerm  # noqa: E402, F401
