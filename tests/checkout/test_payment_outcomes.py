"""What the payment's outcome does to the order (C4, U3): refunds from the back office reach the order; the
provider's webhook for an order already paid changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from allegra.orders.models import Invoice, OrderState
from allegra.payments import services as payments
from allegra.payments.models import Payment
from tests.payments.conftest import SUCCESS, browser_token, pay

pytestmark = [pytest.mark.django_db, pytest.mark.policy("C4")]


@pytest.fixture
def paid_order(client, shop, make_cart, place):
    placed = place(make_cart((shop["R-S54"], 1)))  # 95.50, over the free-shipping threshold
    pay(client, placed.payment, browser_token(client, SUCCESS))
    placed.order.refresh_from_db()
    placed.payment.refresh_from_db()
    assert placed.order.state == OrderState.PAID
    return placed


@pytest.fixture
def manager(db):
    return get_user_model().objects.create_user("manager@allegra.example", "x-pass-2026-long", is_staff=True)


def test_partial_then_full_refund_reach_the_order(paid_order, manager):
    order, payment = paid_order.order, paid_order.payment
    assert order.total == Decimal("95.50") and payment.amount_cents == 9_550
    payments.refund(payment=payment, amount_cents=2_000, reason="Scratched clasp", actor=manager)
    order.refresh_from_db()
    assert (order.state, order.refunded_amount) == (OrderState.PARTLY_REFUNDED, Decimal("20.00"))
    payments.refund(payment=payment, amount_cents=7_550, reason="Returned", actor=manager)
    order.refresh_from_db()
    assert (order.state, order.refunded_amount) == (OrderState.REFUNDED, Decimal("95.50"))


def test_the_webhook_after_payment_changes_nothing(paid_order, deliver_webhooks):
    assert set(deliver_webhooks()) == {200}
    paid_order.order.refresh_from_db()
    assert paid_order.order.state == OrderState.PAID
    assert Invoice.objects.filter(order=paid_order.order).count() == 1


def test_a_payment_for_another_payable_leaves_orders_alone(client):
    payment = payments.start_payment(
        payable="GIFT-1", amount_cents=500, idempotency_key="gift-1", return_url="/", base_url="http://testserver"
    )
    pay(client, payment, browser_token(client, SUCCESS))
    assert Payment.objects.get().status == Payment.Status.SUCCEEDED


def test_a_second_partial_refund_reaches_the_order(paid_order, manager, deliver_webhooks):
    # The payment stays "partly refunded" after the second refund: the order hears of it all the same.
    order, payment = paid_order.order, paid_order.payment
    payments.refund(payment=payment, amount_cents=1_000, reason="Scratched clasp", actor=manager)
    payments.refund(payment=payment, amount_cents=1_550, reason="Late delivery", actor=manager)
    order.refresh_from_db()
    assert (order.state, order.refunded_amount) == (OrderState.PARTLY_REFUNDED, Decimal("25.50"))
    # The provider's webhooks for the same refunds change nothing more on the order.
    assert set(deliver_webhooks()) == {200}
    order.refresh_from_db()
    assert (order.state, order.refunded_amount) == (OrderState.PARTLY_REFUNDED, Decimal("25.50"))
    payments.refund(payment=payment, amount_cents=7_000, reason="Returned", actor=manager)
    order.refresh_from_db()
    assert (order.state, order.refunded_amount) == (OrderState.REFUNDED, Decimal("95.50"))
    assert [event.to_state for event in order.events.order_by("id")][-3:] == [
        OrderState.PARTLY_REFUNDED,
        OrderState.PARTLY_REFUNDED,
        OrderState.REFUNDED,
    ]
