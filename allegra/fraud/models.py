"""What fraud screening keeps (U4): one assessment per order, and keyed hashes of the signals that velocity rules
count. Neither table holds an email address, a card token or an IP address: only HMACs of them with the blind-index
key (allegra.core.encryption.blind_index), which answer "seen before or not" and nothing else. Both are deleted
2 years after they were made (Retention.FRAUD_SIGNALS, `allegra.fraud.tasks.purge_fraud_records`)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FraudAssessment(models.Model):
    """The screening of one order at placement: its score, the rules it hit and, for a held order, the review."""

    class Decision(models.TextChoices):
        CLEAR = "clear", _("clear")
        HELD_FOR_REVIEW = "held_for_review", _("held for review")

    class ReviewDecision(models.TextChoices):
        APPROVE = "approve", _("approve")
        CANCEL = "cancel", _("cancel")

    order_reference = models.CharField(_("order reference"), max_length=64, unique=True)
    score = models.PositiveIntegerField(_("score"))
    # [{"rule": "email_velocity", "weight": 30, "values": {...}, "reason": "plain English"}, ...]
    hits = models.JSONField(_("rules hit"), default=list, blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, db_index=True)
    review_decision = models.CharField(
        _("review decision"), max_length=10, choices=ReviewDecision.choices, blank=True, default=""
    )
    # The reviewer as text ("email (public id)", as in the audit log), not a foreign key: the record stays
    # readable after a staff account is gone, and it does not make the row "belong" to the staff member.
    reviewed_by = models.CharField(_("reviewed by"), max_length=200, blank=True, default="")
    review_reason = models.TextField(_("reason"), blank=True, default="")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("assessed at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("fraud assessment")
        verbose_name_plural = _("fraud assessments")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.order_reference

    @property
    def is_pending_review(self) -> bool:
        return self.decision == self.Decision.HELD_FOR_REVIEW and not self.review_decision


class FraudSignal(models.Model):
    """One keyed hash seen at an order (email, card token, IP network) or at a declined payment."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("email address")
        CARD = "card", _("card")
        IP = "ip", _("IP network")
        DECLINE = "decline", _("declined payment")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # HMAC-SHA256 (hex) of the value; a decline is stored once per value it came with (email, card, network),
    # hashed exactly as the order signals are, so a later order finds the declines of its own values.
    value_hash = models.CharField(_("keyed hash"), max_length=64)
    created_at = models.DateTimeField(_("seen at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("fraud signal")
        verbose_name_plural = _("fraud signals")
        indexes = [models.Index(fields=["kind", "value_hash", "created_at"], name="fraud_signal_lookup")]

    def __str__(self) -> str:
        return f"{self.kind} {self.value_hash[:12]}"
