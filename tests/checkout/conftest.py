"""Fixtures for checkout: the cart tests' small shop, carts filled through the cart's own service, and the
address and contact a shopper types in."""

from __future__ import annotations

import itertools
import uuid

import pytest

from allegra.cart.models import Cart
from allegra.cart.services import add_to_cart
from allegra.checkout import services
from allegra.orders.services import AddressInput, ContactInput
from tests.accounts.conftest import customer, customer_client, other_customer  # noqa: F401
from tests.cart.conftest import shop  # noqa: F401 - the shared small shop
from tests.catalog.conftest import make_category, make_collection, make_product, variant_spec  # noqa: F401
from tests.payments.conftest import deliver_webhooks  # noqa: F401

_carts = itertools.count(1)

ADDRESS = AddressInput(
    recipient_name="Ελένη Παπαδοπούλου", street="Ερμού", number="12", city="Αθήνα", postcode="10563", country="GR"
)
CONTACT = ContactInput(email="eleni@example.com", phone="+30 210 1234567")


@pytest.fixture
def make_cart(db):
    def make(*items, owner=None):
        cart = Cart.objects.create(owner=owner) if owner else Cart.objects.create(session_key=f"guest-{next(_carts)}")
        for variant, quantity in items:
            add_to_cart(cart=cart, variant=variant, quantity=quantity)
        return cart

    return make


@pytest.fixture
def place(db):
    """place_order with a guest's details unless told otherwise."""

    def run(cart, **overrides):
        arguments = {
            "cart": cart,
            "contact": CONTACT,
            "shipping_address": ADDRESS,
            "billing_address": ADDRESS,
            "shipping_method": "courier",
            "user": None,
            "language": "en",
            "idempotency_key": uuid.uuid4().hex,
            "marketing_opt_out": None,
            **overrides,
        }
        return services.place_order(**arguments)

    return run


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
