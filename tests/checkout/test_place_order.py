"""Placing an order from a cart (U1), screened for fraud (U4), the soft opt-in recorded (U2), paid with the test
provider's cards (C4)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from allegra.cart.models import CartLine
from allegra.catalog.models import Variant
from allegra.checkout import services
from allegra.checkout.services import CheckoutError, SoldOut
from allegra.consent.models import PurposeConsentRecord, PurposeSource
from allegra.consent.purposes import MARKETING_EMAIL
from allegra.fraud.models import FraudAssessment, FraudSignal
from allegra.orders.models import Invoice, Order, OrderLine, OrderState
from allegra.orders.services import AddressInput
from allegra.payments.models import Payment
from tests.payments.conftest import DECLINE, SUCCESS, browser_token, pay

# The services speak the shop's default language, Greek, outside a request; these tests read English.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
# place_order with two lines, payment start at the in-process test provider included.
QUERIES_FOR_TWO_LINES = 40  # the products' in-stock flags included


def stock(variant) -> int:
    return Variant.objects.get(pk=variant.pk).stock


def nothing_written() -> bool:
    return not (
        Order.objects.exists()
        or OrderLine.objects.exists()
        or FraudAssessment.objects.exists()
        or Payment.objects.exists()
        or PurposeConsentRecord.objects.exists()
    )


@pytest.mark.policy("U1")
@pytest.mark.policy("C4")
def test_happy_path_pays_with_a_test_card_and_issues_the_invoice(client, shop, make_cart, place, deliver_webhooks):
    cart = make_cart((shop["R-S54"], 2))
    placed = place(cart)
    order = placed.order
    assert placed.created and not placed.held
    assert order.state == OrderState.PENDING_PAYMENT
    # 2 × 95.50 = 191.00: over the free-shipping threshold, so no fee.
    assert (order.items_total, order.shipping_fee, order.total) == (
        Decimal("191.00"),
        Decimal("0.00"),
        Decimal("191.00"),
    )
    assert order.net_total + order.vat_total == order.total
    assert stock(shop["R-S54"]) == 18
    assert not CartLine.objects.filter(cart=cart).exists()
    payment = placed.payment
    assert (payment.payable, payment.amount_cents) == (order.number, 19_100)

    assert pay(client, payment, browser_token(client, SUCCESS)).status_code == 303
    assert deliver_webhooks() and all(status == 200 for status in deliver_webhooks() or [200])
    order.refresh_from_db()
    assert order.state == OrderState.PAID and order.payment_reference == str(payment.public_id)
    assert Invoice.objects.filter(order=order).count() == 1


@pytest.mark.policy("C4")
@pytest.mark.policy("U4")
def test_a_declined_card_leaves_the_order_unpaid_and_records_a_decline(client, shop, make_cart, place):
    placed = place(make_cart((shop["R-S54"], 1)))
    pay(client, placed.payment, browser_token(client, DECLINE))
    placed.order.refresh_from_db()
    assert placed.order.state == OrderState.PENDING_PAYMENT
    assert FraudSignal.objects.filter(kind=FraudSignal.Kind.DECLINE).count() == 2  # email and card


@pytest.mark.policy("U1")
def test_shipping_fee_comes_from_settings_below_the_free_threshold(shop, make_cart, place, settings):
    settings.CHECKOUT_SHIPPING_FEES = {"courier": "5.00", "locker": "3.00", "store_pickup": "0.00"}
    settings.CHECKOUT_FREE_SHIPPING_FROM = "200.00"
    order = place(make_cart((shop["R-S54"], 1)), shipping_method="locker").order
    assert (order.shipping_fee, order.total) == (Decimal("3.00"), Decimal("98.50"))


@pytest.mark.policy("U1")
def test_prices_and_quantities_come_from_the_catalogue_and_the_cart(shop, make_cart, place):
    """Nothing the browser sends can set a price or a total: the order reads the variant's price when it is
    placed (here raised after the piece went into the cart) and the quantity stored in the cart."""
    cart = make_cart((shop["R-S54"], 1))
    Variant.objects.filter(pk=shop["R-S54"].pk).update(price=Decimal("99.00"))
    order = place(cart).order
    line = order.lines.get()
    assert (line.unit_price, line.quantity, line.sku) == (Decimal("99.00"), 1, "R-S54")
    assert "Aegean ring" in line.name_en
    assert order.items_total == Decimal("99.00")


@pytest.mark.policy("U1")
def test_sold_out_is_refused_naming_the_piece_and_nothing_is_written(shop, make_cart, place):
    cart = make_cart((shop["R-S54"], 1), (shop["R-G52"], 3))
    Variant.objects.filter(pk=shop["R-G52"].pk).update(stock=2)  # someone else bought one meanwhile
    with pytest.raises(SoldOut) as refused:
        place(cart)
    message = str(refused.value)
    assert "Aegean ring" in message and "size 52" in message and "size 54" not in message
    assert "nothing was charged" in message and refused.value.pieces == ["Aegean ring, 18K gold, Sapphire, size 52"]
    assert nothing_written()
    assert (stock(shop["R-S54"]), stock(shop["R-G52"])) == (20, 2)
    assert CartLine.objects.filter(cart=cart).count() == 2


@pytest.mark.policy("U1")
def test_a_piece_no_longer_for_sale_is_refused(shop, make_cart, place):
    cart = make_cart((shop["R-S54"], 1))
    shop["ring"].__class__.objects.filter(pk=shop["ring"].pk).update(is_active=False)
    with pytest.raises(SoldOut):
        place(cart)
    assert nothing_written()


@pytest.mark.policy("U1")
def test_an_empty_cart_or_bad_details_are_refused_with_nothing_written(shop, make_cart, place):
    with pytest.raises(CheckoutError):
        place(make_cart())
    cart = make_cart((shop["R-S54"], 1))
    with pytest.raises(CheckoutError):
        place(cart, shipping_method="drone")
    with pytest.raises(ValueError):  # orders' OrderError: an address without a street
        place(cart, shipping_address=AddressInput(recipient_name="E", street="", number="", city="A", postcode="1"))
    assert nothing_written()
    assert stock(shop["R-S54"]) == 20 and CartLine.objects.filter(cart=cart).count() == 1


@pytest.mark.policy("U1")
def test_the_same_key_returns_the_same_order_and_touches_stock_once(shop, make_cart, place):
    cart = make_cart((shop["R-G52"], 2))
    key = uuid.uuid4().hex
    first = place(cart, idempotency_key=key)
    # A double click / resubmitted form / retried request: the cart is empty by now, the order is found.
    again = place(cart, idempotency_key=key)
    assert (again.order.pk, again.created, first.created) == (first.order.pk, False, True)
    assert again.payment.pk == first.payment.pk
    assert stock(shop["R-G52"]) == 1
    assert Order.objects.count() == 1 and FraudAssessment.objects.count() == 1 and Payment.objects.count() == 1


@pytest.mark.policy("U1")
def test_someone_elses_key_does_not_reveal_their_order(shop, make_cart, place):
    key = uuid.uuid4().hex
    place(make_cart((shop["R-S54"], 1)), idempotency_key=key)
    other = make_cart((shop["R-S54"], 1))
    with pytest.raises(CheckoutError):
        place(other, idempotency_key=key, contact=services.ContactInput(email="someone@example.com"))
    assert Order.objects.count() == 1 and stock(shop["R-S54"]) == 19


@pytest.mark.policy("U2")
@pytest.mark.parametrize("opted_out", [False, True])
def test_a_customer_s_marketing_choice_is_recorded_with_the_sentence_shown(shop, make_cart, place, customer, opted_out):
    cart = make_cart((shop["R-S54"], 1), owner=customer)
    place(cart, user=customer, marketing_opt_out=opted_out, language="el")
    record = PurposeConsentRecord.objects.get()
    assert (record.user, record.purpose, record.granted, record.source) == (
        customer,
        MARKETING_EMAIL,
        not opted_out,
        PurposeSource.CHECKOUT,
    )
    from django.utils import translation

    with translation.override("el"):
        assert record.notice.text == str(services.MARKETING_OPT_OUT_TEXT)
    assert record.notice.language == "el" and record.recorded_at is not None


@pytest.mark.policy("U2")
def test_a_new_guest_s_no_is_recorded_too(shop, make_cart, place):
    """The first order is where the contact details are collected: the objection made there must hold."""
    order = place(make_cart((shop["R-S54"], 1)), marketing_opt_out=True).order
    record = PurposeConsentRecord.objects.get()
    assert (record.user, record.granted, record.source) == (None, False, PurposeSource.CHECKOUT)
    assert record.email_index and order.email not in record.email_index


@pytest.mark.policy("U2")
def test_no_choice_is_recorded_when_the_box_was_not_shown(shop, make_cart, place):
    place(make_cart((shop["R-S54"], 1)), marketing_opt_out=None)
    assert not PurposeConsentRecord.objects.exists()


@pytest.mark.policy("U4")
def test_a_held_order_stays_pending_payment_flagged_and_no_payment_starts(shop, make_cart, place, settings):
    settings.FRAUD_HOLD_SCORE = 10
    billing_abroad = AddressInput(
        recipient_name="E", street="Rue", number="1", city="Paris", postcode="75001", country="FR"
    )
    placed = place(make_cart((shop["R-S54"], 1)), billing_address=billing_abroad)
    assert placed.held and placed.payment is None
    assert placed.order.state == OrderState.PENDING_PAYMENT
    assessment = FraudAssessment.objects.get(order_reference=placed.order.number)
    assert assessment.decision == FraudAssessment.Decision.HELD_FOR_REVIEW
    assert services.is_held(placed.order)
    assert not Payment.objects.exists()
    assert stock(shop["R-S54"]) == 19  # the piece is kept for the order while staff review it


@pytest.mark.policy("U2")
def test_a_guest_who_bought_before_is_a_customer_and_gets_the_choice_recorded(shop, make_cart, place, settings):
    first = place(make_cart((shop["R-S54"], 1))).order
    Order.objects.filter(pk=first.pk).update(state=OrderState.PAID)
    place(make_cart((shop["R-S54"], 1)), marketing_opt_out=True)
    record = PurposeConsentRecord.objects.get()
    assert (record.user, record.granted, record.source) == (None, False, PurposeSource.CHECKOUT)


@pytest.mark.policy("U1")
def test_placing_an_order_costs_a_bounded_number_of_queries(shop, make_cart, place, django_assert_max_num_queries):
    """Per line: one stock update (and the order line is in one bulk insert); the rest is fixed."""
    cart = make_cart((shop["R-S54"], 1), (shop["R-G52"], 1))
    with django_assert_max_num_queries(QUERIES_FOR_TWO_LINES):
        place(cart)
