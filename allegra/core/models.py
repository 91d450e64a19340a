"""The staff audit log (R1): who looked at or changed whose personal data, when, which fields and why.

Entries are append-only and hash-chained: each entry's hash covers its own content and the previous entry's
hash, so editing or deleting a row anywhere but at the very end breaks the chain, and
`manage.py verify_audit_log` names the first entry that no longer matches. The ORM refuses updates and
deletes; raw SQL can still change rows, which is exactly what the verification is there to catch.

The subject is the customer's `public_id` as text, deliberately not a foreign key: the log must outlive the
account (erasure deletes or anonymises the user, the record of who accessed their data stays), and a text
column cannot cascade. The actor is a PROTECTed foreign key plus a label copied at the time (the hash covers
the label, not the key): staff accounts are deactivated, never deleted, while the log refers to them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete audit entries through the ORM."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("Audit entries are never updated.")

    def delete(self):
        raise AuditLogIsAppendOnly("Audit entries are never deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditLogIsAppendOnly("Audit entries are never updated.")


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", _("view")
        EXPORT = "export", _("export")
        CHANGE = "change", _("change")
        DELETE = "delete", _("delete")
        ROLE_CHANGE = "role-change", _("role change")

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    actor_label = models.CharField(_("actor label"), max_length=300, editable=False)
    subject = models.CharField(_("subject ID"), max_length=64, db_index=True, editable=False)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, editable=False)
    fields = models.JSONField(_("fields"), default=list, editable=False)
    reason = models.CharField(_("reason"), max_length=500, blank=True, editable=False)
    previous_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, unique=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-id"]
        constraints = [
            # Two entries can never follow the same predecessor: the chain stays a line even if a writer
            # somehow bypassed the lock in `record_access`.
            models.UniqueConstraint(fields=["previous_hash"], name="core_auditentry_one_successor"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action} {self.subject}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogIsAppendOnly("Audit entries are never changed.")
        if not self.hash:
            raise AuditLogIsAppendOnly("Append audit entries through allegra.core.audit.record_access.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("Audit entries are never deleted.")


class ScheduledJob(models.Model):
    """When the scheduler last enqueued a periodic job (allegra.core.schedule). One row per job; several
    schedulers claim a due job with one conditional UPDATE of this row, so only one of them enqueues it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    last_enqueued_at = models.DateTimeField(_("last enqueued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")

    def __str__(self) -> str:
        return self.name
