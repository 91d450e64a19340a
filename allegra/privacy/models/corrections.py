"""Corrections (R3.correct) and the Privacy officer's daily digest of requests falling due.

What customers can edit they edit themselves (profile, addresses); any other correction is a staff task recorded
here: which field of the personal-data map was corrected, the value before and after (both encrypted at rest),
who made it and when. The completion note lists the corrected fields by name, never their values.

`RequestDigest` remembers the days a digest of due requests was sent, so a job that runs twice sends it once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allegra.core.fields import EncryptedTextField
from allegra.privacy.models.requests import SubjectRequest


class Correction(models.Model):
    request = models.ForeignKey(
        SubjectRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="corrections"
    )
    # A key of the personal-data map ("accounts.Profile.phone"), chosen from a list built from the map.
    field = models.CharField(_("field"), max_length=200)
    before = EncryptedTextField(_("before"), blank=True, default="")
    after = EncryptedTextField(_("after"), blank=True, default="")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    made_at = models.DateTimeField(_("made at"), default=timezone.now)

    class Meta:
        ordering = ["made_at", "id"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.field}"


class RequestDigest(models.Model):
    """One row per day a digest of due requests was sent to the Privacy officers (counts only)."""

    day = models.DateField(_("day"), unique=True)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    overdue = models.PositiveIntegerField(_("overdue"), default=0)
    due_soon = models.PositiveIntegerField(_("due soon"), default=0)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("request digest")
        verbose_name_plural = _("request digests")

    def __str__(self) -> str:
        return str(self.day)
