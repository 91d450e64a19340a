"""Orders for the tests: placed through the service, as checkout will place them."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from allegra.orders.services import AddressInput, ContactInput, OrderLineInput, create_order
from tests.accounts.conftest import customer, customer_client, other_customer, other_customer_client  # noqa: F401
from tests.backoffice.conftest import make_staff, roles  # noqa: F401

_keys = itertools.count(1)

ADDRESS = AddressInput(
    recipient_name="Ελένη Παπαδοπούλου", street="Ερμού", number="12", city="Αθήνα", postcode="10563", country="GR"
)


def line(sku: str = "RING-1", price: str = "120.00", quantity: int = 1) -> OrderLineInput:
    return OrderLineInput(
        sku=sku, name_el=f"Δαχτυλίδι {sku}", name_en=f"Ring {sku}", unit_price=Decimal(price), quantity=quantity
    )


@pytest.fixture
def make_order(db):
    def make(*, user=None, email: str = "eleni@example.com", language: str = "el", lines=None, key=None, **extra):
        return create_order(
            lines=[line()] if lines is None else lines,
            contact=ContactInput(email=email, phone="+30 210 1234567"),
            shipping_address=ADDRESS,
            billing_address=ADDRESS,
            shipping_method=extra.pop("shipping_method", "courier"),
            shipping_fee=extra.pop("shipping_fee", Decimal("0.00")),
            user=user,
            language=language,
            idempotency_key=key or f"test-key-{next(_keys)}",
        )

    return make


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Argon2 is deliberately slow; these tests are about orders, not password hashes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
