"""The consent ledger: proof of every cookie choice a visitor or customer made (GDPR Art. 7(1)).

A `ConsentRecord` (a cookie choice) or a `PurposeConsentRecord` (a consent to another purpose, U2, U6) is
written once and never changed: a new choice is a new record, and the latest record of a
browser (its `consent_id`) or of an account is the choice in force. `ConsentNotice` keeps, once per distinct
text, the exact words the visitor was shown when choosing; records point at it by the text's SHA-256.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allegra.consent.purposes import PURPOSE_MAX_CHARS, UnknownPurpose, get_purpose


class Category(models.TextChoices):
    """The cookie categories of the policy (K1). Functional is always on and never asked."""

    FUNCTIONAL = "functional", _("Functional")
    PERFORMANCE = "performance", _("Performance")
    ADVERTISING = "advertising", _("Social media and advertising")


# The categories a visitor chooses; functional is not a choice.
CHOSEN_CATEGORIES = (Category.PERFORMANCE, Category.ADVERTISING)


class Source(models.TextChoices):
    """Where a choice was made."""

    BANNER_FIRST_LAYER = "banner_first_layer", _("Cookie banner (Accept all or Reject all)")
    BANNER_CHOOSE_LAYER = "banner_choose_layer", _("Cookie banner (Choose)")
    ACCOUNT_SETTINGS = "account_settings", _("Account settings")
    CHECKOUT = "checkout", _("Checkout")
    GPC = "gpc", _("Global Privacy Control signal")


class PurposeSource(models.TextChoices):
    """Where a consent to a purpose other than cookies (U2, U6) was given or withdrawn (C7: every way in)."""

    NEWSLETTER_FORM = "newsletter_form", _("Newsletter sign-up form")
    DOUBLE_OPT_IN_CONFIRMATION = "double_opt_in_confirmation", _("Confirmation link in our email")
    CHECKOUT = "checkout", _("Checkout")
    ACCOUNT_SETTINGS = "account_settings", _("Account settings")
    CONTEST_FORM = "contest_form", _("Contest entry form")
    STAFF_RECORDED = "staff_recorded", _("Recorded by our staff, in a store or at an event")
    UNSUBSCRIBE_LINK = "unsubscribe_link", _("Unsubscribe link in an email")


# Where a notice can have been shown: the cookie sources and the purpose sources, each value once.
NOTICE_SOURCES = list(dict([*Source.choices, *PurposeSource.choices]).items())


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a ledger record in place."""


class AppendOnlyQuerySet(models.QuerySet):
    """The queryset of a ledger (cookie choices, purpose consents): no bulk change, no bulk delete."""

    def update(self, **kwargs):
        raise AppendOnlyError("consent records are append-only: record a new choice instead")

    def delete(self):
        raise AppendOnlyError("consent records are deleted only by the retention purge")

    def attach_to_account(self, user) -> int:
        """Links records made without an account (a browser's, an email address's) to the account of the same
        person. The choices stay as they were made; only the owner is filled in, and never replaced."""
        # QuerySet.update itself: this queryset's own update() refuses every change of a record.
        return models.QuerySet.update(self.filter(user__isnull=True), user=user)

    def purge(self) -> int:
        """Deletes these records: for the retention rule only (5 years after the consent ended)."""
        deleted, _by_model = super().delete()
        return deleted


# The cookie ledger's queryset keeps its own name for the code that imports it.
ConsentRecordQuerySet = AppendOnlyQuerySet


class AppendOnlyRecord(models.Model):
    """A ledger row: written once, never changed or deleted one by one (only the retention purge deletes)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("consent records are append-only: record a new choice instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("consent records are deleted only by the retention purge")


class ConsentNotice(models.Model):
    """The exact text shown with a choice, stored once per distinct text."""

    text_hash = models.CharField(_("SHA-256 of the text"), max_length=64, unique=True)
    language = models.CharField(_("language"), max_length=8)
    # Shown with a cookie choice or with a purpose consent (the two ledgers share their notices).
    source = models.CharField(_("shown in"), max_length=32, choices=NOTICE_SOURCES)
    policy_version = models.CharField(_("policy version"), max_length=20)
    text = models.TextField(_("text"))
    first_shown_at = models.DateTimeField(_("first shown"), default=timezone.now)

    class Meta:
        verbose_name = _("consent notice")
        verbose_name_plural = _("consent notices")
        ordering = ["-first_shown_at"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} · {self.language} · {self.policy_version} · {self.text_hash[:12]}"


class ConsentProof(AppendOnlyRecord):
    """What both ledgers keep as proof of a choice: the policy version, the exact text shown, when, and the
    browser only as a truncated address and a keyed hash."""

    policy_version = models.CharField(_("policy version"), max_length=20)
    notice = models.ForeignKey(
        ConsentNotice,
        verbose_name=_("text shown"),
        to_field="text_hash",
        db_column="text_hash",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, db_index=True)
    ip_truncated = models.GenericIPAddressField(_("IP address (truncated)"), null=True, blank=True)
    user_agent_hash = models.CharField(_("user agent (keyed hash)"), max_length=64, blank=True)

    class Meta:
        abstract = True


class ConsentRecord(ConsentProof):
    consent_id = models.UUIDField(
        _("consent id"), db_index=True, help_text=_("A random id of the browser, kept in its consent cookie.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        # Proof of consent outlives the account (5 years after the consent ends), detached from it.
        on_delete=models.SET_NULL,
        related_name="consent_records",
    )
    performance = models.BooleanField(_("performance granted"))
    advertising = models.BooleanField(_("social media and advertising granted"))
    source = models.CharField(_("source"), max_length=24, choices=Source.choices)
    gpc = models.BooleanField(_("Global Privacy Control signal present"), default=False)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["consent_id", "recorded_at"], name="consent_browser_time"),
            models.Index(fields=["user", "recorded_at"], name="consent_account_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} · {self.recorded_at:%Y-%m-%d %H:%M}"

    def granted(self, category: str) -> bool:
        if category == Category.FUNCTIONAL:
            return True
        return bool(getattr(self, category))


class PurposeConsentRecord(ConsentProof):
    """Proof of one consent to, or withdrawal from, a purpose other than cookies (U2, U6; GDPR Art. 7(1)).

    The person is an account (`user`) or, without one, an email address kept only as its blind index (a
    newsletter sign-up). The latest record of a person and purpose is the choice in force; see
    allegra.consent.purposes for the purposes and allegra.consent.services for the writes.
    """

    purpose = models.CharField(_("purpose"), max_length=PURPOSE_MAX_CHARS)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        # Proof of consent outlives the account (5 years after the consent ends), detached from it.
        on_delete=models.SET_NULL,
        related_name="purpose_consents",
    )
    email_index = models.CharField(
        _("email address (keyed hash)"),
        max_length=64,
        blank=True,
        help_text=_("A keyed hash of the email address, to find the consents of an address without an account."),
    )
    granted = models.BooleanField(_("granted"))
    source = models.CharField(_("source"), max_length=32, choices=PurposeSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by (staff)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The staff member who recorded an in-store or event consent (C7)."),
    )

    class Meta:
        verbose_name = _("purpose consent record")
        verbose_name_plural = _("purpose consent records")
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["user", "purpose", "recorded_at"], name="purpose_account_time"),
            models.Index(fields=["email_index", "purpose", "recorded_at"], name="purpose_email_time"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} · {self.get_source_display()} · {self.recorded_at:%Y-%m-%d %H:%M}"

    @property
    def purpose_label(self) -> str:
        """The purpose in words, in the active language (the key itself when the registry no longer has it)."""
        try:
            return get_purpose(self.purpose).label
        except UnknownPurpose:
            return self.purpose
