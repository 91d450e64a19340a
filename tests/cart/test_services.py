"""The cart's services and selectors: limits, refusals that change nothing, merging, totals from current prices."""

from decimal import Decimal

import pytest

from allegra.cart import selectors, services
from allegra.cart.models import MAX_PER_LINE, Cart, CartLine
from allegra.catalog.models import Variant

# The services speak the shop's default language, Greek, outside a request; these tests read English.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def guest_cart(key="guest-key") -> Cart:
    return Cart.objects.create(session_key=key)


def snapshot(cart):
    return sorted(CartLine.objects.filter(cart=cart).values_list("variant__sku", "quantity"))


def test_add_then_add_again_adds_up_on_one_line(shop):
    cart = guest_cart()
    services.add_to_cart(cart=cart, variant=shop["R-S54"], quantity=2)
    services.add_to_cart(cart=cart, variant=shop["R-S54"], quantity=3)
    assert snapshot(cart) == [("R-S54", 5)]


@pytest.mark.parametrize("quantity", [0, -1, "abc", "1.5", "", None, "99999999999", "٣", MAX_PER_LINE + 1])
def test_bad_quantities_are_refused_and_change_nothing(shop, quantity):
    cart = guest_cart()
    services.add_to_cart(cart=cart, variant=shop["R-S54"], quantity=1)
    with pytest.raises(services.CartError):
        services.add_to_cart(cart=cart, variant=shop["R-S54"], quantity=quantity)
    line = CartLine.objects.get(cart=cart)
    with pytest.raises(services.CartError):
        services.set_quantity(cart=cart, line_id=line.public_id, quantity=quantity)
    assert snapshot(cart) == [("R-S54", 1)]


def test_quantity_is_limited_by_stock_with_a_clear_message(shop):
    cart = guest_cart()
    services.add_to_cart(cart=cart, variant=shop["R-G52"], quantity=2)
    with pytest.raises(services.CartError, match=r"Only 3 of this piece are available\. You already have 2"):
        services.add_to_cart(cart=cart, variant=shop["R-G52"], quantity=2)
    line = CartLine.objects.get(cart=cart)
    with pytest.raises(services.CartError, match="Only 3"):
        services.set_quantity(cart=cart, line_id=line.public_id, quantity=4)
    services.set_quantity(cart=cart, line_id=line.public_id, quantity=3)
    assert snapshot(cart) == [("R-G52", 3)]


def test_out_of_stock_inactive_and_unknown_variants_are_refused(shop):
    cart = guest_cart()
    with pytest.raises(services.CartError, match="out of stock"):
        services.add_to_cart(cart=cart, variant=shop["N-OUT"], quantity=1)
    with pytest.raises(services.CartError, match="no longer for sale"):
        services.add_to_cart(cart=cart, variant=shop["X-OLD"], quantity=1)
    with pytest.raises(services.CartError, match="does not exist"):
        services.add_to_cart(cart=cart, variant=999999, quantity=1)
    assert snapshot(cart) == []


def test_a_line_of_another_cart_is_not_found(shop):
    mine, theirs = guest_cart("mine"), guest_cart("theirs")
    services.add_to_cart(cart=theirs, variant=shop["R-S54"], quantity=1)
    their_line = CartLine.objects.get(cart=theirs)
    with pytest.raises(services.LineNotFound):
        services.set_quantity(cart=mine, line_id=their_line.public_id, quantity=2)
    with pytest.raises(services.LineNotFound):
        services.remove_line(cart=mine, line_id=their_line.public_id)
    with pytest.raises(services.LineNotFound):
        services.remove_line(cart=mine, line_id="not-a-uuid")
    assert snapshot(theirs) == [("R-S54", 1)]


def test_totals_come_from_current_prices_with_vat_included(shop):
    cart = guest_cart()
    services.add_to_cart(cart=cart, variant=shop["R-G52"], quantity=1)
    services.add_to_cart(cart=cart, variant=shop["R-S54"], quantity=2)
    totals = selectors.cart_totals(cart)
    assert totals.subtotal == Decimal("671.00")
    assert totals.net + totals.vat == totals.subtotal
    assert totals.net == Decimal("541.13") and totals.vat == Decimal("129.87")
    assert totals.vat_rate == Decimal("0.24")
    assert (totals.items_count, totals.lines_count, totals.unavailable_count) == (3, 2, 0)
    # The price changes in the catalogue: the cart follows, nothing was stored.
    Variant.objects.filter(sku="R-S54").update(price=Decimal("100.00"))
    assert selectors.cart_totals(cart).subtotal == Decimal("680.00")


def test_lines_out_of_stock_or_no_longer_sold_are_shown_but_left_out_of_totals(shop):
    cart = guest_cart()
    services.add_to_cart(cart=cart, variant=shop["R-G52"], quantity=2)
    services.add_to_cart(cart=cart, variant=shop["R-S54"], quantity=1)
    Variant.objects.filter(sku="R-G52").update(stock=0)
    lines = {line.variant.sku: line for line in selectors.cart_lines(cart)}
    assert not lines["R-G52"].buyable and "Out of stock" in lines["R-G52"].problem
    totals = selectors.cart_totals(cart)
    assert (totals.subtotal, totals.items_count, totals.unavailable_count) == (Decimal("95.50"), 1, 1)
    shop["ring"].__class__.objects.filter(pk=shop["ring"].pk).update(is_active=False)
    lines = selectors.cart_lines(cart)
    assert all(not line.buyable for line in lines)
    assert "No longer for sale" in lines[1].problem
    assert selectors.cart_totals(cart).subtotal == Decimal("0.00")


def test_stock_fell_below_the_quantity(shop):
    cart = guest_cart()
    services.add_to_cart(cart=cart, variant=shop["R-G52"], quantity=3)
    Variant.objects.filter(sku="R-G52").update(stock=1)
    (line,) = selectors.cart_lines(cart)
    assert not line.buyable and "Only 1 left" in line.problem
    assert selectors.cart_totals(cart).subtotal == Decimal("0.00")


@pytest.mark.policy("C1")
def test_merge_adds_quantities_capped_by_stock_and_deletes_the_guest_cart(shop, customer):
    guest = guest_cart()
    account = Cart.objects.create(owner=customer)
    services.add_to_cart(cart=account, variant=shop["R-G52"], quantity=2)
    services.add_to_cart(cart=guest, variant=shop["R-G52"], quantity=2)
    services.add_to_cart(cart=guest, variant=shop["R-S54"], quantity=4)
    services.merge_carts(source=guest, target=account)
    assert snapshot(account) == [("R-G52", 3), ("R-S54", 4)]
    assert not Cart.objects.filter(pk=guest.pk).exists()


def test_purge_deletes_guest_carts_30_days_after_their_last_change_only(shop, customer):
    from datetime import timedelta

    from django.utils import timezone

    old, fresh = guest_cart("old"), guest_cart("fresh")
    account = Cart.objects.create(owner=customer)
    services.add_to_cart(cart=old, variant=shop["R-S54"], quantity=1)
    long_ago = timezone.now() - timedelta(days=31)
    Cart.objects.filter(pk__in=[old.pk, account.pk]).update(updated_at=long_ago)
    Cart.objects.filter(pk=fresh.pk).update(updated_at=timezone.now() - timedelta(days=29))
    assert services.purge_guest_carts() == 1
    assert set(Cart.objects.values_list("pk", flat=True)) == {fresh.pk, account.pk}
    assert not CartLine.objects.exists()


def test_purge_task_is_scheduled_daily():
    from allegra.core.schedule import JOBS, resolve
    from allegra.privacy import retention
    from allegra.privacy.registry import Retention

    # R2: the guest-cart purge is a job of the retention registry, which the daily "retention" job runs.
    job = next(job for job in JOBS if job.name == "retention")
    assert job.interval.days == 1
    assert resolve(job) is not None
    assert [job.name for job in retention.jobs(only=Retention.GUEST_CARTS)] == ["guest-carts"]


def test_a_cart_needs_an_owner_or_a_session_key_never_both(customer):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Cart.objects.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        Cart.objects.create(owner=customer, session_key="both")
