"""Payments in the shop's words: start a payment for a payable, pay it with a card token, follow the provider's
webhooks, refund from the back office. Every write is in a transaction; provider calls carry idempotency keys."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from allegra.core.audit import Action, record_access
from allegra.payments import handlers
from allegra.payments.gateway import GatewayError, InvalidWebhook, ProviderPayment, ProviderUnavailable, get_gateway
from allegra.payments.models import Payment, Refund, WebhookEvent

logger = logging.getLogger(__name__)
Status = Payment.Status
PAYABLE_STATUSES = (Status.REQUIRES_PAYMENT_METHOD, Status.FAILED)


class PaymentError(Exception):
    """A payment request the shop refuses; the message is for the person (translated by the caller's view)."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or code)
        self.code = code


@dataclass(frozen=True)
class PayResult:
    payment: Payment
    redirect_url: str  # the 3-D Secure page, or the payment's return address


def webhook_url(*, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("payments:webhook")


def start_payment(
    *, payable: str, amount_cents: int, idempotency_key: str, return_url: str, base_url: str, currency: str = "EUR"
) -> Payment:
    """Creates the payment for a payable (an order number) at the provider and here; the same idempotency key
    returns the same payment. `return_url` is the shop page the shopper lands on afterwards; `base_url` is the
    shop's own https://host the provider calls back (webhooks)."""
    if not payable or len(payable) > 64:
        raise PaymentError("invalid_payable")
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents < 1:
        raise PaymentError("invalid_amount")
    existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if (existing.payable, existing.amount_cents) != (payable, amount_cents):
            raise PaymentError("idempotency_key_reused")
        return existing
    remote = get_gateway().create_payment(
        amount_cents=amount_cents,
        currency=currency,
        reference=payable,
        idempotency_key=idempotency_key,
        return_url="",
        webhook_url=webhook_url(base_url=base_url),
    )
    try:
        with transaction.atomic():
            return Payment.objects.create(
                payable=payable,
                amount_cents=amount_cents,
                currency=currency,
                idempotency_key=idempotency_key,
                return_url=return_url,
                provider_payment_id=remote.id,
                status=remote.status,
            )
    except IntegrityError:  # the same key, at the same moment: the provider answered both with one payment
        return Payment.objects.get(idempotency_key=idempotency_key)


def _apply(payment: Payment, remote: ProviderPayment) -> bool:
    """Brings the payment up to the provider's view; tells the handlers when the status or the refunded amount
    changed (a second partial refund leaves the status "partly refunded" but is news for the order). Locked
    row."""
    before = payment.status
    refunded_before = payment.amount_refunded_cents
    changed = []
    updates = {
        "status": remote.status,
        "amount_refunded_cents": remote.amount_refunded_cents,
        "failure_code": remote.failure_code,
    }
    if remote.card is not None:
        updates.update(
            provider_token_id=remote.card.token,
            card_brand=remote.card.brand,
            card_last4=remote.card.last4,
            card_exp_month=remote.card.exp_month,
            card_exp_year=remote.card.exp_year,
            card_fingerprint=remote.card.fingerprint,
        )
    for name, value in updates.items():
        if getattr(payment, name) != value:
            setattr(payment, name, value)
            changed.append(name)
    if not changed:
        return False
    payment.save(update_fields=[*changed, "updated_at"])
    if payment.status != before or payment.amount_refunded_cents != refunded_before:
        logger.info("payment %s %s -> %s", payment.public_id, before, payment.status)
        handlers.notify(handlers.PaymentChange(payment=payment, before=before, after=payment.status))
    return True


def _locked(payment: Payment) -> Payment:
    return Payment.objects.select_for_update().get(pk=payment.pk)


def pay_with_token(*, payment: Payment, token: str, return_url: str) -> PayResult:
    """Charges the card behind a provider token. `return_url` is the shop's address the 3-D Secure page sends the
    shopper back to. A payment already paid is not charged again."""
    if not token or len(token) > 64:
        raise PaymentError("invalid_token")
    with transaction.atomic():
        payment = _locked(payment)
        if payment.status not in PAYABLE_STATUSES:
            if payment.status == Status.REQUIRES_ACTION:
                remote = get_gateway().retrieve(payment_id=payment.provider_payment_id)
                return PayResult(payment=payment, redirect_url=remote.redirect_url or payment.return_url)
            return PayResult(payment=payment, redirect_url=payment.return_url)
        try:
            remote = get_gateway().confirm(payment_id=payment.provider_payment_id, token=token, return_url=return_url)
        except ProviderUnavailable:
            raise  # the view says "try again": nothing was charged and the card may be fine
        except GatewayError as error:
            raise PaymentError(error.code) from None
        _apply(payment, remote)
    if remote.status == Status.REQUIRES_ACTION and remote.redirect_url:
        return PayResult(payment=payment, redirect_url=remote.redirect_url)
    return PayResult(payment=payment, redirect_url=payment.return_url)


def refresh(*, payment: Payment) -> Payment:
    """Reads the payment back from the provider (the shopper returns from the 3-D Secure page)."""
    with transaction.atomic():
        payment = _locked(payment)
        try:
            remote = get_gateway().retrieve(payment_id=payment.provider_payment_id)
        except GatewayError as error:
            raise PaymentError(error.code) from None
        _apply(payment, remote)
    return payment


@dataclass(frozen=True)
class WebhookResult:
    event_id: str
    duplicate: bool
    changed: bool


def handle_webhook(*, body: bytes, signature_header: str, now: float | None = None) -> WebhookResult:
    """Verifies and applies one provider event, once. Raises InvalidWebhook (bad signature, stale, malformed)."""
    event = get_gateway().verify_webhook(body=body, signature_header=signature_header, now=now)
    with transaction.atomic():
        record, created = WebhookEvent.objects.get_or_create(
            provider_event_id=event.id[:64], defaults={"type": event.type[:40]}
        )
        if not created:
            record = WebhookEvent.objects.select_for_update().get(pk=record.pk)
            if record.processed_at is not None:
                return WebhookResult(event_id=event.id, duplicate=True, changed=False)
        payment = Payment.objects.select_for_update().filter(provider_payment_id=event.payment.id).first()
        changed = False
        if payment is not None:
            if event.refund is not None:
                Refund.objects.filter(provider_refund_id=event.refund.id).update(status=Refund.Status.SUCCEEDED)
            if _is_older_news(payment, event.payment):
                logger.info("payment webhook %s is older than what the shop knows; kept, not applied", event.id)
            else:
                changed = _apply(payment, event.payment)
        else:
            logger.warning("payment webhook %s for an unknown payment", event.id)
        record.processed_at = timezone.now()
        record.save(update_fields=["processed_at"])
    return WebhookResult(event_id=event.id, duplicate=False, changed=changed)


PAID = (Status.SUCCEEDED, Status.PARTLY_REFUNDED, Status.REFUNDED)


def _is_older_news(payment: Payment, remote: ProviderPayment) -> bool:
    """Webhooks may arrive late and out of order: a snapshot that would un-pay a paid payment or lower what was
    refunded describes an earlier moment and is not applied (a paid payment never becomes unpaid again)."""
    if payment.status in PAID and remote.status not in PAID:
        return True
    return remote.amount_refunded_cents < payment.amount_refunded_cents


def refund(*, payment: Payment, amount_cents: int, reason: str, actor) -> Refund:
    """Refunds part or all of a paid payment from the back office; the refunds never exceed what was paid. The
    staff member's action is written to the audit log (who, which payment, the reason)."""
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents < 1:
        raise PaymentError("invalid_amount")
    reason = (reason or "").strip()
    if not reason:
        raise PaymentError("reason_required")
    with transaction.atomic():
        payment = _locked(payment)
        if amount_cents > payment.refundable_cents:
            raise PaymentError("amount_too_large")
        item = Refund.objects.create(payment=payment, amount_cents=amount_cents, reason=reason[:500])
        try:
            remote = get_gateway().refund(
                payment_id=payment.provider_payment_id,
                amount_cents=amount_cents,
                idempotency_key=f"refund-{item.public_id}",
            )
        except GatewayError as error:
            raise PaymentError(error.code) from None
        item.provider_refund_id = remote.id
        item.status = Refund.Status.SUCCEEDED
        item.save(update_fields=["provider_refund_id", "status"])
        refunded = payment.amount_refunded_cents + amount_cents
        _apply(
            payment,
            ProviderPayment(
                id=payment.provider_payment_id,
                status=Status.REFUNDED if refunded >= payment.amount_cents else Status.PARTLY_REFUNDED,
                amount_cents=payment.amount_cents,
                amount_refunded_cents=refunded,
            ),
        )
        record_access(
            actor=actor,
            subject=payment.public_id,
            action=Action.CHANGE,
            fields=["refund", "amount_refunded_cents", "status"],
            reason=f"refund {amount_cents / 100:.2f} {payment.currency}: {reason}",
        )
    return item


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


__all__ = ["InvalidWebhook", "PayResult", "PaymentError", "WebhookResult"]
