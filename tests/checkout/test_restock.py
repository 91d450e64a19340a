"""Every cancellation puts the order's pieces back to stock, exactly once, in the cancellation's transaction: staff
in the back office (the service and the order's state page) and a fraud review alike (the review's own tests are
in test_fraud_review.py). Orders runs the "order cancelled" hooks; checkout's restock is one of them."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from allegra.catalog.models import Variant
from allegra.checkout import handlers
from allegra.orders import services
from allegra.orders.models import OrderEvent, OrderLine, OrderState
from allegra.orders.services import TransitionRefused, cancel_order, order_cancelled_hooks
from tests.backoffice.conftest import make_staff, roles  # noqa: F401 - the back office's staff fixtures
from tests.backoffice.support import verified_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def stock(variant) -> int:
    return Variant.objects.get(pk=variant.pk).stock


def stocks(shop) -> tuple[int, int]:
    return stock(shop["R-S54"]), stock(shop["R-G52"])


@pytest.fixture
def staff(make_staff):  # noqa: F811 - the imported fixture
    return make_staff("ship@allegra.example", "Fulfilment")


@pytest.fixture
def order(shop, make_cart, place):
    placed = place(make_cart((shop["R-S54"], 2), (shop["R-G52"], 1)))
    assert stocks(shop) == (18, 2)  # taken at checkout (the shop starts with 20 and 3)
    return placed.order


def test_checkout_registers_the_restock_as_an_order_cancelled_hook():
    assert handlers.restock_cancelled_order in order_cancelled_hooks._hooks


def test_staff_cancelling_an_unpaid_order_puts_its_pieces_back(order, shop, staff):
    cancel_order(order=order, actor=staff, reason="Customer asked")
    assert order.state == OrderState.CANCELLED
    assert stocks(shop) == (20, 3)


@pytest.mark.parametrize("further", [False, True], ids=["paid", "in-fulfilment"])
def test_staff_cancelling_a_paid_order_not_shipped_puts_its_pieces_back(order, shop, staff, further):
    services.mark_paid(order=order, payment_reference="psp")
    if further:
        services.start_fulfilment(order=order, actor=staff)
    services.change_state(order=order, to=OrderState.CANCELLED, actor=staff, note="Out of our hands")
    order.refresh_from_db()
    assert order.state == OrderState.CANCELLED
    assert stocks(shop) == (20, 3)


def test_a_second_cancellation_is_refused_and_gives_nothing_back_twice(order, shop, staff):
    cancel_order(order=order, actor=staff)
    with pytest.raises(TransitionRefused):
        cancel_order(order=order, actor=staff)
    assert stocks(shop) == (20, 3)
    assert OrderEvent.objects.filter(order=order, to_state=OrderState.CANCELLED).count() == 1


def test_a_shipped_order_cannot_be_cancelled_and_keeps_its_stock_taken(order, shop, staff):
    services.mark_paid(order=order, payment_reference="psp")
    services.start_fulfilment(order=order, actor=staff)
    services.mark_shipped(order=order, carrier="ACS", tracking_number="ACS-1", actor=staff)
    with pytest.raises(TransitionRefused):
        cancel_order(order=order, actor=staff)
    assert stocks(shop) == (18, 2)


def test_cancelling_on_the_order_state_page_puts_the_pieces_back_once(order, shop, staff):
    client = verified_client(Client(HTTP_ACCEPT_LANGUAGE="en"), staff)
    url = f"/admin/orders/order/{order.pk}/state/"
    assert client.post(url, {"to": "cancelled", "note": "Customer phoned"}).status_code == 302
    order.refresh_from_db()
    assert order.state == OrderState.CANCELLED
    assert stocks(shop) == (20, 3)
    # The same form sent again (a second tab, a double click): refused with a message, nothing given back.
    again = client.post(url, {"to": "cancelled"})
    assert again.status_code == 400 and "cannot be cancelled" in again.content.decode()
    assert stocks(shop) == (20, 3)


def test_lines_of_one_variant_are_summed_and_a_deleted_variant_is_skipped(order, shop, staff):
    # Two lines of the same piece (as an older checkout could write), and one whose variant was deleted since.
    first = OrderLine.objects.filter(order=order, variant=shop["R-S54"]).get()
    OrderLine.objects.create(
        order=order,
        variant=shop["R-S54"],
        sku=first.sku,
        name_el=first.name_el,
        name_en=first.name_en,
        unit_price=first.unit_price,
        quantity=3,
        line_total=first.unit_price * 3,
    )
    OrderLine.objects.filter(order=order, variant=shop["R-G52"]).update(variant=None)
    cancel_order(order=order, actor=staff)
    assert stocks(shop) == (18 + 2 + 3, 2)


def test_variants_are_updated_in_primary_key_order(shop, make_cart, place, staff):
    # The cart lists the higher primary key first; the restock still goes in pk order, as checkout locks.
    low, high = sorted([shop["R-S54"], shop["R-G52"]], key=lambda variant: variant.pk)
    order = place(make_cart((high, 1), (low, 1))).order
    with CaptureQueriesContext(connection) as queries:
        cancel_order(order=order, actor=staff)
    table = Variant._meta.db_table
    updated = [
        int(re.search(r"WHERE .*= (\d+)", query["sql"]).group(1))
        for query in queries.captured_queries
        if query["sql"].startswith(f'UPDATE "{table}"')
    ]
    assert updated == [low.pk, high.pk]
    assert (stock(low), stock(high)) == (low.stock, high.stock)


def test_a_hook_that_raises_rolls_the_whole_cancellation_back(order, shop, staff, django_capture_on_commit_callbacks):
    def broken(*, order):
        raise RuntimeError("a later hook failed")

    order_cancelled_hooks.register(broken)  # after checkout's restock: its increments must be undone too
    try:
        with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
            cancel_order(order=order, actor=staff, reason="Customer asked")
    finally:
        order_cancelled_hooks.unregister(broken)
    order.refresh_from_db()
    assert order.state == OrderState.PENDING_PAYMENT
    assert not OrderEvent.objects.filter(order=order, to_state=OrderState.CANCELLED).exists()
    assert stocks(shop) == (18, 2)
    assert callbacks == []  # no cancellation email
    # Once the hook is gone the order can be cancelled, and its pieces go back once.
    cancel_order(order=order, actor=staff)
    assert stocks(shop) == (20, 3)


def test_hooks_get_the_order_already_cancelled_and_registering_twice_keeps_one(order, staff):
    seen = []

    def spy(*, order):
        seen.append((order.state, OrderEvent.objects.filter(order=order, to_state=OrderState.CANCELLED).count()))

    assert order_cancelled_hooks.register(spy) is spy
    order_cancelled_hooks.register(spy)
    try:
        cancel_order(order=order, actor=staff)
    finally:
        order_cancelled_hooks.unregister(spy)
    assert seen == [(OrderState.CANCELLED, 1)]
    assert spy not in order_cancelled_hooks._hooks
