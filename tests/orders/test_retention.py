"""Retention of orders (R2, ORDER_RECORDS): 5 years after the end of the fiscal year, unless held."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from allegra.orders import services
from allegra.orders.models import Invoice, InvoiceCounter, Order, OrderEvent, OrderLine

pytestmark = [pytest.mark.django_db, pytest.mark.policy("C3")]


def _at(year, month=6, day=15):
    return timezone.make_aware(datetime.datetime(year, month, day, 12, 0))


def _order_of(make_order, year, *, held=False):
    order = make_order()
    order.paid_at = _at(year)
    order.save(update_fields=["paid_at"])
    services.issue_invoice(order=order, now=_at(year))
    Order.objects.filter(pk=order.pk).update(placed_at=_at(year), legal_hold=held)
    return order


def test_orders_go_from_the_sixth_new_year_on_unless_held(make_order):
    old = _order_of(make_order, 2020)
    held = _order_of(make_order, 2020, held=True)
    recent = _order_of(make_order, 2021)
    now = _at(2026, 1, 2)
    assert services.purge_expired_orders(now=now, dry_run=True) == 1
    assert Order.objects.count() == 3
    assert services.purge_expired_orders(now=now) == 1
    assert set(Order.objects.values_list("pk", flat=True)) == {held.pk, recent.pk}
    assert not OrderLine.objects.filter(order_id=old.pk).exists()
    assert not OrderEvent.objects.filter(order_id=old.pk).exists()
    assert not Invoice.objects.filter(order_id=old.pk).exists()
    # On 31 December 2026 the 2021 order is still within its five years.
    assert services.purge_expired_orders(now=_at(2026, 12, 31)) == 0
    # The counters hold no personal data and stay, so numbering never restarts within a year.
    assert InvoiceCounter.objects.filter(year=2020).exists()
