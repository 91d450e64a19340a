"""The cart's pages through the browser's eyes: forms without JavaScript, refusals, CSRF, isolation, login merge."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from allegra.cart.models import Cart, CartLine
from tests.cart.conftest import CUSTOMER_PASSWORD

pytestmark = pytest.mark.django_db

ADD = "/en/cart/add/"
CART = "/en/cart/"


def lines_of(cart_or_none):
    if cart_or_none is None:
        return []
    return sorted(CartLine.objects.filter(cart=cart_or_none).values_list("variant__sku", "quantity"))


def the_guest_cart():
    return Cart.objects.get(owner__isnull=True)


@pytest.mark.policy("K4")
def test_a_guest_adds_to_a_session_cart_and_the_page_says_why_it_needs_a_cookie(client, shop):
    response = client.post(ADD, {"variant": shop["R-S54"].pk, "quantity": "2"})
    assert response.status_code == 303 and response["Location"] == CART
    assert settings.SESSION_COOKIE_NAME in response.cookies
    assert lines_of(the_guest_cart()) == [("R-S54", 2)]
    page = client.get(CART)
    html = page.content.decode()
    assert page.status_code == 200
    assert "functional cookie" in html and 'id="cart-cookie-note"' in html
    assert 'id="go-to-checkout" href="/en/checkout/"' in html.split('id="cart-totals"')[1]
    assert page["Cache-Control"].startswith("private") or "no-store" in page["Cache-Control"]
    assert '<span class="cart-count">(2)</span>' in html


def test_tampered_price_fields_are_ignored(client, shop):
    client.post(ADD, {"variant": shop["R-G52"].pk, "quantity": "1", "price": "0.01", "total": "0.01"})
    page = client.get(CART)
    assert page.context["totals"].subtotal == Decimal("480.00")
    assert "0.01" not in page.content.decode().split('id="cart-totals"')[1]


@pytest.mark.parametrize("quantity", ["0", "-3", "2.5", "ten", "", "100000", "11"])
def test_bad_quantities_get_a_clear_400_and_change_nothing(client, shop, quantity):
    client.post(ADD, {"variant": shop["R-S54"].pk, "quantity": "1"})
    line = CartLine.objects.get()
    for url, data in (
        (ADD, {"variant": shop["R-S54"].pk, "quantity": quantity}),
        (f"/en/cart/lines/{line.public_id}/quantity/", {"quantity": quantity}),
    ):
        response = client.post(url, data)
        assert response.status_code == 400
        assert "Nothing was changed." in response.content.decode()
    assert lines_of(the_guest_cart()) == [("R-S54", 1)]


@pytest.mark.parametrize(
    ("variant", "message"),
    [
        ("999999", "does not exist"),
        ("abc", "does not exist"),
        ("", "does not exist"),
        ("N-OUT", "out of stock"),
        ("X-OLD", "no longer for sale"),
    ],
)
def test_unknown_inactive_or_sold_out_variants_are_refused_without_making_a_cart(client, shop, variant, message):
    value = shop[variant].pk if variant in shop else variant
    response = client.post(ADD, {"variant": value, "quantity": "1"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Cart.objects.exists()
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_more_than_the_stock_is_refused(client, shop):
    response = client.post(ADD, {"variant": shop["R-G52"].pk, "quantity": "4"})
    assert response.status_code == 400 and "Only 3 of this piece are available" in response.content.decode()


def test_missing_csrf_token_is_403_and_changes_nothing(shop):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(ADD, {"variant": shop["R-S54"].pk, "quantity": "1"})
    assert response.status_code == 403
    assert not CartLine.objects.exists()


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_wrong_method_gets_405_with_a_sentence(client, shop, method):
    response = getattr(client, method)(ADD)
    assert response.status_code == 405
    assert "only accepts a submitted form" in response.content.decode()
    assert client.post(CART).status_code == 405


def test_update_and_remove_a_line(client, shop):
    client.post(ADD, {"variant": shop["R-S54"].pk, "quantity": "1"})
    line = CartLine.objects.get()
    assert client.post(f"/en/cart/lines/{line.public_id}/quantity/", {"quantity": "4"}).status_code == 303
    assert lines_of(the_guest_cart()) == [("R-S54", 4)]
    assert client.post(f"/en/cart/lines/{line.public_id}/remove/").status_code == 303
    assert lines_of(the_guest_cart()) == []


@pytest.mark.policy("C1")
def test_another_customers_line_is_404_and_untouched(customer_client, other_customer_client, shop):
    other_customer_client.post(ADD, {"variant": shop["R-S54"].pk, "quantity": "2"})
    theirs = CartLine.objects.get()
    customer_client.post(ADD, {"variant": shop["R-G52"].pk, "quantity": "1"})
    for url in (f"/en/cart/lines/{theirs.public_id}/quantity/", f"/en/cart/lines/{theirs.public_id}/remove/"):
        assert customer_client.post(url, {"quantity": "5"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.quantity == 2
    mine = customer_client.get(CART).content.decode()
    assert "R-S54" not in mine and "R-G52" in mine


@pytest.mark.policy("C1")
def test_a_guest_cannot_reach_a_line_without_a_cart(client, customer_client, shop):
    customer_client.post(ADD, {"variant": shop["R-S54"].pk, "quantity": "2"})
    line = CartLine.objects.get()
    assert client.post(f"/en/cart/lines/{line.public_id}/remove/").status_code == 404
    assert CartLine.objects.filter(pk=line.pk).exists()


def test_login_merges_the_guest_cart_into_the_account_cart(client, customer, shop):
    account = Cart.objects.create(owner=customer)
    CartLine.objects.create(cart=account, variant=shop["R-G52"], quantity=2)
    client.post(ADD, {"variant": shop["R-G52"].pk, "quantity": "2"})
    client.post(ADD, {"variant": shop["R-S54"].pk, "quantity": "1"})
    response = client.post("/en/account/login/", {"username": customer.email, "password": CUSTOMER_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    assert lines_of(account) == [("R-G52", 3), ("R-S54", 1)]
    assert not Cart.objects.filter(owner__isnull=True).exists()
    page = client.get("/en/").content.decode()
    assert '<span class="cart-count">(4)</span>' in page


def test_add_to_cart_is_recorded_for_analytics_only_with_consent(client, shop):
    from allegra.analytics.models import Event

    client.post(ADD, {"variant": shop["R-S54"].pk, "quantity": "1"})
    assert not Event.objects.filter(kind="add_to_cart").exists()


def test_add_to_cart_is_recorded_for_analytics_with_performance_consent(client, customer, customer_client, shop):
    import uuid

    from allegra.analytics.models import Event
    from allegra.consent.state import ConsentState
    from allegra.wishlist import services as wishlist_services

    state = ConsentState(
        consent_id=uuid.uuid4(),
        decided=True,
        performance=True,
        advertising=False,
        gpc_honoured=False,
        policy_version=settings.PRIVACY_POLICY_VERSION,
    )
    client.cookies[settings.CONSENT_COOKIE_NAME] = state.to_cookie()
    client.post(ADD, {"variant": shop["R-S54"].pk, "quantity": "1"})
    customer_client.cookies[settings.CONSENT_COOKIE_NAME] = state.to_cookie()
    wishlist_services.add_to_wishlist(user=customer, variant=shop["R-G52"])
    customer_client.post("/en/wishlist/move-to-cart/", {"variant": shop["R-G52"].pk})
    events = Event.objects.filter(kind="add_to_cart")
    assert sorted(events.values_list("product__slug", flat=True)) == ["aegean-ring", "aegean-ring"]
