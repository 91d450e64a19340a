"""Fixtures for the shop's payments: a browser tokenizing a card at the provider, payments started as checkout
will start them, and the provider's webhooks delivered on demand (as its task would)."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest

from allegra.payments import handlers, services
from allegra.psp.models import Event
from allegra.psp.webhooks import deliver

BASE_URL = "http://testserver"
# An English page: the messages the payment views leave are written in the language of the page returned to.
RETURN_URL = "/en/orders/thanks/"
CVC = "753"
EXP_YEAR = date.today().year + 3

SUCCESS = "4242 4242 4242 4242"
DECLINE = "4000 0000 0000 0002"
INSUFFICIENT = "4000 0000 0000 9995"
CHALLENGE = "4000 0000 0000 3220"
PROVIDER_ERROR = "4000 0000 0000 0119"


def browser_token(client, number: str, cvc: str = CVC) -> str:
    """What payments.js does: the card fields as JSON to the provider's tokenization endpoint."""
    body = {"number": number, "exp_month": "08", "exp_year": str(EXP_YEAR), "cvc": cvc, "name": "Eleni Papadaki"}
    response = client.post("/psp/tokens", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


@pytest.fixture
def start(db):
    def make(payable: str = "A-1001", amount_cents: int = 12_500, key: str | None = None, return_url: str = RETURN_URL):
        return services.start_payment(
            payable=payable,
            amount_cents=amount_cents,
            idempotency_key=key or uuid.uuid4().hex,
            return_url=return_url,
            base_url=BASE_URL,
        )

    return make


@pytest.fixture
def deliver_webhooks(db):
    """Delivers every event the provider has not delivered yet; returns the shop's HTTP answers."""

    def run() -> list[int]:
        return [deliver(event.event_id) for event in Event.objects.filter(delivered_at=None).order_by("id")]

    return run


@pytest.fixture
def heard():
    """The payment changes a subscriber (orders, later) hears about."""
    changes: list = []

    def listener(change):
        changes.append((change.payment.payable, change.before, change.after))

    handlers.register(listener)
    yield changes
    handlers.unregister(listener)


def pay(client, payment, token: str):
    return client.post(f"/payments/{payment.public_id}/pay", {"token": token})
