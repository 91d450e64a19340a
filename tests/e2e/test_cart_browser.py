"""The wish list and the cart in Chromium, without help from the server side of the test: a product page, save to
the wish list (sent to log in, saved after it), move to the cart, change the quantity, the totals are right;
no console error, no failed request, no request to another host."""

import pytest

from tests.cart.conftest import CUSTOMER_PASSWORD, customer, shop  # noqa: F401 - fixtures
from tests.catalog.conftest import make_category, make_product  # noqa: F401 - fixtures
from tests.e2e.test_account_browser import settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.policy("C5")]


def test_product_wish_list_cart_quantity_totals(live_server, customer, shop, page, browser_problems):  # noqa: F811
    email = customer.email
    page.goto(f"{live_server.url}/en/p/aegean-ring/?variant=R-S54")
    settle(page)
    page.click("form.wishlist-form button[type=submit]")

    # A guest is asked to log in; the piece is saved right after.
    page.wait_for_url("**/en/account/login/**")
    page.fill("#id_username", email)
    page.fill("#id_password", CUSTOMER_PASSWORD)
    settle(page)
    page.click("#login-form button[type=submit]")
    page.wait_for_url("**/en/p/aegean-ring/?variant=R-S54")
    assert "Saved in your wish list" in page.locator("form.wishlist-form").inner_text()

    settle(page)
    page.click("#wishlist-link")
    page.wait_for_url("**/en/wishlist/")
    item = page.locator(".wishlist-item[data-sku='R-S54']")
    assert "95.50" in item.inner_text()

    settle(page)
    item.locator("button:has-text('Move to cart')").click()
    page.wait_for_url("**/en/cart/")
    assert page.locator("#cart-cookie-note").is_visible()
    assert "(1)" in page.locator("#cart-link").inner_text()

    line = page.locator(".cart-line[data-sku='R-S54']")
    line.locator("input[name=quantity]").fill("3")
    settle(page)
    line.locator("button:has-text('Update')").click()
    page.wait_for_selector(".notices")
    assert page.locator(".cart-line[data-sku='R-S54'] input[name=quantity]").input_value() == "3"
    assert "286.50" in page.locator("#cart-subtotal").inner_text()
    assert "231.05" in page.locator("#cart-net").inner_text()
    assert "55.45" in page.locator("#cart-vat").inner_text()
    assert "(3)" in page.locator("#cart-link").inner_text()

    # The wish list is empty now: the piece moved.
    settle(page)
    page.goto(f"{live_server.url}/en/wishlist/")
    assert page.locator(".wishlist-item").count() == 0

    settle(page)
    assert browser_problems.items == []
