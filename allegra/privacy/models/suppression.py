"""The suppression list: addresses that must never be sent marketing again, kept as a keyed hash only (R3)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SuppressionEntry(models.Model):
    """One suppressed email address: an HMAC of the normalised address under the blind-index key (its own
    purpose, so it matches no other index), never the address itself. Kept indefinitely (R2 retention table)."""

    class Reason(models.TextChoices):
        ERASURE = "erasure", _("the person's data was erased")
        OBJECTION = "objection", _("the person objected to marketing")

    email_hash = models.CharField(_("email address (keyed hash)"), max_length=64, unique=True)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("suppression list entry")
        verbose_name_plural = _("suppression list")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} · {self.created_at:%Y-%m-%d}"
