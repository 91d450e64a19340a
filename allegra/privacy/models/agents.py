"""Authorised agents (R4.agent): someone files a request for a person, with the person's signed permission.

The agent's name and email are kept encrypted with the request; the signed permission (a PDF, JPEG or PNG the
agent uploaded, its type checked by its first bytes) is kept like a copy of data (`DataCopy.content`): base64 in
an encrypted text column, so it is never readable on disk, in a backup or by the media server, and it goes in
the same transaction as the request closes (completed or denied): staff need it only to decide.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allegra.core.fields import EncryptedTextField
from allegra.privacy.models.requests import SubjectRequest


class AgentAuthorisation(models.Model):
    class ContentType(models.TextChoices):
        PDF = "application/pdf", "PDF"
        JPEG = "image/jpeg", "JPEG"
        PNG = "image/png", "PNG"

    request = models.OneToOneField(
        SubjectRequest, on_delete=models.CASCADE, related_name="agent_authorisation", verbose_name=_("request")
    )
    agent_name = EncryptedTextField(_("agent's name"))
    agent_email = EncryptedTextField(_("agent's email address"))
    # The signed permission, base64, encrypted at rest; "" once the request is closed.
    document = EncryptedTextField(_("signed permission"), blank=True, default="")
    content_type = models.CharField(_("type of the document"), max_length=32, choices=ContentType.choices)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    document_removed_at = models.DateTimeField(_("document removed at"), null=True, blank=True)

    class Meta:
        default_permissions = ("view",)
        verbose_name = _("authorised agent")
        verbose_name_plural = _("authorised agents")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.request_id}"

    @property
    def has_document(self) -> bool:
        return self.document_removed_at is None

    @property
    def extension(self) -> str:
        return {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(self.content_type, "bin")


def remove_agent_document(request: SubjectRequest, *, now=None) -> int:
    """Removes the signed permission of a closed request (the agent's name and email stay, with the request)."""
    return AgentAuthorisation.objects.filter(request=request, document_removed_at__isnull=True).update(
        document="", document_removed_at=now or timezone.now()
    )
