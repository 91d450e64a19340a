"""No discrimination for exercising a right (R3.equal): a customer who restricted the processing of their data sees
the same prices, cart totals and delivery fees as any other customer, and checks out exactly like them."""

# ruff: noqa: F811 - fixtures are imported by name and used as arguments
from __future__ import annotations

import re

import pytest
from django.test import Client

from allegra.orders.models import Order
from allegra.privacy.restriction import is_restricted, restrict
from tests.accounts.conftest import customer, other_customer  # noqa: F401
from tests.cart.conftest import shop  # noqa: F401 - the shared small shop
from tests.catalog.conftest import make_category, make_product, variant_spec  # noqa: F401
from tests.checkout.test_views import CHECKOUT, add, guest_details

pytestmark = [pytest.mark.policy("R3.equal"), pytest.mark.django_db]

# An amount of money as the pages show it ("€95.50", "95,50 €"), after non-breaking spaces are dropped.
MONEY = re.compile(r"€\s?\d[\d.,]*|\d[\d.,]*\s?€")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def amounts(response) -> list[str]:
    assert response.status_code == 200
    return MONEY.findall(response.content.decode().replace("\xa0", "").replace("&nbsp;", ""))


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def what_a_customer_sees(client: Client, shop) -> dict:
    seen = {"product": amounts(client.get("/en/p/aegean-ring/"))}
    add(client, shop["R-S54"])
    add(client, shop["R-G52"])
    seen["cart"] = amounts(client.get("/en/cart/"))
    seen["checkout"] = amounts(client.get(CHECKOUT))
    return seen


def test_a_restricted_customer_sees_the_same_prices_totals_and_fees(customer, other_customer, shop):
    restrict(user=customer, by=customer, reason="I dispute my data")
    assert is_restricted(user=customer)

    restricted = what_a_customer_sees(signed_in(customer), shop)
    unrestricted = what_a_customer_sees(signed_in(other_customer), shop)

    assert restricted == unrestricted
    # The pages do show the prices compared: the two pieces, their sum and a delivery fee option.
    assert any("95.50" in amount for amount in restricted["product"])
    assert any("575.50" in amount for amount in restricted["checkout"])
    assert any("575.50" in amount for amount in restricted["cart"])


@pytest.mark.parametrize("shipping_method", ["courier", "locker"])
def test_a_restricted_customer_checks_out_exactly_like_another(
    customer, other_customer, shop, settings, shipping_method
):
    settings.CHECKOUT_FREE_SHIPPING_FROM = "1000.00"  # a delivery fee applies to both
    restrict(user=customer, by=customer)
    orders = {}
    for user in (customer, other_customer):
        client = signed_in(user)
        add(client, shop["R-S54"])
        page = client.get(CHECKOUT)
        key = re.search(r'name="idempotency_key" value="([^"]+)"', page.content.decode()).group(1)
        response = client.post(CHECKOUT, guest_details(key, email=user.email, shipping_method=shipping_method))
        assert response.status_code in (302, 303), response.content.decode()[:2000]
        orders[user.pk] = Order.objects.get(user=user)

    mine, theirs = orders[customer.pk], orders[other_customer.pk]
    assert (mine.total, mine.shipping_fee, mine.state) == (theirs.total, theirs.shipping_fee, theirs.state)
    assert mine.shipping_fee > 0
