"""What the provider does: tokenize a card, create and confirm payment intents, pass or fail a 3-D Secure
challenge, refund. Errors are `PspError` with an HTTP status and a machine code, as a real API answers."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from allegra.psp import cards, conf
from allegra.psp.models import Card, PaymentIntent, Refund, new_id
from allegra.psp.webhooks import emit

Status = PaymentIntent.Status
MAX_AMOUNT = 99_999_999  # cents


@dataclass
class PspError(Exception):
    status: int
    code: str
    message: str

    def as_json(self) -> dict:
        return {"error": {"code": self.code, "message": self.message}}


def tokenize(*, number: str, exp_month, exp_year, cvc: str, name: str) -> Card:
    """Checks a card and keeps only its token, fingerprint, brand, last 4 and expiry (never number or CVC)."""
    digits = cards.normalise(number)
    if not (12 <= len(digits) <= 19) or not cards.luhn_valid(digits):
        raise PspError(400, "invalid_number", "The card number is not valid.")
    brand = cards.brand_of(digits)
    if not brand:
        raise PspError(400, "unsupported_brand", "This card brand is not accepted.")
    try:
        month, year = int(exp_month), int(exp_year)
    except (TypeError, ValueError):
        raise PspError(400, "invalid_expiry", "The expiry date is not valid.") from None
    if year < 100:
        year += 2000
    today = timezone.localdate()
    if not 1 <= month <= 12 or not today.year <= year <= today.year + 20 or (year, month) < (today.year, today.month):
        raise PspError(400, "invalid_expiry", "The expiry date is not valid or has passed.")
    cvc = (cvc or "").strip()
    if not (cvc.isdigit() and len(cvc) == (4 if brand == "amex" else 3)):
        raise PspError(400, "invalid_cvc", "The security code is not valid.")
    if not (name or "").strip():
        raise PspError(400, "invalid_name", "The cardholder's name is missing.")
    fingerprint = hmac.new(conf.fingerprint_key(), digits.encode(), hashlib.sha256).hexdigest()
    return Card.objects.create(
        token=new_id("tok"),
        fingerprint=fingerprint,
        brand=brand,
        last4=digits[-4:],
        exp_month=month,
        exp_year=year,
        outcome=cards.outcome_of(digits),
    )


def _amount(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_AMOUNT:
        raise PspError(400, "invalid_amount", "The amount must be a whole number of cents, 1 or more.")
    return value


def create_intent(
    *, amount, currency: str, reference: str, return_url: str, webhook_url: str, idempotency_key: str
) -> tuple[PaymentIntent, bool]:
    """Creates an intent, or returns the one already made with this idempotency key (created=False)."""
    amount = _amount(amount)
    if (currency or "").upper() != "EUR":
        raise PspError(400, "invalid_currency", "Only EUR is accepted.")
    if not idempotency_key or len(idempotency_key) > 100:
        raise PspError(400, "idempotency_key_required", "An Idempotency-Key header (up to 100 characters) is needed.")
    if not reference or len(reference) > 100 or len(return_url or "") > 500 or len(webhook_url or "") > 500:
        raise PspError(400, "invalid_request", "reference, return_url or webhook_url is missing or too long.")
    with transaction.atomic():
        existing = PaymentIntent.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            try:
                with transaction.atomic():
                    intent = PaymentIntent.objects.create(
                        intent_id=new_id("pi"),
                        amount=amount,
                        currency="EUR",
                        reference=reference,
                        return_url=return_url or "",
                        webhook_url=webhook_url or "",
                        idempotency_key=idempotency_key,
                    )
                return intent, True
            except IntegrityError:  # a concurrent request with the same key won the insert
                existing = PaymentIntent.objects.get(idempotency_key=idempotency_key)
    if (existing.amount, existing.reference) != (amount, reference):
        raise PspError(409, "idempotency_key_reused", "This idempotency key was used for a different payment.")
    return existing, False


def get_intent(intent_id: str, *, for_update: bool = False) -> PaymentIntent:
    query = PaymentIntent.objects.select_related("card")
    if for_update:
        query = query.select_for_update(of=("self",))
    intent = query.filter(intent_id=intent_id).first()
    if intent is None:
        raise PspError(404, "resource_missing", "No such payment intent.")
    return intent


def _fail(intent: PaymentIntent, code: str) -> None:
    intent.status = Status.REQUIRES_PAYMENT_METHOD
    intent.last_error_code = code
    intent.challenge_secret = ""
    intent.save()
    emit(intent=intent, type="payment.failed")


def _succeed(intent: PaymentIntent) -> None:
    intent.status = Status.SUCCEEDED
    intent.last_error_code = ""
    intent.challenge_secret = ""
    intent.save()
    emit(intent=intent, type="payment.succeeded")


@transaction.atomic
def confirm(*, intent_id: str, token: str, return_url: str = "") -> PaymentIntent:
    """Charges the tokenized card. The outcome follows the test card; a challenge card waits for the shopper."""
    intent = get_intent(intent_id, for_update=True)
    if intent.status == Status.SUCCEEDED:
        return intent  # confirming twice charges once
    if intent.status not in (Status.REQUIRES_PAYMENT_METHOD, Status.REQUIRES_ACTION):
        raise PspError(409, "payment_intent_unexpected_state", f"The payment is {intent.status}.")
    card = Card.objects.filter(token=token or "").first()
    if card is None:
        raise PspError(400, "invalid_token", "No such card token.")
    today = timezone.localdate()
    if (card.exp_year, card.exp_month) < (today.year, today.month):
        raise PspError(402, "expired_card", "The card has expired.")
    if card.outcome == cards.PROCESSING_ERROR:
        raise PspError(502, "processing_error", "The card network did not answer. Nothing was charged.")
    intent.card = card
    if return_url:
        intent.return_url = return_url[:500]
    if card.outcome == cards.CHALLENGE:
        intent.status = Status.REQUIRES_ACTION
        intent.challenge_secret = secrets.token_urlsafe(24)
        intent.last_error_code = ""
        intent.save()
    elif card.outcome in (cards.DECLINE, cards.INSUFFICIENT_FUNDS):
        _fail(intent, card.outcome)
    else:
        _succeed(intent)
    return intent


@transaction.atomic
def answer_challenge(*, intent_id: str, secret: str, passed: bool) -> PaymentIntent:
    intent = get_intent(intent_id, for_update=True)
    if intent.status != Status.REQUIRES_ACTION or not hmac.compare_digest(intent.challenge_secret, secret or ""):
        raise PspError(404, "resource_missing", "No such challenge.")
    if passed:
        _succeed(intent)
    else:
        _fail(intent, "authentication_failed")
    return intent


def refund(*, intent_id: str, amount, idempotency_key: str) -> Refund:
    """Refunds part or all of a succeeded payment; the refunds never add up to more than was captured."""
    if not idempotency_key or len(idempotency_key) > 100:
        raise PspError(400, "idempotency_key_required", "An Idempotency-Key header (up to 100 characters) is needed.")
    existing = Refund.objects.filter(idempotency_key=idempotency_key).select_related("intent").first()
    if existing is not None:
        return existing
    amount = _amount(amount)
    with transaction.atomic():
        intent = get_intent(intent_id, for_update=True)
        if intent.status != Status.SUCCEEDED:
            raise PspError(409, "charge_not_refundable", "Only a succeeded payment can be refunded.")
        if intent.amount_refunded + amount > intent.amount:
            raise PspError(400, "amount_too_large", "The refunds would exceed the amount captured.")
        created = Refund.objects.create(
            refund_id=new_id("re"), intent=intent, amount=amount, idempotency_key=idempotency_key
        )
        PaymentIntent.objects.filter(pk=intent.pk).update(amount_refunded=F("amount_refunded") + amount)
        intent.refresh_from_db()
        emit(intent=intent, type="refund.succeeded", extra={"refund": refund_data(created)})
    return created


def refund_data(item: Refund) -> dict:
    return {
        "id": item.refund_id,
        "object": "refund",
        "amount": item.amount,
        "payment_intent": item.intent.intent_id,
        "status": "succeeded",
    }
