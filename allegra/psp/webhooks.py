"""Signed webhooks: built when something happens to a payment, delivered asynchronously by a task."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

from django.db import transaction
from django.test import RequestFactory
from django.urls import Resolver404, resolve
from django.utils import timezone
from django_tasks import task

from allegra.psp import conf
from allegra.psp.models import Event, PaymentIntent, new_id

logger = logging.getLogger(__name__)


def signature_header(*, body: bytes, timestamp: int, secret: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def intent_data(intent: PaymentIntent) -> dict:
    """The intent as the API and the webhooks show it."""
    card = intent.card
    return {
        "id": intent.intent_id,
        "object": "payment_intent",
        "amount": intent.amount,
        "currency": intent.currency,
        "reference": intent.reference,
        "status": intent.status,
        "amount_refunded": intent.amount_refunded,
        "last_error": intent.last_error_code or None,
        "card": (
            {
                "token": card.token,
                "fingerprint": card.fingerprint,
                "brand": card.brand,
                "last4": card.last4,
                "exp_month": card.exp_month,
                "exp_year": card.exp_year,
            }
            if card
            else None
        ),
    }


def emit(*, intent: PaymentIntent, type: str, extra: dict | None = None) -> Event | None:
    """Records an event and, once the transaction commits, queues its delivery."""
    if not intent.webhook_url:
        return None
    data = {"object": intent_data(intent), **(extra or {})}
    event = Event.objects.create(event_id=new_id("evt"), type=type, data=data, webhook_url=intent.webhook_url)
    transaction.on_commit(lambda: deliver_event.enqueue(event.event_id))
    return event


def event_body(event: Event) -> bytes:
    payload = {
        "id": event.event_id,
        "type": event.type,
        "created": int(event.created_at.timestamp()),
        "data": event.data,
    }
    return json.dumps(payload, separators=(",", ":")).encode()


def deliver(event_id: str, *, now: int | None = None) -> int:
    """POSTs one event to the shop, signed; returns the HTTP status the shop answered (0: unreachable)."""
    event = Event.objects.get(event_id=event_id)
    body = event_body(event)
    header = signature_header(body=body, timestamp=int(now or time.time()), secret=conf.webhook_secret())
    status = _post(event.webhook_url, body, header)
    event.attempts += 1
    event.last_status = status
    if 200 <= status < 300:
        event.delivered_at = timezone.now()
    event.save(update_fields=["attempts", "last_status", "delivered_at"])
    logger.info("psp webhook %s %s -> %s", event.event_id, event.type, status)
    return status


def _post(url: str, body: bytes, signature: str) -> int:
    if conf.deliver_over_http():
        request = urllib.request.Request(  # noqa: S310 - the shop's own https webhook URL
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "PSP-Signature": signature},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status
        except OSError:
            return 0
    # Same process: hand the request to the shop's view as the web server would (URL routing, raw body).
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return 404
    request = RequestFactory().post(
        parts.path,
        data=body,
        content_type="application/json",
        HTTP_PSP_SIGNATURE=signature,
        HTTP_HOST=parts.netloc or "localhost",
    )
    return match.func(request, *match.args, **match.kwargs).status_code


# A shop that does not answer 2xx is called again later, like real providers do (about 1 h 45 min in all).
RETRY_DELAYS_MINUTES = (1, 5, 15, 30, 60)


@task()
def deliver_event(event_id: str) -> int:
    """Delivers one event; on failure queues the next attempt until RETRY_DELAYS_MINUTES are spent."""
    status = deliver(event_id)
    attempts = Event.objects.filter(event_id=event_id).values_list("attempts", flat=True).first() or 0
    if not 200 <= status < 300 and attempts <= len(RETRY_DELAYS_MINUTES):
        delay = timedelta(minutes=RETRY_DELAYS_MINUTES[attempts - 1])
        deliver_event.using(run_after=timezone.now() + delay).enqueue(event_id)
    return status
