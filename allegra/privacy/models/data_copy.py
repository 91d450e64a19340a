"""A person's electronic copy of their data (R3.copy): a ZIP built in the background, kept encrypted for 7 days.

Where the ZIP lives: in the row itself, in an encrypted text column (`content`, the ZIP in base64 sealed by
`allegra.core.fields.EncryptedTextField`), not in a file under MEDIA_ROOT. A copy holds one person's rows only
(kilobytes, rarely a few megabytes: no pictures), and in the database it
- is encrypted with the shop's own keyring, so `rotate_encryption_keys` re-encrypts it like any other column
  and a copy is never readable on disk, in a backup or by the media server;
- is seen by every app server and task worker alike (no shared disk needed between them);
- is deleted in the same transaction as its status changes (purge, erasure): no orphaned files.
Pages that list copies never load the column (`defer("content")`).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allegra.core.fields import EncryptedTextField

# How long a ready copy can be downloaded; then its content is deleted (retention: DATA_COPIES).
COPY_LIFETIME = timedelta(days=7)


class DataCopy(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to start")
        BUILDING = "building", _("being prepared")
        READY = "ready", _("ready to download")
        FAILED = "failed", _("could not be prepared")
        EXPIRED = "expired", _("expired")

    # Random and unguessable (122 random bits): the only id that appears in URLs.
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_copies",
        verbose_name=_("account"),
    )
    # A guest's copy (a person with no account, found by email through the map): the address, encrypted, to
    # find their rows and send the link; and its keyed hash, to find a copy in progress for the same address.
    email = EncryptedTextField(_("email address"), blank=True, default="")
    email_index = models.CharField(_("email index"), max_length=64, blank=True, default="", db_index=True)
    # Filled by the privacy-request workflow when a copy answers a request; no foreign key on purpose.
    request_reference = models.CharField(_("request reference"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # The language the person asked in: the summary and the email are written in it.
    language = models.CharField(_("language"), max_length=8, default="el")
    # The ZIP, base64, encrypted at rest (see the module's docstring); "" before it is ready and after expiry.
    content = EncryptedTextField(_("content"), blank=True, default="")
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("downloaded at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        default_permissions = ("view",)
        verbose_name = _("copy of a person's data")
        verbose_name_plural = _("copies of people's data")
        indexes = [models.Index(fields=["status", "expires_at"], name="privacy_datacopy_expiry")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {str(self.public_id)[:8]}"

    @property
    def for_guest(self) -> bool:
        return self.user_id is None and bool(self.email_index)

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.BUILDING)

    def is_downloadable(self, *, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.READY and self.expires_at is not None and self.expires_at > now
