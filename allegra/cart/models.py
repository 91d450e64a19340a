"""The cart: one per account, or one per guest browser (kept by a random key in the session, K4).

Only what the customer chose is stored (variant and quantity); prices are never stored here, every page and
total is computed from the variant's current price (`cart.selectors`).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Most of one piece a customer can put in the cart at once (a jewelry shop, not a wholesaler).
MAX_PER_LINE = 10
# Most different pieces in one cart: every cart page and total reads all lines, so they stay bounded.
MAX_LINES = 50


class Cart(models.Model):
    """A customer's cart (`owner`) or a guest's (`session_key`, a random key kept in the guest's session)."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="cart"
    )
    # Not Django's own session key (that changes at login); a random key the session carries, so the guest's
    # cart can still be found right after login, to merge it into the account's.
    session_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner__isnull=False) & Q(session_key__isnull=True))
                | (Q(owner__isnull=True) & Q(session_key__isnull=False)),
                name="cart_owner_or_session",
            )
        ]

    def __str__(self) -> str:
        return f"cart {self.pk}"

    @property
    def is_guest(self) -> bool:
        return self.owner_id is None


class CartLine(models.Model):
    """One piece in a cart. Its id in forms and URLs is the random `public_id`, and every lookup is also
    scoped to the visitor's own cart, so a line of someone else's cart is simply not found (404)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveSmallIntegerField(_("quantity"))
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="cartline_one_per_variant"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="cartline_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × variant {self.variant_id}"
