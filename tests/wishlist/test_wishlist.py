"""The wish list (C5): saving from the product page and listing cards, the page with current prices and stock,
remove and move to cart, a guest's piece kept through login, isolation between customers, the data map."""

from decimal import Decimal

import pytest
from django.test import Client

from allegra.cart.models import CartLine
from allegra.catalog.models import Variant
from allegra.wishlist import services
from allegra.wishlist.models import MAX_ITEMS, WishlistItem
from tests.wishlist.conftest import CUSTOMER_PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.policy("C5")]

ADD, REMOVE, MOVE, LIST = "/en/wishlist/add/", "/en/wishlist/remove/", "/en/wishlist/move-to-cart/", "/en/wishlist/"


def saved(user):
    return sorted(WishlistItem.objects.filter(user=user).values_list("variant__sku", flat=True))


def test_save_from_the_product_page_then_the_button_says_saved(customer, customer_client, shop):
    page = customer_client.get("/en/p/aegean-ring/").content.decode()
    assert 'action="/en/wishlist/add/"' in page and "Save to wish list" in page
    response = customer_client.post(ADD, {"variant": shop["R-S54"].pk, "next": "/en/p/aegean-ring/?variant=R-S54"})
    assert response.status_code == 303 and response["Location"] == "/en/p/aegean-ring/?variant=R-S54"
    assert saved(customer) == ["R-S54"]
    page = customer_client.get("/en/p/aegean-ring/?variant=R-S54").content.decode()
    assert 'action="/en/wishlist/remove/"' in page and "Saved in your wish list" in page
    # Saving again changes nothing.
    customer_client.post(ADD, {"variant": shop["R-S54"].pk})
    assert saved(customer) == ["R-S54"]


def test_save_from_a_listing_card_takes_the_default_variant_and_remove_takes_the_piece_out(
    customer, customer_client, shop
):
    page = customer_client.get("/en/c/rings/").content.decode()
    assert 'name="product" value="aegean-ring"' in page
    customer_client.post(ADD, {"product": "aegean-ring", "next": "/en/c/rings/"})
    assert saved(customer) == ["R-G52"]  # the first in stock, in the shop's order
    page = customer_client.get("/en/c/rings/").content.decode()
    assert "Saved in your wish list" in page
    assert customer_client.post(REMOVE, {"product": "aegean-ring"}).status_code == 303
    assert saved(customer) == []


def test_the_page_shows_current_price_and_stock_and_moves_to_cart(customer, customer_client, shop):
    services.add_to_wishlist(user=customer, variant=shop["R-G52"])
    services.add_to_wishlist(user=customer, variant=shop["N-OUT"])
    Variant.objects.filter(sku="R-G52").update(price=Decimal("500.00"))
    page = customer_client.get(LIST)
    html = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "500.00" in html and "Out of stock" in html and "In stock" in html
    # Move to cart: one in the cart, out of the wish list.
    response = customer_client.post(MOVE, {"variant": shop["R-G52"].pk})
    assert response.status_code == 303 and response["Location"] == "/en/cart/"
    assert list(CartLine.objects.filter(cart__owner=customer).values_list("variant__sku", "quantity")) == [("R-G52", 1)]
    assert saved(customer) == ["N-OUT"]
    # A sold-out piece cannot move: a clear refusal, both lists unchanged.
    response = customer_client.post(MOVE, {"variant": shop["N-OUT"].pk})
    assert response.status_code == 400 and "out of stock" in response.content.decode()
    assert saved(customer) == ["N-OUT"]
    assert CartLine.objects.count() == 1


def test_remove_from_the_page(customer, customer_client, shop):
    services.add_to_wishlist(user=customer, variant=shop["R-S54"])
    response = customer_client.post(REMOVE, {"variant": shop["R-S54"].pk, "next": LIST})
    assert response.status_code == 303 and response["Location"] == LIST
    assert saved(customer) == []


def test_a_guest_is_sent_to_log_in_and_the_piece_is_saved_after_login(client, customer, shop):
    response = client.post(ADD, {"variant": shop["R-S54"].pk, "next": "/en/p/aegean-ring/"})
    assert response.status_code == 303
    assert response["Location"].startswith("/en/account/login/?next=")
    assert not WishlistItem.objects.exists()
    response = client.post(response["Location"], {"username": customer.email, "password": CUSTOMER_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/en/p/aegean-ring/"
    assert saved(customer) == ["R-S54"]
    assert "wishlist_pending" not in client.session


def test_guests_cannot_see_the_page_or_remove(client, shop):
    response = client.get(LIST)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.post(REMOVE, {"variant": shop["R-S54"].pk}).status_code == 302


@pytest.mark.policy("C1")
def test_another_customers_items_are_not_reachable(customer, customer_client, other_customer, shop):
    services.add_to_wishlist(user=other_customer, variant=shop["R-S54"])
    assert customer_client.post(REMOVE, {"variant": shop["R-S54"].pk}).status_code == 404
    assert customer_client.post(REMOVE, {"product": "aegean-ring"}).status_code == 404
    assert customer_client.post(MOVE, {"variant": shop["R-S54"].pk}).status_code == 404
    assert saved(other_customer) == ["R-S54"]
    assert "R-S54" not in customer_client.get(LIST).content.decode()
    assert not CartLine.objects.exists()


@pytest.mark.parametrize(
    "data",
    [{"variant": "999999"}, {"variant": "abc"}, {"variant": ""}, {"product": "no-such-piece"}, {}],
)
def test_unknown_pieces_are_refused(customer, customer_client, shop, data):
    response = customer_client.post(ADD, data)
    assert response.status_code == 400 and "does not exist" in response.content.decode()
    assert saved(customer) == []


def test_a_piece_no_longer_for_sale_cannot_be_saved(customer, customer_client, shop):
    response = customer_client.post(ADD, {"variant": shop["X-OLD"].pk})
    assert response.status_code == 400 and "no longer for sale" in response.content.decode()
    assert saved(customer) == []


def test_the_list_is_bounded(customer, make_product):
    from tests.catalog.conftest import variant_spec

    product = make_product(variants=[variant_spec(price="10") for _ in range(MAX_ITEMS + 1)])
    variants = list(product.variants.all())
    WishlistItem.objects.bulk_create([WishlistItem(user=customer, variant=v) for v in variants[:MAX_ITEMS]])
    with pytest.raises(services.WishlistError, match="the most it can"):
        services.add_to_wishlist(user=customer, variant=variants[-1])


def test_missing_csrf_and_wrong_method(customer, shop):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(customer)
    assert browser.post(ADD, {"variant": shop["R-S54"].pk}).status_code == 403
    assert saved(customer) == []
    response = browser.get(ADD)
    assert response.status_code == 405 and "only accepts a submitted form" in response.content.decode()


def test_the_data_map_declares_the_wish_list_and_the_cart():
    from allegra.privacy.registry import Retention, personal_data_map

    wish = personal_data_map.models["wishlist.WishlistItem"]
    assert {f.field for f in wish.fields} == {"variant", "added_at"}
    assert all(f.clause == "C5" and f.retention == Retention.WHILE_ACCOUNT_EXISTS for f in wish.fields)
    assert all(f.erasure == "delete" for f in wish.fields)
    cart = personal_data_map.models["cart.Cart"]
    (key,) = cart.fields
    assert key.field == "session_key" and key.retention == Retention.GUEST_CARTS
    assert key.category == "user.device.cookie_id"
    lines = personal_data_map.models["cart.CartLine"]
    assert lines.subject_path == "cart__owner"
    assert all(f.retention == Retention.WHILE_ACCOUNT_EXISTS for f in lines.fields)


def test_erasing_the_account_erases_the_wish_list_and_cart(customer, customer_client, shop):
    services.add_to_wishlist(user=customer, variant=shop["R-S54"])
    customer_client.post("/en/cart/add/", {"variant": shop["R-S54"].pk, "quantity": "1"})
    customer.delete()
    assert not WishlistItem.objects.exists() and not CartLine.objects.exists()
