"""The provider's own records (tables psp_*). The shop never reads them: it sees only the provider's API."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(18)}"


class Card(models.Model):
    """A tokenized card: what a provider needs to charge it again, and never the number or the CVC."""

    token = models.CharField(max_length=40, unique=True)
    fingerprint = models.CharField(max_length=64, db_index=True)  # HMAC-SHA256 of the number, keyed
    brand = models.CharField(max_length=20)
    last4 = models.CharField(max_length=4)
    exp_month = models.PositiveSmallIntegerField()
    exp_year = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=30)  # the test card's behaviour, decided at tokenization
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.token


class PaymentIntent(models.Model):
    class Status(models.TextChoices):
        REQUIRES_PAYMENT_METHOD = "requires_payment_method"
        REQUIRES_ACTION = "requires_action"
        PROCESSING = "processing"
        SUCCEEDED = "succeeded"
        CANCELED = "canceled"

    intent_id = models.CharField(max_length=40, unique=True)
    amount = models.PositiveIntegerField()  # cents
    currency = models.CharField(max_length=3)
    reference = models.CharField(max_length=100)
    return_url = models.CharField(max_length=500, blank=True)
    webhook_url = models.CharField(max_length=500, blank=True)
    idempotency_key = models.CharField(max_length=100, unique=True)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.REQUIRES_PAYMENT_METHOD)
    card = models.ForeignKey(Card, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    last_error_code = models.CharField(max_length=40, blank=True)
    amount_refunded = models.PositiveIntegerField(default=0)
    challenge_secret = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.intent_id


class Refund(models.Model):
    refund_id = models.CharField(max_length=40, unique=True)
    intent = models.ForeignKey(PaymentIntent, on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveIntegerField()
    idempotency_key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.refund_id


class Event(models.Model):
    """A webhook event, kept with its delivery attempts so a failed delivery can be retried."""

    event_id = models.CharField(max_length=40, unique=True)
    type = models.CharField(max_length=40)
    data = models.JSONField()
    webhook_url = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return self.event_id
