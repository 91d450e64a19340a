"""The checkout pages (U1, U2, C4): the form, placing the order, paying on the order's page, the confirmation,
the pay link of an approved order, and every kind of bad input (nothing charged, nothing half-written)."""

from __future__ import annotations

import re
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from allegra.accounts.models import Address
from allegra.analytics.models import Event
from allegra.catalog.models import Variant
from allegra.checkout import paylink
from allegra.checkout.services import MARKETING_OPT_OUT_TEXT
from allegra.consent.models import PurposeConsentRecord
from allegra.fraud.models import FraudAssessment
from allegra.fraud.services import review
from allegra.orders.models import Order, OrderLine, OrderState
from allegra.payments.models import Payment
from tests.analytics.test_events import consent_cookie
from tests.payments.conftest import CHALLENGE, DECLINE, SUCCESS, browser_token

pytestmark = [pytest.mark.django_db]

CHECKOUT = "/en/checkout/"
# The checkout form's GET for a guest with one line in the cart: session, cart, its lines with variants and
# products (cart.selectors), the settings of delivery.
CHECKOUT_GET_QUERIES = 4
# Session, order with its lines, fraud assessment, payment, categories of the header.
ORDER_PAGE_QUERIES = 6


def add(client: Client, variant, quantity: int = 1):
    response = client.post("/en/cart/add/", {"variant": variant.pk, "quantity": quantity})
    assert response.status_code == 303, response.content
    return response


def form_key(client: Client) -> str:
    page = client.get(CHECKOUT)
    assert page.status_code == 200
    return re.search(r'name="idempotency_key" value="([^"]+)"', page.content.decode()).group(1)


def guest_details(key: str, **overrides) -> dict:
    data = {
        "idempotency_key": key,
        "email": "eleni@example.com",
        "telephone": "691 234 5678",
        "shipping_method": "courier",
        "shipping-recipient_name": "Ελένη Παπαδοπούλου",
        "shipping-street": "Ερμού",
        "shipping-number": "12",
        "shipping-city": "Αθήνα",
        "shipping-postcode": "105 63",
        "shipping-country": "GR",
        "billing_choice": "same",
        "accept_terms": "on",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def place(client: Client, **overrides):
    return client.post(CHECKOUT, guest_details(form_key(client), **overrides))


def order_url(order: Order) -> str:
    return f"/en/checkout/orders/{order.public_id}/"


def pay_on_page(client: Client, order: Order, number: str = SUCCESS):
    payment = Payment.objects.get(payable=order.number)
    return client.post(f"/payments/{payment.public_id}/pay", {"token": browser_token(client, number)})


def nothing_written() -> bool:
    return not (Order.objects.exists() or OrderLine.objects.exists() or Payment.objects.exists())


# The page ----------------------------------------------------------------------------------------------------


def test_an_empty_cart_is_sent_back_to_the_cart(client):
    response = client.get(CHECKOUT)
    assert response.status_code == 303 and response["Location"] == "/en/cart/"


def test_a_cart_with_pieces_that_cannot_be_bought_is_sent_back_to_the_cart(client, shop, english):
    add(client, shop["R-S54"])
    add(client, shop["R-G52"], 2)
    Variant.objects.filter(pk=shop["R-G52"].pk).update(stock=1)
    response = client.get(CHECKOUT)
    assert response.status_code == 303 and response["Location"] == "/en/cart/"
    assert "Please change your cart first." in client.get("/en/cart/").content.decode()


@pytest.mark.policy("U1")
def test_the_form_shows_delivery_fees_totals_with_vat_and_the_unticked_box(client, shop):
    add(client, shop["R-S54"])  # 95.50: over the free-delivery threshold
    add(client, shop["R-G52"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(CHECKOUT)
    assert page.status_code == 200
    assert len(queries) == CHECKOUT_GET_QUERIES, [q["sql"] for q in queries]
    html = page.content.decode()
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    for method in ("courier", "locker", "store_pickup"):
        assert f'value="{method}"' in html
    assert "Courier to your door" in html and "Courier locker" in html and "Pick-up in store" in html
    assert 'id="summary-total"><strong>575.50' in html.replace("\xa0", "").replace("€", "")
    assert "VAT 24% included" in html
    box = re.search(r'<input type="checkbox" name="marketing_opt_out"[^>]*>', html).group(0)
    assert "checked" not in box
    assert str(MARKETING_OPT_OUT_TEXT) in html
    assert 'name="accept_terms"' in html and "/en/checkout/terms/" in html


def test_the_fee_is_shown_under_the_free_delivery_threshold(client, shop, settings):
    settings.CHECKOUT_FREE_SHIPPING_FROM = "1000.00"
    add(client, shop["R-S54"])
    html = client.get(CHECKOUT).content.decode().replace("\xa0", "")
    assert 'data-total="€100.40"' in html  # 95.50 + 4.90 by courier
    assert 'data-total="€98.40"' in html  # 95.50 + 2.90 to a locker
    assert 'data-total="€95.50"' in html  # pick-up in store


def test_the_terms_of_sale_name_the_seller_and_the_right_to_withdraw(client, django_assert_num_queries):
    with django_assert_num_queries(1):  # the header's categories
        page = client.get("/en/checkout/terms/")
    assert page.status_code == 200
    html = page.content.decode()
    assert settings.SHOP_VAT_NUMBER in html and "14 days" in html


# Placing the order -------------------------------------------------------------------------------------------


@pytest.mark.policy("U1")
@pytest.mark.policy("C4")
def test_a_guest_places_pays_and_sees_the_confirmation(client, shop, smtp_server, django_capture_on_commit_callbacks):
    add(client, shop["R-S54"], 2)
    response = place(client)
    order = Order.objects.get()
    assert response.status_code == 303 and response["Location"] == order_url(order)
    assert order.state == OrderState.PENDING_PAYMENT and order.user is None
    assert order.total == Decimal("191.00") and order.phone == "+306912345678"
    assert order.shipping_address_data["postcode"] == "10563"
    assert order.billing_address_data == order.shipping_address_data
    assert Variant.objects.get(pk=shop["R-S54"].pk).stock == 18

    page = client.get(order_url(order))
    assert page.status_code == 200
    assert "card-payment-form" in page.content.decode() and "Pay for your order" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        paid = pay_on_page(client, order)
    assert paid.status_code == 303 and paid["Location"] == order_url(order)
    confirmation = client.get(order_url(order))
    html = confirmation.content.decode()
    assert "Thank you for your order" in html and order.number in html and "card-payment-form" not in html
    order.refresh_from_db()
    assert order.state == OrderState.PAID and order.invoice is not None
    assert [m["To"] for m in smtp_server.messages] == ["eleni@example.com"]
    assert order.number in smtp_server.messages[0]["Subject"]
    assert client.get("/en/cart/").content.decode().count("cart-line ") == 0


def test_a_declined_card_says_so_and_the_form_is_there_again(client, shop, english):
    add(client, shop["R-S54"])
    place(client)
    order = Order.objects.get()
    pay_on_page(client, order, DECLINE)
    page = client.get(order_url(order))
    html = page.content.decode()
    assert "Your card was declined" in html and "card-payment-form" in html
    pay_on_page(client, order, SUCCESS)
    assert Order.objects.get().state == OrderState.PAID


def test_a_3ds_card_goes_to_the_challenge_and_back_to_the_order(client, shop):
    add(client, shop["R-S54"])
    place(client)
    order = Order.objects.get()
    response = pay_on_page(client, order, CHALLENGE)
    assert "/psp/challenge/" in response["Location"]
    payment = Payment.objects.get()
    assert payment.return_url == order_url(order)


@pytest.mark.policy("U5")
def test_the_purchase_is_recorded_once_and_only_with_consent(client, shop):
    client.cookies[settings.CONSENT_COOKIE_NAME] = consent_cookie(performance=True)
    add(client, shop["R-S54"])
    place(client)
    order = Order.objects.get()
    pay_on_page(client, order)
    client.get(order_url(order))
    client.get(order_url(order))
    purchases = Event.objects.filter(kind="purchase")
    assert purchases.count() == 1 and purchases.get().value == order.total
    assert str(order.public_id) not in purchases.get().path


def test_no_purchase_event_without_consent(client, shop):
    add(client, shop["R-S54"])
    place(client)
    order = Order.objects.get()
    pay_on_page(client, order)
    client.get(order_url(order))
    assert not Event.objects.filter(kind="purchase").exists()


@pytest.mark.policy("U1")
def test_a_double_post_of_the_same_form_makes_one_order(client, shop):
    add(client, shop["R-S54"])
    details = guest_details(form_key(client))
    first = client.post(CHECKOUT, details)
    second = client.post(CHECKOUT, details)
    assert Order.objects.count() == 1 and Payment.objects.count() == 1
    assert first["Location"] == second["Location"] == order_url(Order.objects.get())
    assert Variant.objects.get(pk=shop["R-S54"].pk).stock == 19


def test_tampered_prices_totals_and_quantities_are_ignored(client, shop):
    add(client, shop["R-S54"])
    place(client, total="0.01", price="0.01", unit_price="0.01", quantity="50", shipping_fee="0", items_total="1")
    order = Order.objects.get()
    line = order.lines.get()
    assert (line.unit_price, line.quantity, order.total) == (Decimal("95.50"), 1, Decimal("95.50"))


def test_pick_up_in_store_delivers_to_the_shop_and_bills_the_customer(client, shop):
    add(client, shop["R-S54"])
    place(client, shipping_method="store_pickup")
    order = Order.objects.get()
    assert order.shipping_fee == Decimal("0.00")
    assert order.shipping_address_data["street"] == settings.CHECKOUT_STORE_ADDRESS["street"]
    assert order.shipping_address_data["recipient_name"] == "Ελένη Παπαδοπούλου"
    assert order.billing_address_data["street"] == "Ερμού"


def test_a_separate_billing_address_is_used(client, shop):
    add(client, shop["R-S54"])
    place(
        client,
        **{
            "billing_choice": "new",
            "billing-recipient_name": "Allegra Test ΙΚΕ",
            "billing-street": "Σταδίου",
            "billing-number": "5",
            "billing-city": "Αθήνα",
            "billing-postcode": "10562",
            "billing-country": "GR",
        },
    )
    order = Order.objects.get()
    assert order.billing_address_data["street"] == "Σταδίου"
    assert order.shipping_address_data["street"] == "Ερμού"


# Bad input: refused with the reason, nothing written ---------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"telephone": "12"}, "Enter a valid telephone number"),
        ({"telephone": None}, "This field is required."),
        ({"shipping-postcode": "1056"}, "A Greek postcode has five digits"),
        ({"shipping-street": ""}, "This field is required."),
        ({"accept_terms": None}, "Please accept the terms of sale to place your order."),
        ({"shipping_method": "drone"}, "Select a valid choice."),
        ({"billing_choice": "00000000-0000-0000-0000-000000000000"}, "Select a valid choice."),
        ({"idempotency_key": "short"}, "This form has expired."),
        ({"shipping-recipient_name": "x" * 151}, "Ensure this value has at most 150 characters"),
        ({"billing_choice": "new"}, "This field is required."),
    ],
)
def test_bad_details_are_refused_with_the_reason_and_nothing_is_written(client, shop, overrides, message):
    add(client, shop["R-S54"])
    response = place(client, **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert nothing_written()
    assert Variant.objects.get(pk=shop["R-S54"].pk).stock == 20


def test_sold_out_between_cart_and_checkout_is_refused_and_nothing_is_charged(client, shop):
    add(client, shop["R-G52"], 2)
    key = form_key(client)
    Variant.objects.filter(pk=shop["R-G52"].pk).update(stock=1)
    response = client.post(CHECKOUT, guest_details(key))
    assert response.status_code == 409
    assert "not enough left of" in response.content.decode()
    assert nothing_written() and Variant.objects.get(pk=shop["R-G52"].pk).stock == 1


def test_an_expired_cart_is_refused_and_nothing_is_written(client, shop):
    add(client, shop["R-S54"])
    key = form_key(client)
    session = client.session
    session.pop("cart_key", None)
    session.flush()
    response = Client().post(CHECKOUT, guest_details(key))
    assert response.status_code == 400
    assert "Your cart is empty." in response.content.decode()
    assert nothing_written()


def test_a_post_without_the_csrf_token_is_refused_and_nothing_is_written(shop):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/en/")
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    assert browser.post("/en/cart/add/", {"variant": shop["R-S54"].pk, "csrfmiddlewaretoken": token}).status_code == 303
    response = browser.post(CHECKOUT, guest_details("k" * 32))
    assert response.status_code == 403
    assert nothing_written()


def test_other_methods_are_refused(client):
    assert client.put(CHECKOUT).status_code == 405
    assert client.post("/en/checkout/terms/").status_code == 405


# Who sees an order's page ------------------------------------------------------------------------------------


def test_an_order_page_is_only_for_the_browser_that_placed_it_or_its_owner(client, shop, customer_client):
    add(client, shop["R-S54"])
    place(client)
    order = Order.objects.get()
    assert Client().get(order_url(order)).status_code == 404
    assert customer_client.get(order_url(order)).status_code == 404
    assert client.get("/en/checkout/orders/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_the_order_page_has_a_pinned_number_of_queries(client, shop):
    add(client, shop["R-S54"])
    place(client)
    order = Order.objects.get()
    client.get(order_url(order))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(order_url(order)).status_code == 200
    assert len(queries) == ORDER_PAGE_QUERIES, [q["sql"] for q in queries]


# A signed-in customer ----------------------------------------------------------------------------------------


def saved_address(customer, **values) -> Address:
    from allegra.accounts.services.profile import create_address

    fields = {
        "kind": "shipping",
        "recipient_name": "Maria Georgiou",
        "street": "Tsimiski",
        "number": "45",
        "city": "Thessaloniki",
        "postcode": "54623",
        "country": "GR",
        **values,
    }
    return create_address(user=customer, **fields)


@pytest.mark.policy("U2")
def test_a_customer_picks_a_saved_address_and_opts_out_of_news(customer, customer_client, shop):
    address = saved_address(customer)
    add(customer_client, shop["R-S54"])
    page = customer_client.get(CHECKOUT).content.decode()
    assert "Tsimiski" in page and customer.email in page
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    data = guest_details(key, email=customer.email, shipping_choice=str(address.public_id), marketing_opt_out="on")
    for name in [name for name in data if name.startswith("shipping-")]:
        data.pop(name)
    response = customer_client.post(CHECKOUT, data)
    order = Order.objects.get()
    assert response.status_code == 303 and order.user == customer
    assert order.shipping_address_data["street"] == "Tsimiski"
    record = PurposeConsentRecord.objects.get()
    assert record.granted is False and record.notice.text == str(MARKETING_OPT_OUT_TEXT)
    assert customer_client.get(order_url(order)).status_code == 200


def test_a_customer_can_save_a_new_address_in_the_book(customer, customer_client, shop):
    add(customer_client, shop["R-S54"])
    page = customer_client.get(CHECKOUT).content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    customer_client.post(CHECKOUT, guest_details(key, email=customer.email, save_addresses="on"))
    assert [a.street for a in Address.objects.filter(user=customer)] == ["Ερμού"]


def test_someone_elses_saved_address_cannot_be_chosen(customer_client, other_customer, shop):
    theirs = saved_address(other_customer)
    add(customer_client, shop["R-S54"])
    response = place(customer_client, shipping_choice=str(theirs.public_id))
    assert response.status_code == 400 and nothing_written()


# The pay link of an order approved after a fraud review ------------------------------------------------------


@pytest.mark.policy("U4")
def test_a_held_order_takes_no_payment_and_its_pay_link_opens_the_card_form(
    client, shop, settings, smtp_server, django_capture_on_commit_callbacks
):
    settings.FRAUD_HOLD_SCORE = 10  # billing abroad is enough to hold it
    add(client, shop["R-S54"])
    place(
        client,
        **{
            "billing_choice": "new",
            "billing-recipient_name": "Eleni P.",
            "billing-street": "Rue de Rivoli",
            "billing-number": "5",
            "billing-city": "Paris",
            "billing-postcode": "75001",
            "billing-country": "FR",
        },
    )
    order = Order.objects.get()
    page = client.get(order_url(order)).content.decode()
    assert "We are checking your order" in page and "card-payment-form" not in page
    assert not Payment.objects.exists()
    assessment = FraudAssessment.objects.get()
    assert assessment.is_pending_review

    with django_capture_on_commit_callbacks(execute=True):
        review(assessment=assessment, decision="approve", reason="Known customer, checked by phone.", actor=None)
    message = smtp_server.messages[-1]
    assert message["To"] == "eleni@example.com" and order.number in message["Subject"]
    path = re.search(r"/en/checkout/pay/[^\s/]+/", message.get_body(("plain",)).get_content()).group(0)
    stranger = Client()
    assert stranger.get(path)["Location"] == order_url(order)
    assert "card-payment-form" in stranger.get(order_url(order)).content.decode()


def test_a_forged_or_expired_pay_link_opens_nothing(client, shop, settings):
    add(client, shop["R-S54"])
    place(client)
    order = Order.objects.get()
    stranger = Client()
    assert stranger.get("/en/checkout/pay/forged-token/").status_code == 404
    old = paylink.make_token(order, now=time.time() - settings.CHECKOUT_PAY_LINK_SECONDS - 5)
    assert stranger.get(f"/en/checkout/pay/{old}/").status_code == 404
    assert stranger.get(order_url(order)).status_code == 404


def test_a_pay_link_is_not_sent_for_an_order_no_longer_waiting_for_payment(client, shop, smtp_server):
    add(client, shop["R-S54"])
    place(client)
    order = Order.objects.get()
    Order.objects.filter(pk=order.pk).update(state=OrderState.CANCELLED)
    order.refresh_from_db()
    assert paylink.send_pay_link(order) is False and smtp_server.messages == []


def test_a_customers_unpaid_order_can_be_paid_from_the_account(customer, customer_client, shop):
    add(customer_client, shop["R-S54"])
    place(customer_client, email=customer.email)
    order = Order.objects.get()
    detail = customer_client.get(f"/en/account/orders/{order.public_id}/").content.decode()
    assert f'href="{order_url(order)}"' in detail
    customer_client.logout()
    customer_client.force_login(customer)  # a new session: the account alone opens the order's page
    assert "card-payment-form" in customer_client.get(order_url(order)).content.decode()
