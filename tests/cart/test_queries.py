"""Pinned query counts of the storefront pages with the cart link and the wish-list buttons, for a visitor
without a session (the page-cached path: no query added), a guest with a cart, and a signed-in customer; and
of the cart and wish-list pages, whatever the number of lines."""

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from allegra.cart.models import Cart, CartLine
from allegra.wishlist.models import WishlistItem
from tests.catalog.conftest import variant_spec
from tests.catalog.test_views_queries import CATEGORY_QUERIES, HOME_QUERIES, PRODUCT_QUERIES, build_catalogue

pytestmark = pytest.mark.django_db

# A guest with a session cookie: + the session, read for the header's cart count.
GUEST_EXTRA = 1
# A signed-in customer: + the session, the user, + the wish list's saved marks (one query for all buttons).
CUSTOMER_EXTRA = 3
PAGES = [("/en/", HOME_QUERIES), ("/en/c/rings/", CATEGORY_QUERIES), ("/en/p/ring-1/", PRODUCT_QUERIES)]
CART_PAGE_QUERIES_GUEST = 4  # session, cart, its lines (with variants and products), header categories
CART_PAGE_QUERIES_CUSTOMER = 5  # session, user, cart, its lines, header categories
WISHLIST_PAGE_QUERIES = 4  # session, user, the items (with variants and products), header categories


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


def count(client, path) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), "\n".join(q["sql"] for q in queries.captured_queries), response


@pytest.mark.parametrize("size", [5, 30])
@pytest.mark.parametrize(("path", "expected"), PAGES)
def test_storefront_pages_for_each_kind_of_visitor(
    client, customer_client, make_category, make_collection, make_product, size, path, expected
):
    build_catalogue(size, make_category, make_collection, make_product)
    from allegra.catalog.models import Variant

    variants = list(Variant.objects.filter(stock__gt=0)[:3])

    number, sql, response = count(client, path)
    assert number == expected, sql
    assert django_settings.SESSION_COOKIE_NAME not in client.cookies
    assert 'class="cart-count"' not in response.content.decode()

    for variant in variants:
        client.post("/en/cart/add/", {"variant": variant.pk, "quantity": "1"})
    client.get("/en/cart/")  # the cart page sets the header's count
    number, sql, response = count(client, path)
    assert number == expected + GUEST_EXTRA, sql
    assert '<span class="cart-count">(3)</span>' in response.content.decode()

    for variant in variants:
        WishlistItem.objects.create(user=_user(customer_client), variant=variant)
    number, sql, response = count(customer_client, path)
    assert number == expected + CUSTOMER_EXTRA, sql


def _user(client):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


@pytest.mark.parametrize("lines", [1, 12])
def test_cart_page_queries_do_not_grow_with_lines(client, customer, customer_client, make_product, lines):
    product = make_product(variants=[variant_spec(price=f"{10 + n}", stock=5) for n in range(lines)])
    variants = list(product.variants.all())
    for variant in variants:
        client.post("/en/cart/add/", {"variant": variant.pk, "quantity": "1"})
    number, sql, response = count(client, "/en/cart/")
    assert number == CART_PAGE_QUERIES_GUEST, sql
    assert len(response.context["lines"]) == lines

    cart = Cart.objects.create(owner=customer)
    CartLine.objects.bulk_create([CartLine(cart=cart, variant=v, quantity=1) for v in variants])
    number, sql, _response = count(customer_client, "/en/cart/")
    assert number == CART_PAGE_QUERIES_CUSTOMER, sql


@pytest.mark.parametrize("items", [1, 12])
def test_wishlist_page_queries_do_not_grow_with_items(customer, customer_client, make_product, items):
    product = make_product(variants=[variant_spec(price=f"{10 + n}", stock=5) for n in range(items)])
    WishlistItem.objects.bulk_create([WishlistItem(user=customer, variant=v) for v in product.variants.all()])
    number, sql, response = count(customer_client, "/en/wishlist/")
    assert number == WISHLIST_PAGE_QUERIES, sql
    assert len(response.context["entries"]) == items
