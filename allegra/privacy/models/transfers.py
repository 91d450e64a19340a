"""The business-transfer inventory (S4): a recorded snapshot of what a buyer of the business would receive."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TransferInventory(models.Model):
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    content = models.JSONField(_("content"), editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("business-transfer inventory")
        verbose_name_plural = _("business-transfer inventories")

    def __str__(self) -> str:
        return str(_("Inventory of %(date)s") % {"date": f"{self.created_at:%Y-%m-%d %H:%M}"})
