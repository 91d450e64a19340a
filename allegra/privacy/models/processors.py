"""The registry of processors (S1): the agreement the shop holds with each service provider acting for it.

The personal-data map says, in code, which fields go to which processor (`processors=("payment_provider",)`);
this table says, in the back office, under which agreement: the service, what is shared, why, where the
provider is, on what safeguards a transfer outside the EEA rests, and when the agreement was signed. The
Privacy officer keeps it; the public "What we collect" page and the records of processing read it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from allegra.privacy.registry import _pick, taxonomy_keys


def validate_data_categories(value) -> None:
    """A list of fideslang data categories, each known to the taxonomy; the message names the unknown ones."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("Give a list of data categories."), code="invalid")
    unknown = [item for item in value if item not in taxonomy_keys()["data_category"]]
    if unknown:
        raise ValidationError(
            _("Not a data category of the taxonomy: %(keys)s."),
            code="unknown_category",
            params={"keys": ", ".join(unknown)},
        )


class Safeguard(models.TextChoices):
    """What a transfer of personal data rests on (GDPR Art. 44-49); inside the EEA none is needed."""

    WITHIN_EEA = "within_eea", _("within the EEA (no transfer)")
    ADEQUACY = "adequacy", _("adequacy decision (GDPR Art. 45)")
    SCCS = "sccs", _("standard contractual clauses (GDPR Art. 46(2)(c))")
    BCRS = "bcrs", _("binding corporate rules (GDPR Art. 47)")
    DEROGATION = "derogation", _("derogation for a specific situation (GDPR Art. 49)")


class ProcessorAgreement(models.Model):
    """One processor's agreement under GDPR Art. 28; at most one active agreement per processor key."""

    key = models.SlugField(
        _("processor key"),
        max_length=64,
        help_text=_("The key the personal-data map gives this processor, for example payment_provider."),
    )
    service = models.CharField(_("service"), max_length=200)
    data_categories = models.JSONField(
        _("data categories shared"),
        default=list,
        blank=True,
        validators=[validate_data_categories],
        help_text=_("fideslang data categories, for example user.contact.email."),
    )
    purpose_el = models.TextField(_("purpose (Greek)"))
    purpose_en = models.TextField(_("purpose (English)"))
    country = CountryField(_("country"))
    safeguards = models.CharField(_("safeguards"), max_length=20, choices=Safeguard.choices)
    safeguards_detail = models.CharField(
        _("safeguards in detail"),
        max_length=300,
        blank=True,
        help_text=_("For example: PCI DSS; contract under GDPR Art. 28; SCCs module 2 of 2021."),
    )
    agreement_date = models.DateField(_("agreement date"), null=True, blank=True)
    agreement_reference = models.CharField(_("agreement reference"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["service", "key"]
        verbose_name = _("processor agreement")
        verbose_name_plural = _("processor agreements")
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(active=True),
                name="privacy_one_active_agreement_per_processor",
                violation_error_message=_("This processor already has an active agreement: deactivate it first."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} ({self.key})"

    @property
    def purpose(self) -> str:
        return _pick(self.purpose_el, self.purpose_en)

    @property
    def is_transfer(self) -> bool:
        """Outside the EU and EEA, sharing is a transfer (GDPR Art. 44) and needs a safeguard."""
        from allegra.privacy.vocabulary import EEA

        return str(self.country) not in EEA

    def clean(self) -> None:
        errors = {}
        if self.is_transfer and self.safeguards == Safeguard.WITHIN_EEA:
            errors["safeguards"] = _("This country is outside the EEA: name the safeguard the transfer rests on.")
        if not self.is_transfer and self.safeguards not in ("", Safeguard.WITHIN_EEA):
            errors["safeguards"] = _("This country is inside the EEA: no transfer safeguard is needed.")
        if errors:
            raise ValidationError(errors)
