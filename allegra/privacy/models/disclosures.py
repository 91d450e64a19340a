"""The disclosure log (S2): every time personal data was given to an authority or other requester under law.

A disclosure is written once: while it is being prepared (approved, not yet given) it can be completed, but
once `disclosed_at` is set the row is a record and nothing changes it, like the consent ledger.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class DisclosureLocked(RuntimeError):
    """Raised when code tries to change or delete a disclosure that has been made."""


class DisclosureQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise DisclosureLocked("disclosures are changed one by one, and never once disclosed")

    def delete(self):
        raise DisclosureLocked("the disclosure log is append-only")


class DisclosureBasis(models.TextChoices):
    COURT_ORDER = "court_order", _("court order")
    LAW_ENFORCEMENT = "law_enforcement", _("law enforcement request under law")
    TAX_AUTHORITY = "tax_authority", _("tax authority")
    LEGAL_CLAIMS = "legal_claims", _("defence of legal claims")
    FRAUD_PREVENTION = "fraud_prevention", _("fraud prevention")
    OTHER = "other", _("other (explained)")


def map_categories() -> frozenset[str]:
    """The data categories the personal-data map declares: what the shop could ever disclose."""
    from allegra.privacy.registry import personal_data_map

    return frozenset(item.category for item in personal_data_map.fields)


def validate_map_categories(value) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("Give a list of data categories."), code="invalid")
    unknown = [item for item in value if item not in map_categories()]
    if unknown:
        raise ValidationError(
            _("Not a data category of the personal-data map: %(keys)s."),
            code="unknown_category",
            params={"keys": ", ".join(unknown)},
        )


class Disclosure(models.Model):
    requester = models.CharField(_("who asked"), max_length=200, help_text=_("The authority or requester."))
    requester_reference = models.CharField(_("their reference"), max_length=100, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=DisclosureBasis.choices)
    legal_basis_detail = models.TextField(
        _("legal basis in detail"), blank=True, help_text=_("The law or order relied on; required for other.")
    )
    categories = models.JSONField(_("data categories given"), default=list, validators=[validate_map_categories])
    data_description = models.TextField(_("data given"), blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person concerned"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"))
    # The approver stays on the record: a staff account that approved a disclosure cannot be deleted.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"is_staff": True},
    )
    approved_at = models.DateTimeField(_("approved at"))
    disclosed_at = models.DateTimeField(_("disclosed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")

    def __str__(self) -> str:
        return f"{self.requester} ({self.get_legal_basis_display()}, {self.requested_at:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if not self._state.adding and self.pk is not None:
            stored = type(self)._base_manager.filter(pk=self.pk).values_list("disclosed_at", flat=True).first()
            if stored is not None:
                raise DisclosureLocked("a disclosure that has been made is a record: it cannot be changed")
        super().save(*args, **kwargs)
        self._stored_disclosed_at = self.disclosed_at

    def delete(self, *args, **kwargs):
        raise DisclosureLocked("the disclosure log is append-only")

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_disclosed_at = getattr(instance, "disclosed_at", None)
        return instance

    @property
    def locked(self) -> bool:
        """Disclosed as stored in the database: the record is final."""
        return getattr(self, "_stored_disclosed_at", None) is not None

    def clean(self) -> None:
        errors = {}
        if self.legal_basis == DisclosureBasis.OTHER and not self.legal_basis_detail.strip():
            errors["legal_basis_detail"] = _("Explain the legal basis when it is “other”.")
        if not self.categories and not self.data_description.strip():
            errors["categories"] = _("Say what data was given: its categories, a description, or both.")
        if self.approved_by_id is not None and not self.approved_by.is_staff:
            errors["approved_by"] = _("The approver must be a member of staff.")
        if self.approved_at and self.requested_at and self.approved_at < self.requested_at:
            errors["approved_at"] = _("The approval cannot come before the request.")
        if self.disclosed_at and self.approved_at and self.disclosed_at < self.approved_at:
            errors["disclosed_at"] = _("Data cannot be disclosed before the disclosure was approved.")
        if errors:
            raise ValidationError(errors)
