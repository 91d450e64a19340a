"""What a fraud review does to a held order (U4): cancelled by the reviewer, the order is cancelled and its pieces
go back to stock; approved, it stays pending payment and nothing is charged (the pay link is not built yet)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from allegra.catalog.models import Variant
from allegra.fraud import services as fraud
from allegra.fraud.models import FraudAssessment
from allegra.orders.models import OrderEvent, OrderState
from allegra.orders.services import AddressInput
from allegra.payments.models import Payment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english"), pytest.mark.policy("U4")]

ABROAD = AddressInput(recipient_name="E", street="Rue", number="1", city="Paris", postcode="75001", country="FR")


def stock(variant) -> int:
    return Variant.objects.get(pk=variant.pk).stock


@pytest.fixture
def reviewer(db):
    return get_user_model().objects.create_user("reviewer@allegra.example", "x-pass-2026-long", is_staff=True)


@pytest.fixture
def held(shop, make_cart, place, settings):
    settings.FRAUD_HOLD_SCORE = 10  # billing abroad is enough to hold it
    placed = place(make_cart((shop["R-S54"], 2), (shop["R-G52"], 1)), billing_address=ABROAD)
    assert placed.held and placed.payment is None
    assert (stock(shop["R-S54"]), stock(shop["R-G52"])) == (18, 2)
    return placed.order


def review(order, decision: str, reviewer):
    assessment = FraudAssessment.objects.get(order_reference=order.number)
    return fraud.review(assessment=assessment, decision=decision, reason="Checked with the bank", actor=reviewer)


def test_a_held_order_cancelled_in_review_is_cancelled_and_its_pieces_go_back(held, shop, reviewer):
    review(held, "cancel", reviewer)
    held.refresh_from_db()
    assert held.state == OrderState.CANCELLED
    assert (stock(shop["R-S54"]), stock(shop["R-G52"])) == (20, 3)
    event = OrderEvent.objects.filter(order=held).latest("id")
    assert (event.from_state, event.to_state, event.actor, event.actor_kind) == (
        OrderState.PENDING_PAYMENT,
        OrderState.CANCELLED,
        None,
        "system",
    )
    assert not Payment.objects.exists()


def test_a_held_order_approved_in_review_stays_pending_payment_and_nothing_is_charged(held, shop, reviewer):
    review(held, "approve", reviewer)
    held.refresh_from_db()
    assert held.state == OrderState.PENDING_PAYMENT
    assert (stock(shop["R-S54"]), stock(shop["R-G52"])) == (18, 2)  # still kept for the customer
    assert not Payment.objects.exists()
    assert not FraudAssessment.objects.get(order_reference=held.number).is_pending_review


def test_an_order_cancelled_already_is_not_cancelled_or_restocked_twice(held, shop, reviewer):
    from allegra.orders.services import cancel_order

    cancel_order(order=held, actor=reviewer, reason="Customer asked")
    # The back office's cancellation put the pieces back already...
    assert (stock(shop["R-S54"]), stock(shop["R-G52"])) == (20, 3)
    review(held, "cancel", reviewer)
    held.refresh_from_db()
    assert held.state == OrderState.CANCELLED
    assert OrderEvent.objects.filter(order=held, to_state=OrderState.CANCELLED).count() == 1
    # ...and the review's cancel, finding it cancelled, gives nothing back a second time.
    assert (stock(shop["R-S54"]), stock(shop["R-G52"])) == (20, 3)


def test_an_order_that_cannot_be_cancelled_refuses_the_review_and_nothing_changes(held, shop, reviewer):
    held.__class__.objects.filter(pk=held.pk).update(state=OrderState.SHIPPED)
    with pytest.raises(fraud.ReviewError):
        review(held, "cancel", reviewer)
    held.refresh_from_db()
    assert held.state == OrderState.SHIPPED
    assert FraudAssessment.objects.get(order_reference=held.number).is_pending_review
    assert (stock(shop["R-S54"]), stock(shop["R-G52"])) == (18, 2)
