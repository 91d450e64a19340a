"""No oversell (U1): many buyers at once for the last pieces, each from its own database connection."""

from __future__ import annotations

import threading
import uuid

import pytest

from allegra.cart.models import CartLine
from allegra.catalog.models import Variant
from allegra.checkout.services import SoldOut, place_order
from allegra.orders.models import Order, OrderLine, OrderState
from allegra.orders.services import ContactInput
from tests.checkout.conftest import ADDRESS
from tests.payments.conftest import SUCCESS, browser_token, pay

BUYERS = 50
UNITS = 5


@pytest.mark.postgres
@pytest.mark.policy("U1")
@pytest.mark.django_db(transaction=True)
def test_fifty_buyers_for_the_last_five_pieces(client, shop, make_cart):
    variant = shop["R-S54"]
    carts = [make_cart((variant, 1)) for _ in range(BUYERS)]  # each buyer put one in the cart while 20 were left
    Variant.objects.filter(pk=variant.pk).update(stock=UNITS)
    start = threading.Barrier(BUYERS)
    placed, sold_out, errors = [], [], []

    def buy(index: int, cart) -> None:
        from django.db import connection as thread_connection

        try:
            start.wait()
            placed.append(
                place_order(
                    cart=cart,
                    contact=ContactInput(email=f"buyer{index}@example.com"),
                    shipping_address=ADDRESS,
                    billing_address=ADDRESS,
                    shipping_method="courier",
                    user=None,
                    language="en",
                    idempotency_key=uuid.uuid4().hex,
                    marketing_opt_out=None,
                )
            )
        except SoldOut as refusal:
            sold_out.append(str(refusal))
        except BaseException as error:  # reported to the main thread below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=buy, args=(index, cart)) for index, cart in enumerate(carts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert (len(placed), len(sold_out)) == (UNITS, BUYERS - UNITS)
    assert Variant.objects.get(pk=variant.pk).stock == 0
    # Nothing half-written: every order has its one line, every refused buyer kept their cart and got no order.
    assert Order.objects.count() == UNITS and OrderLine.objects.count() == UNITS
    assert set(OrderLine.objects.values_list("quantity", flat=True)) == {1}
    assert CartLine.objects.count() == BUYERS - UNITS
    # The five pay with a test card: exactly five paid orders.
    for item in placed:
        assert item.payment is not None
        pay(client, item.payment, browser_token(client, SUCCESS))
    assert Order.objects.filter(state=OrderState.PAID).count() == UNITS


@pytest.mark.postgres
@pytest.mark.policy("U1")
@pytest.mark.django_db(transaction=True)
def test_a_checkout_posted_ten_times_at_once_places_one_order(shop, make_cart):
    variant = shop["R-G52"]
    cart = make_cart((variant, 2))
    key = uuid.uuid4().hex
    clicks = 10
    start = threading.Barrier(clicks)
    numbers, errors = [], []

    def click() -> None:
        from django.db import connection as thread_connection

        try:
            start.wait()
            placed = place_order(
                cart=cart,
                contact=ContactInput(email="eleni@example.com"),
                shipping_address=ADDRESS,
                billing_address=ADDRESS,
                shipping_method="courier",
                user=None,
                language="en",
                idempotency_key=key,
                marketing_opt_out=None,
            )
            numbers.append(placed.order.number)
        except BaseException as error:  # reported to the main thread below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=click) for _ in range(clicks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert len(numbers) == clicks and len(set(numbers)) == 1
    assert Order.objects.count() == 1 and Variant.objects.get(pk=variant.pk).stock == 1
