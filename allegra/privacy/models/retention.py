"""Retention enforcement (R2): the runs of `enforce_retention` and the legal holds that keep records past
their retention rule while a claim, an audit or an investigation needs them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allegra.privacy.registry import Retention


class RetentionRun(models.Model):
    """One run of the retention jobs: when, whether it only counted, and what each job removed."""

    started_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    only = models.CharField(_("only the rule"), max_length=40, blank=True)
    trigger = models.CharField(_("started by"), max_length=20, default="command")
    # {"jobs": [{"job", "rules", "counts": {category: n}, "held": {category: n}, "error", "seconds"}], "totals"}
    report = models.JSONField(_("report"), default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}{' (dry run)' if self.dry_run else ''}"

    @property
    def total(self) -> int:
        return sum((self.report or {}).get("totals", {}).values())


class LegalHoldQuerySet(models.QuerySet):
    def active(self, now=None):
        """Holds in force at `now`: started, not yet ended, not lifted. An expired hold stops applying by
        itself: nothing has to be done when its end date passes."""
        now = now or timezone.now()
        return self.filter(lifted_at__isnull=True, starts__lte=now, ends__gt=now)


class LegalHold(models.Model):
    """Keeps records past their retention rule: a whole category (a rule of the retention table) or model,
    one record (model + primary key), or everything of one person. Every retention job skips what an active
    hold covers; the hold ends by itself at `ends`, or earlier when staff lift it."""

    class Scope(models.TextChoices):
        CATEGORY = "category", _("a whole category (retention rule)")
        MODEL = "model", _("a whole model")
        RECORD = "record", _("one record")
        PERSON = "person", _("one person")

    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_holds",
        help_text=_("For a hold on one person: everything of theirs is kept."),
    )
    rule = models.CharField(
        _("retention rule"),
        max_length=40,
        choices=[(rule.value, rule.value) for rule in Retention],
        blank=True,
        help_text=_("For a hold on a whole category."),
    )
    model_label = models.CharField(
        _("model"),
        max_length=100,
        blank=True,
        help_text=_('For a hold on a model or on one record: "app_label.ModelName", e.g. orders.Order.'),
    )
    object_id = models.CharField(_("record id"), max_length=64, blank=True, help_text=_("For a hold on one record."))
    reason = models.TextField(_("reason"), help_text=_("Why the records must be kept: the claim, audit or case."))
    starts = models.DateTimeField(_("starts"), default=timezone.now)
    ends = models.DateTimeField(_("ends"), help_text=_("The hold stops applying by itself at this time."))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
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

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        indexes = [models.Index(fields=["lifted_at", "ends"], name="legalhold_active")]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=models.F("starts")), name="legalhold_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} · {self.target_label}"

    @property
    def target_label(self) -> str:
        """What the hold covers, without personal data (a person by their public id only)."""
        if self.scope == self.Scope.CATEGORY:
            return self.rule
        if self.scope == self.Scope.MODEL:
            return self.model_label
        if self.scope == self.Scope.RECORD:
            return f"{self.model_label} #{self.object_id}"
        return f"user {getattr(self.user, 'public_id', '') or self.user_id}"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.lifted_at is None and self.starts <= now < self.ends

    def clean(self) -> None:
        """Exactly the fields of its scope, a reason, and an end in the future: clear messages otherwise."""
        from django.apps import apps

        errors: dict[str, list] = {}
        if not (self.reason or "").strip():
            errors.setdefault("reason", []).append(_("Give the reason for the hold (the claim, audit or case)."))
        if self.ends is None:
            errors.setdefault("ends", []).append(_("Give the date the hold ends; it can be extended later."))
        elif self._state.adding and self.ends <= timezone.now():
            errors.setdefault("ends", []).append(_("The end of the hold must be in the future."))
        elif self.starts and self.ends <= self.starts:
            errors.setdefault("ends", []).append(_("The end of the hold must come after its start."))
        scope = self.scope
        if scope == self.Scope.CATEGORY and not self.rule:
            errors.setdefault("rule", []).append(_("Choose the retention rule whose records are kept."))
        if scope in (self.Scope.MODEL, self.Scope.RECORD):
            if not self.model_label:
                errors.setdefault("model_label", []).append(_('Name the model, e.g. "orders.Order".'))
            else:
                try:
                    model = apps.get_model(self.model_label)
                except (LookupError, ValueError):
                    model = None
                    errors.setdefault("model_label", []).append(
                        _('No model is called "%(label)s"; write it as "app_label.ModelName".')
                        % {"label": self.model_label}
                    )
                if model is not None:
                    self.model_label = model._meta.label
                    if scope == self.Scope.RECORD:
                        if not self.object_id:
                            errors.setdefault("object_id", []).append(_("Give the id of the record to keep."))
                        elif not model._default_manager.filter(pk=self._pk_value(model)).exists():
                            errors.setdefault("object_id", []).append(
                                _("There is no %(model)s with the id %(id)s.")
                                % {"model": self.model_label, "id": self.object_id}
                            )
        if scope == self.Scope.PERSON and self.user_id is None:
            errors.setdefault("user", []).append(_("Choose the person whose data is kept."))
        if errors:
            raise ValidationError(errors)
        # Fields of other scopes are cleared, so a hold means exactly what its scope says.
        if scope != self.Scope.CATEGORY:
            self.rule = ""
        if scope not in (self.Scope.MODEL, self.Scope.RECORD):
            self.model_label = ""
        if scope != self.Scope.RECORD:
            self.object_id = ""
        if scope != self.Scope.PERSON:
            self.user = None

    def _pk_value(self, model):
        try:
            return model._meta.pk.to_python(self.object_id)
        except ValidationError:
            return None
