"""Stock moved by orders reaches the catalogue (U1): a product whose last piece is ordered is out of stock in
listings, cached pages are renewed when that flag flips, and a cancellation puts it back in stock."""

from __future__ import annotations

import pytest

from allegra.catalog.models import Product, Variant
from allegra.catalog.search import index_version
from allegra.orders.services import cancel_order

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def in_stock(product) -> bool:
    return Product.objects.get(pk=product.pk).in_stock


def test_the_last_pieces_sold_mark_the_product_out_of_stock_and_a_cancellation_puts_it_back(shop, make_cart, place):
    ring = shop["ring"]
    Variant.objects.filter(pk=shop["R-S54"].pk).update(stock=0)
    before = index_version()
    placed = place(make_cart((shop["R-G52"], 2)))
    assert in_stock(ring) and index_version() == before  # one piece still to sell: no page renewed

    place(make_cart((shop["R-G52"], 1)))
    assert not in_stock(ring)
    sold_out = index_version()
    assert sold_out != before  # cached listings stop offering it

    cancel_order(order=placed.order, actor=None, reason="Customer changed their mind")
    assert Variant.objects.get(pk=shop["R-G52"].pk).stock == 2
    assert in_stock(ring) and index_version() != sold_out


def test_an_order_that_leaves_stock_renews_no_page(shop, make_cart, place):
    before = index_version()
    place(make_cart((shop["R-S54"], 1)))
    assert index_version() == before and in_stock(shop["ring"])
