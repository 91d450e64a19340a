"""The customer's wish list (C5): the variants they saved for later, one row per variant."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Most pieces one wish list holds: the page and the storefront's "saved" marks read the whole list.
MAX_ITEMS = 100


class WishlistItem(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wishlist_items")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added_at", "-id"]
        verbose_name = _("wish list item")
        verbose_name_plural = _("wish list items")
        constraints = [models.UniqueConstraint(fields=["user", "variant"], name="wishlist_one_per_variant")]

    def __str__(self) -> str:
        return f"wish list item {self.pk}"
