"""C4 at the level of orders: guests and a customer place orders through the checkout pages and pay them with
the test cards (a decline then another card, 3-D Secure passed and failed, the provider's error), the webhooks
arrive, one order is refunded from the back office's service; then every cell of every table (both engines,
whichever the suite runs on) and every log line are searched for the card numbers and the security codes."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from allegra.orders.models import Order, OrderState
from allegra.payments import services
from allegra.payments.models import Payment
from tests.checkout.test_views import add, order_url, place
from tests.payments.conftest import CHALLENGE, DECLINE, PROVIDER_ERROR, SUCCESS, browser_token, pay
from tests.payments.test_card_data import AMEX, AMEX_CVC, CVC, every_cell, every_log_line, needles  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.policy("C4")]


def new_order(shop, email: str, client: Client | None = None) -> tuple[Client, Order]:
    client = client or Client()
    add(client, shop["R-S54"])
    place(client, email=email)
    order = Order.objects.get(email=email)
    client.get(order_url(order))
    return client, order


def payment_of(order: Order) -> Payment:
    return Payment.objects.get(payable=order.number)


def test_orders_paid_with_every_test_card_leave_no_card_data_anywhere(
    shop,
    customer,
    customer_client,
    deliver_webhooks,
    every_log_line,  # noqa: F811
):
    client, order = new_order(shop, "paid@example.com")
    pay(client, payment_of(order), browser_token(client, SUCCESS, CVC))

    client, declined = new_order(shop, "declined@example.com")
    pay(client, payment_of(declined), browser_token(client, DECLINE, CVC))
    pay(client, payment_of(declined), browser_token(client, AMEX, AMEX_CVC))

    for outcome in ("pass", "fail"):
        client, challenged = new_order(shop, f"3ds-{outcome}@example.com")
        challenge = pay(client, payment_of(challenged), browser_token(client, CHALLENGE, CVC))["Location"]
        client.get(client.post(challenge, {"outcome": outcome})["Location"])

    client, erred = new_order(shop, "error@example.com")
    pay(client, payment_of(erred), browser_token(client, PROVIDER_ERROR, CVC))

    _client, mine = new_order(shop, customer.email, customer_client)
    pay(customer_client, payment_of(mine), browser_token(customer_client, SUCCESS, CVC))
    assert deliver_webhooks()

    manager = get_user_model().objects.create_user("manager@allegra.example", "x-pass-2026-long", is_staff=True)
    services.refund(payment=payment_of(order), amount_cents=2_000, reason="a stone was loose", actor=manager)
    deliver_webhooks()

    states = dict(Order.objects.values_list("email", "state"))
    assert states["paid@example.com"] == OrderState.PARTLY_REFUNDED
    assert states["declined@example.com"] == states[customer.email] == states["3ds-pass@example.com"] == "paid"
    assert states["3ds-fail@example.com"] == states["error@example.com"] == OrderState.PENDING_PAYMENT

    cells = every_cell()
    assert any(table == "orders_order" for table, _ in cells) and any(table == "psp_card" for table, _ in cells)
    assert [(what, table) for table, text in cells for what, pattern in needles() if pattern.search(text)] == []
    lines = every_log_line()
    assert [(what, line[:120]) for line in lines for what, pattern in needles() if pattern.search(line)] == []
