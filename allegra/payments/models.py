"""Payments, refunds and the webhook events received. C4: of a card, only the provider's token, the brand, the
last 4 digits and the expiry are kept; never the number, never the CVC."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Payment(models.Model):
    class Status(models.TextChoices):
        REQUIRES_PAYMENT_METHOD = "requires_payment_method", _("awaiting card")
        REQUIRES_ACTION = "requires_action", _("awaiting 3-D Secure")
        PROCESSING = "processing", _("processing")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")
        REFUNDED = "refunded", _("refunded")
        PARTLY_REFUNDED = "partly_refunded", _("partly refunded")

    public_id = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    payable = models.CharField(_("paid for"), max_length=64, db_index=True, help_text=_("e.g. an order number"))
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.REQUIRES_PAYMENT_METHOD
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    return_url = models.CharField(_("return address"), max_length=500)
    provider = models.CharField(_("provider"), max_length=30, default="test_psp")
    provider_payment_id = models.CharField(_("provider's payment ID"), max_length=64, unique=True)
    provider_token_id = models.CharField(_("provider's card token"), max_length=64, blank=True)
    card_brand = models.CharField(_("card brand"), max_length=20, blank=True)
    card_last4 = models.CharField(_("card last 4 digits"), max_length=4, blank=True)
    card_exp_month = models.PositiveSmallIntegerField(_("card expiry month"), null=True, blank=True)
    card_exp_year = models.PositiveSmallIntegerField(_("card expiry year"), null=True, blank=True)
    # Same card, same fingerprint (the provider's keyed hash, not reversible here): for fraud rules on a card.
    card_fingerprint = models.CharField(_("card fingerprint"), max_length=64, blank=True, db_index=True)
    failure_code = models.CharField(_("failure code"), max_length=40, blank=True)
    amount_refunded_cents = models.PositiveIntegerField(_("refunded (cents)"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_refunded_cents__lte=models.F("amount_cents")),
                name="payments_refunds_within_amount",
            )
        ]

    def __str__(self) -> str:
        return f"{self.payable} · {self.amount_cents / 100:.2f} {self.currency} · {self.get_status_display()}"

    @property
    def refundable_cents(self) -> int:
        if self.status not in (self.Status.SUCCEEDED, self.Status.PARTLY_REFUNDED):
            return 0
        return self.amount_cents - self.amount_refunded_cents


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SUCCEEDED = "succeeded", _("succeeded")

    public_id = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    payment = models.ForeignKey(Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refunds")
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    # NULL until the provider answers: several pending refunds must not collide on an empty string.
    provider_refund_id = models.CharField(_("provider's refund ID"), max_length=64, unique=True, null=True)  # noqa: DJ001
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.amount_cents / 100:.2f} · {self.get_status_display()}"


class WebhookEvent(models.Model):
    """Each provider event once: a replay or a second delivery of the same event finds its row and changes nothing."""

    provider_event_id = models.CharField(_("provider's event ID"), max_length=64, unique=True)
    type = models.CharField(_("type"), max_length=40)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")

    def __str__(self) -> str:
        return self.provider_event_id
