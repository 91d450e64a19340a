"""The customer's order pages and a guest's look-up (U1, C1, C3)."""

from __future__ import annotations

import re
import time

import pytest
from django.core.cache import cache
from django.test import Client

from allegra.orders import lookup, services
from tests.orders.conftest import line

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def paid_order(make_order, customer):
    order = make_order(user=customer, language="en", lines=[line("A"), line("B", "80.00", 2)])
    services.mark_paid(order=order, payment_reference="psp")
    return order


@pytest.mark.policy("C3")
def test_history_lists_own_orders_with_pinned_queries(
    customer_client, customer, make_order, paid_order, other_customer, django_assert_num_queries
):
    make_order(user=customer, language="en")
    make_order(user=other_customer, language="en")
    customer_client.get("/en/account/orders/")  # warm the session
    # session, user, the orders with their invoices (one join), the header's categories
    with django_assert_num_queries(4):
        response = customer_client.get("/en/account/orders/")
    assert response.status_code == 200
    body = response.content.decode()
    assert paid_order.number in body and paid_order.invoice.number in body
    assert body.count("/en/account/orders/") >= 3  # nav link + two orders
    assert response["Cache-Control"].count("no-store") == 1
    assert "My orders" in body


@pytest.mark.policy("C3")
def test_detail_shows_lines_history_and_invoice_with_pinned_queries(
    customer_client, paid_order, django_assert_num_queries
):
    url = f"/en/account/orders/{paid_order.public_id}/"
    customer_client.get(url)
    # session, user, the order with its invoice, its lines, its events, the header's categories
    with django_assert_num_queries(6):
        response = customer_client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ring A" in body and "Ring B" in body and "280.00" in body
    assert "Pending payment" in body and "Paid" in body
    assert f"/en/account/orders/{paid_order.public_id}/invoice.pdf" in body


def test_invoice_download_for_the_owner(customer_client, paid_order):
    response = customer_client.get(f"/en/account/orders/{paid_order.public_id}/invoice.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert paid_order.invoice.number in response["Content-Disposition"]


@pytest.mark.policy("C1")
def test_someone_elses_order_is_a_404(other_customer_client, paid_order):
    for path in ("/", "/invoice.pdf"):
        response = other_customer_client.get(f"/en/account/orders/{paid_order.public_id}{path}")
        assert response.status_code == 404
    listing = other_customer_client.get("/en/account/orders/").content.decode()
    assert paid_order.number not in listing


def test_pages_need_a_login(paid_order):
    response = Client().get(f"/en/account/orders/{paid_order.public_id}/")
    assert response.status_code == 302 and "/login" in response["Location"]


# Guest look-up ------------------------------------------------------------------------------------------


@pytest.fixture
def guest_order(make_order):
    order = make_order(email="Guest@Example.com", language="en")
    services.mark_paid(order=order, payment_reference="psp")
    return order


def _look_up(client, number, email):
    return client.post("/en/orders/lookup/", {"number": number, "email": email})


@pytest.mark.policy("C1")
def test_lookup_answers_the_same_and_mails_only_the_owner(guest_order, smtp_server, settings):
    settings.SITE_URL = "https://allegra.example"
    client = Client()
    matching = _look_up(client, guest_order.number.lower(), "guest@example.com")
    wrong_email = _look_up(client, guest_order.number, "someone@example.com")
    wrong_number = _look_up(client, "AJ-2222222222", "guest@example.com")
    assert matching.status_code == wrong_email.status_code == wrong_number.status_code == 200

    def strip(response):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    assert strip(matching) == strip(wrong_email) == strip(wrong_number)
    [message] = smtp_server.messages
    assert message["To"] == "Guest@Example.com"
    link = re.search(r"https://allegra\.example(/en/orders/view/[^/\s]+/)", message.get_body(("plain",)).get_content())
    page = client.get(link.group(1))
    assert page.status_code == 200
    body = page.content.decode()
    assert guest_order.number in body and "Ring RING-1" in body
    assert "invoice.pdf" in body
    pdf = client.get(link.group(1) + "invoice.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    # The email address never shows in the link.
    assert "guest" not in link.group(1).lower()


def test_lookup_link_expires_and_forgeries_fail(guest_order, settings, django_assert_num_queries):
    client = Client()
    old = lookup.make_token(order=guest_order, now=time.time() - settings.ORDER_LOOKUP_LINK_SECONDS - 5)
    assert client.get(f"/en/orders/view/{old}/").status_code == 404
    assert client.get(f"/en/orders/view/{old}/invoice.pdf").status_code == 404
    fresh = lookup.make_token(order=guest_order)
    # the link's order, the order with its invoice, its lines, its events, the header's categories
    with django_assert_num_queries(5):
        assert client.get(f"/en/orders/view/{fresh}/").status_code == 200
    tampered = fresh[:-4] + ("AAAA" if not fresh.endswith("AAAA") else "BBBB")
    assert client.get(f"/en/orders/view/{tampered}/").status_code == 404
    assert client.get("/en/orders/view/nonsense/").status_code == 404


def test_lookup_is_throttled_per_network(guest_order, settings, smtp_server):
    settings.ORDER_LOOKUP_ATTEMPTS = 3
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        assert _look_up(client, "AJ-2222222222", "x@example.com").status_code == 200
    neighbour = Client(REMOTE_ADDR="203.0.113.99")  # same /24
    refused = _look_up(neighbour, guest_order.number, "guest@example.com")
    assert refused.status_code == 429
    assert smtp_server.messages == []
    elsewhere = Client(REMOTE_ADDR="198.51.100.4")
    assert _look_up(elsewhere, guest_order.number, "guest@example.com").status_code == 200


def test_lookup_bad_input_is_a_clear_400(smtp_server):
    response = _look_up(Client(), "", "not-an-email")
    assert response.status_code == 400
    assert smtp_server.messages == []
