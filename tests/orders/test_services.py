"""The order's life: placing (idempotent, totals and VAT from the server), the state machine, refunds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from allegra.orders import services
from allegra.orders.models import ActorKind, Order, OrderEvent, OrderLine, OrderState
from allegra.orders.services import TRANSITIONS, OrderError, TransitionRefused
from tests.orders.conftest import line

pytestmark = [pytest.mark.django_db, pytest.mark.policy("U1")]
S = OrderState


def test_order_number_is_long_random_and_unambiguous(make_order):
    numbers = {make_order().number for _ in range(20)}
    assert len(numbers) == 20
    for number in numbers:
        assert number.startswith("AJ-") and len(number) == 13
        assert not set(number[3:]) & set("01OIL")


def test_same_idempotency_key_returns_the_same_order(make_order):
    first = make_order(key="checkout-abc")
    again = make_order(key="checkout-abc", lines=[line(quantity=3)])
    assert again.pk == first.pk
    assert Order.objects.count() == 1 and OrderLine.objects.count() == 1


def test_totals_and_vat_are_computed_from_unit_prices(make_order):
    order = make_order(
        lines=[line("A", "120.00", 2), line("B", "35.50", 1)], shipping_fee=Decimal("4.90"), shipping_method="locker"
    )
    assert order.items_total == Decimal("275.50")
    assert order.total == Decimal("280.40")
    assert order.net_total == Decimal("226.13") and order.vat_total == Decimal("54.27")
    assert order.net_total + order.vat_total == order.total
    assert [item.line_total for item in order.lines.all()] == [Decimal("240.00"), Decimal("35.50")]
    assert order.state == S.PENDING_PAYMENT
    assert list(order.events.values_list("from_state", "to_state")) == [("", S.PENDING_PAYMENT)]


@pytest.mark.parametrize(
    ("lines", "extra"),
    [
        ([], {}),
        ([line(quantity=0)], {}),
        ([line(quantity=-2)], {}),
        ([line(quantity=100000)], {}),
        ([line(price="-1.00")], {}),
        ([line(price="0.001")], {}),
        ([line(price="NaN")], {}),
        ([line()], {"shipping_method": "teleport"}),
        ([line()], {"shipping_fee": Decimal("-3")}),
        ([line()], {"email": "not-an-email"}),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(make_order, lines, extra):
    with pytest.raises(OrderError):
        make_order(lines=lines, **extra)
    assert not Order.objects.exists() and not OrderEvent.objects.exists()


def _order_in(state: str, make_order, staff) -> Order:
    """Walks a new order to `state` through the services."""
    order = make_order()
    paths = {
        S.PENDING_PAYMENT: [],
        S.PAID: ["paid"],
        S.IN_FULFILMENT: ["paid", "fulfil"],
        S.SHIPPED: ["paid", "fulfil", "ship"],
        S.DELIVERED: ["paid", "fulfil", "ship", "deliver"],
        S.CANCELLED: ["cancel"],
        S.REFUNDED: ["paid", "refund_full"],
        S.PARTLY_REFUNDED: ["paid", "refund_part"],
    }
    for step in paths[state]:
        if step == "paid":
            services.mark_paid(order=order, payment_reference="psp-1")
        elif step == "fulfil":
            services.start_fulfilment(order=order, actor=staff)
        elif step == "ship":
            services.mark_shipped(order=order, carrier="ACS", tracking_number="ACS123", actor=staff)
        elif step == "deliver":
            services.mark_delivered(order=order, actor=staff)
        elif step == "cancel":
            services.cancel_order(order=order, actor=staff)
        elif step == "refund_full":
            services.record_refund(order=order, amount=order.total, full=True, actor=None)
        elif step == "refund_part":
            services.record_refund(order=order, amount=Decimal("10.00"), full=False, actor=None)
    assert order.state == state
    return order


def _attempt(order: Order, target: str, staff) -> None:
    if target == S.PAID:
        before = order.paid_at
        services.mark_paid(order=order, payment_reference="psp-2")
        if before is not None:  # idempotent for a paid order: no move at all, which counts as refused here
            raise TransitionRefused("already paid")
    elif target == S.REFUNDED:
        services.record_refund(order=order, amount=order.total - order.refunded_amount, full=True, actor=None)
    elif target == S.PARTLY_REFUNDED:
        services.record_refund(order=order, amount=Decimal("1.00"), full=False, actor=None)
    else:
        services.change_state(order=order, to=target, actor=staff, carrier="ACS", tracking_number="ACS9")


@pytest.mark.parametrize("source", S.values)
@pytest.mark.parametrize("target", S.values)
def test_state_machine_allows_exactly_the_table(make_order, django_user_model, source, target):
    staff = django_user_model.objects.create_user("staff@allegra.example", "x-pass-2026-long", is_staff=True)
    order = _order_in(source, make_order, staff)
    events_before = order.events.count()
    allowed = target in TRANSITIONS[source]
    if source == S.CANCELLED and target in (S.REFUNDED, S.PARTLY_REFUNDED):
        allowed = False  # this cancelled order was never paid: nothing to refund
    if allowed:
        _attempt(order, target, staff)
        order.refresh_from_db()
        assert order.state == target
        assert order.events.count() == events_before + 1
        event = order.events.last()
        assert (event.from_state, event.to_state) == (source, target)
    else:
        with pytest.raises(OrderError):
            _attempt(order, target, staff)
        order.refresh_from_db()
        assert order.state == source
        assert order.events.count() == events_before


def test_shipping_needs_carrier_and_tracking(make_order, django_user_model, english):
    staff = django_user_model.objects.create_user("staff@allegra.example", "x-pass-2026-long", is_staff=True)
    order = _order_in(S.IN_FULFILMENT, make_order, staff)
    with pytest.raises(OrderError, match="tracking"):
        services.mark_shipped(order=order, carrier="ACS", tracking_number=" ", actor=staff)
    services.mark_shipped(order=order, carrier="ACS", tracking_number="ACS123", actor=staff)
    event = order.events.last()
    assert (event.carrier, event.tracking_number, event.actor, event.actor_kind) == (
        "ACS",
        "ACS123",
        staff,
        ActorKind.STAFF,
    )


def test_mark_paid_is_idempotent_and_records_the_system(make_order):
    order = make_order()
    services.mark_paid(order=order, payment_reference="psp-1")
    paid_at = order.paid_at
    services.mark_paid(order=order, payment_reference="psp-other")
    order.refresh_from_db()
    assert order.paid_at == paid_at and order.payment_reference == "psp-1"
    assert order.events.filter(to_state=S.PAID).count() == 1
    assert order.events.get(to_state=S.PAID).actor_kind == ActorKind.SYSTEM


def test_payment_for_a_cancelled_order_is_refused(make_order):
    order = make_order()
    services.cancel_order(order=order, actor=None)
    with pytest.raises(TransitionRefused):
        services.mark_paid(order=order, payment_reference="psp-late")
    order.refresh_from_db()
    assert order.state == S.CANCELLED and order.paid_at is None


def test_refunds_add_up_and_never_exceed_the_total(make_order):
    order = make_order(lines=[line(price="100.00")])
    services.mark_paid(order=order, payment_reference="psp-1")
    services.record_refund(order=order, amount=Decimal("30.00"), full=False, actor=None)
    assert (order.state, order.refunded_amount) == (S.PARTLY_REFUNDED, Decimal("30.00"))
    with pytest.raises(OrderError):
        services.record_refund(order=order, amount=Decimal("80.00"), full=False, actor=None)
    with pytest.raises(OrderError):
        services.record_refund(order=order, amount=Decimal("20.00"), full=True, actor=None)
    with pytest.raises(OrderError):
        services.record_refund(order=order, amount=Decimal("0"), full=False, actor=None)
    services.record_refund(order=order, amount=Decimal("70.00"), full=True, actor=None)
    order.refresh_from_db()
    assert (order.state, order.refunded_amount) == (S.REFUNDED, Decimal("100.00"))
