"""The gateway for the bundled test payment provider, spoken to over its HTTP API (allegra/payments/client.py)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from allegra.payments import client, conf
from allegra.payments.gateway import (
    CardSummary,
    GatewayError,
    InvalidWebhook,
    ProviderEvent,
    ProviderPayment,
    ProviderRefund,
    ProviderUnavailable,
)


def _status(intent: dict) -> str:
    status = intent.get("status")
    if status == "succeeded":
        refunded, amount = intent.get("amount_refunded", 0), intent.get("amount", 0)
        if refunded and refunded >= amount:
            return "refunded"
        return "partly_refunded" if refunded else "succeeded"
    if status == "requires_payment_method":
        return "failed" if intent.get("last_error") else "requires_payment_method"
    if status in ("requires_action", "processing"):
        return status
    return "failed"


def _payment(intent: dict) -> ProviderPayment:
    card = intent.get("card") or None
    action = intent.get("next_action") or {}
    redirect = action.get("url", "") if action.get("type") == "redirect_to_url" else ""
    if redirect.startswith("/"):
        redirect = conf.public_url().removesuffix("/psp") + redirect
    return ProviderPayment(
        id=intent["id"],
        status=_status(intent),
        amount_cents=intent.get("amount", 0),
        amount_refunded_cents=intent.get("amount_refunded", 0),
        failure_code=intent.get("last_error") or "",
        redirect_url=redirect,
        card=CardSummary(
            token=card["token"],
            brand=card["brand"],
            last4=card["last4"],
            exp_month=card["exp_month"],
            exp_year=card["exp_year"],
            fingerprint=card.get("fingerprint", ""),
        )
        if card
        else None,
    )


def _call(method: str, path: str, **kwargs) -> tuple[int, dict]:
    try:
        status, body = client.call(method, path, **kwargs)
    except client.Unreachable:
        raise ProviderUnavailable("provider_unreachable") from None
    if status >= 500:
        raise ProviderUnavailable((body.get("error") or {}).get("code", "provider_error"))
    return status, body


def _raise_for(status: int, body: dict) -> None:
    if status >= 400:
        raise GatewayError((body.get("error") or {}).get("code", f"http_{status}"))


class TestPspGateway:
    def create_payment(self, *, amount_cents, currency, reference, idempotency_key, return_url, webhook_url):
        status, body = _call(
            "POST",
            "/v1/payment_intents",
            idempotency_key=idempotency_key,
            body={
                "amount": amount_cents,
                "currency": currency,
                "reference": reference,
                "return_url": return_url,
                "webhook_url": webhook_url,
            },
        )
        _raise_for(status, body)
        return _payment(body)

    def confirm(self, *, payment_id, token, return_url):
        status, body = _call(
            "POST", f"/v1/payment_intents/{payment_id}/confirm", body={"token": token, "return_url": return_url}
        )
        if status == 402 and "id" in body:  # declined: the intent comes back with the reason
            return _payment(body)
        _raise_for(status, body)
        return _payment(body)

    def retrieve(self, *, payment_id):
        status, body = _call("GET", f"/v1/payment_intents/{payment_id}")
        _raise_for(status, body)
        return _payment(body)

    def refund(self, *, payment_id, amount_cents, idempotency_key):
        status, body = _call(
            "POST",
            "/v1/refunds",
            idempotency_key=idempotency_key,
            body={"payment_intent": payment_id, "amount": amount_cents},
        )
        _raise_for(status, body)
        return ProviderRefund(id=body["id"], amount_cents=body["amount"], payment_id=body["payment_intent"])

    def verify_webhook(self, *, body, signature_header, now=None):
        parts = dict(item.split("=", 1) for item in (signature_header or "").split(",") if "=" in item)
        try:
            timestamp = int(parts.get("t", ""))
        except ValueError:
            raise InvalidWebhook("bad_signature", "The signature header is malformed.") from None
        expected = hmac.new(conf.webhook_secret().encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
        if not hmac.compare_digest(expected.hexdigest(), parts.get("v1", "")):
            raise InvalidWebhook("bad_signature", "The signature does not match.")
        if abs((now if now is not None else time.time()) - timestamp) > conf.WEBHOOK_TOLERANCE_SECONDS:
            raise InvalidWebhook("stale", "The event is too old.")
        try:
            event = json.loads(body)
            data = event["data"]
            refund = data.get("refund")
            return ProviderEvent(
                id=str(event["id"]),
                type=str(event["type"]),
                created=int(event["created"]),
                payment=_payment(data["object"]),
                refund=ProviderRefund(
                    id=refund["id"], amount_cents=refund["amount"], payment_id=refund["payment_intent"]
                )
                if refund
                else None,
                raw=event,
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            raise InvalidWebhook("malformed", "The event is not in the expected form.") from None
