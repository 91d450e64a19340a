"""Payments in the back office: read-only for everyone; a refund page for those with `payments.change_payment`
(the Store manager, see the roles request), which refunds through the service and writes the audit log."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from allegra.core.models import AuditEntry
from allegra.payments.models import Payment, Refund
from tests.backoffice.support import verified_client
from tests.payments.conftest import SUCCESS, browser_token, pay

pytestmark = [pytest.mark.django_db, pytest.mark.policy("C4")]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def staff(email: str, *codenames: str):
    user = get_user_model().objects.create_user(email, "back-office-pass-2026", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="payments", codename__in=codenames))
    return user


@pytest.fixture
def paid(client, start):
    payment = start(amount_cents=10_000)
    pay(client, payment, browser_token(client, SUCCESS))
    payment.refresh_from_db()
    return payment


def test_the_payment_page_is_read_only_and_shows_no_card_number(client, paid, django_assert_max_num_queries):
    reader = verified_client(client, staff("cs@allegra.example", "view_payment", "view_refund"))
    with django_assert_max_num_queries(14):
        listing = reader.get("/admin/payments/payment/")
    assert listing.status_code == 200 and "A-1001" in listing.content.decode()
    page = reader.get(f"/admin/payments/payment/{paid.pk}/change/")
    body = page.content.decode()
    assert page.status_code == 200 and "4242" in body and "4242424242424242" not in body
    assert "/refund/" not in body  # no refund link without the right
    assert reader.get(f"/admin/payments/payment/{paid.pk}/refund/").status_code == 403
    assert reader.post(f"/admin/payments/payment/{paid.pk}/change/", {}).status_code == 403


def test_a_store_manager_refunds_part_then_the_rest(client, paid):
    manager = staff("sm@allegra.example", "view_payment", "change_payment", "view_refund")
    browser = verified_client(client, manager)
    page = browser.get(f"/admin/payments/payment/{paid.pk}/change/")
    assert f"/admin/payments/payment/{paid.pk}/refund/" in page.content.decode()
    url = f"/admin/payments/payment/{paid.pk}/refund/"
    assert browser.get(url).status_code == 200
    done = browser.post(url, {"amount": "25,50", "reason": "Scratched clasp"})
    assert done.status_code == 302
    paid.refresh_from_db()
    assert (paid.status, paid.amount_refunded_cents) == (Payment.Status.PARTLY_REFUNDED, 2_550)
    entry = AuditEntry.objects.get()
    assert entry.actor == manager and entry.subject == str(paid.public_id) and "Scratched clasp" in entry.reason
    browser.post(url, {"amount": "74.50", "reason": "Returned"})
    paid.refresh_from_db()
    assert paid.status == Payment.Status.REFUNDED and Refund.objects.count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {"amount": "100.01", "reason": "x"},
        {"amount": "abc", "reason": "x"},
        {"amount": "1.234", "reason": "x"},
        {"amount": "-5", "reason": "x"},
        {"amount": "5", "reason": ""},
    ],
)
def test_bad_refund_input_is_refused_with_a_message_and_nothing_refunded(client, paid, data):
    browser = verified_client(client, staff("sm@allegra.example", "view_payment", "change_payment"))
    response = browser.post(f"/admin/payments/payment/{paid.pk}/refund/", data)
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    paid.refresh_from_db()
    assert paid.amount_refunded_cents == 0 and not Refund.objects.exists() and not AuditEntry.objects.exists()
