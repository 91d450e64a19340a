"""Restriction of processing (GDPR Art. 18, policy R3.restrict): one row per restriction, history kept."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

REASON_MAX_CHARS = 500


class ProcessingRestrictionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(lifted_at__isnull=True)


class ProcessingRestriction(models.Model):
    """A person asked (or staff decided for them) that their data be kept but not used for marketing,
    personalisation, analytics or profiling, from `set_at` until `lifted_at`.

    The person is an account (`user`) or, without one, an email address kept only as its keyed hash (the blind
    index of `allegra.core.encryption`, purpose "privacy.restriction"). An account's row also keeps the index of
    the account's address when it was set, so that a sender who knows only the address finds it. A new row per
    restriction; at most one active (not lifted) per account and per address, enforced by the database.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="processing_restrictions",
    )
    email_index = models.CharField(_("email address (keyed hash)"), max_length=64, blank=True, editable=False)
    reason = models.CharField(_("reason"), max_length=REASON_MAX_CHARS, blank=True)
    set_at = models.DateTimeField(_("set at"), default=timezone.now, editable=False)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True, editable=False)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = ProcessingRestrictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("processing restriction")
        verbose_name_plural = _("processing restrictions")
        ordering = ["-set_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email_index=""),
                name="privacy_restriction_has_person",
            ),
            # At most one active restriction per person; these partial unique indexes also serve the check.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(lifted_at__isnull=True, user__isnull=False),
                name="privacy_restriction_one_active_per_account",
            ),
            models.UniqueConstraint(
                fields=["email_index"],
                condition=Q(lifted_at__isnull=True) & ~Q(email_index=""),
                name="privacy_restriction_one_active_per_email",
            ),
        ]
        # The check looks a person up by account (the foreign key's own index) or by address: this index.
        indexes = [models.Index(fields=["email_index"], name="privacy_restriction_email_idx")]

    def __str__(self) -> str:
        state = _("active") if self.is_active else _("lifted")
        return f"{self._meta.verbose_name} #{self.pk} ({state})"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None
