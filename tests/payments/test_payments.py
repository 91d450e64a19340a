"""The shop's payments (C4): a payment per payable, paid with a provider token through the shop's views, every
test card, 3-D Secure, the webhook (signature, staleness, replays, duplicates), refunds and the handler registry."""

from __future__ import annotations

import json
import time

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from allegra.core.models import AuditEntry
from allegra.payments import handlers, services
from allegra.payments.client import call
from allegra.payments.gateway import InvalidWebhook, PaymentGateway, get_gateway
from allegra.payments.models import Payment, Refund, WebhookEvent
from allegra.psp import conf as psp_conf
from allegra.psp.models import Event, PaymentIntent
from allegra.psp.webhooks import deliver, event_body, signature_header
from tests.payments.conftest import (
    CHALLENGE,
    DECLINE,
    INSUFFICIENT,
    PROVIDER_ERROR,
    RETURN_URL,
    SUCCESS,
    browser_token,
    pay,
)

pytestmark = [pytest.mark.django_db, pytest.mark.policy("C4")]
Status = Payment.Status


def test_the_test_provider_implements_the_gateway_interface():
    assert isinstance(get_gateway(), PaymentGateway)


def test_starting_a_payment_twice_with_one_key_makes_one_payment(start):
    first = start(key="order-A-1001")
    second = start(key="order-A-1001")
    assert first.pk == second.pk and Payment.objects.count() == 1 and PaymentIntent.objects.count() == 1
    assert first.status == Status.REQUIRES_PAYMENT_METHOD and first.provider_payment_id.startswith("pi_")
    with pytest.raises(services.PaymentError):
        start(key="order-A-1001", amount_cents=1)


@pytest.mark.parametrize("amount", [0, -5, "100", True])
def test_a_payment_needs_a_positive_whole_amount(start, amount):
    with pytest.raises(services.PaymentError):
        start(amount_cents=amount)
    assert not Payment.objects.exists()


def test_success_card_pays_and_keeps_only_token_brand_last4_expiry(client, start, heard, deliver_webhooks):
    payment = start()
    response = pay(client, payment, browser_token(client, SUCCESS))
    assert response.status_code == 303 and response["Location"] == RETURN_URL
    payment.refresh_from_db()
    assert payment.status == Status.SUCCEEDED
    assert (payment.card_brand, payment.card_last4, payment.card_exp_month) == ("visa", "4242", 8)
    assert payment.provider_token_id.startswith("tok_") and len(payment.card_fingerprint) == 64
    assert heard == [("A-1001", "requires_payment_method", "succeeded")]
    # The provider's webhook arrives later: the same news changes nothing and is not heard twice.
    assert deliver_webhooks() == [200]
    assert heard == [("A-1001", "requires_payment_method", "succeeded")]
    # A second click on Pay does not charge again.
    again = pay(client, payment, browser_token(client, SUCCESS))
    assert again.status_code == 303 and PaymentIntent.objects.get().status == "succeeded"


@pytest.mark.parametrize(("number", "code"), [(DECLINE, "card_declined"), (INSUFFICIENT, "insufficient_funds")])
def test_declined_cards_fail_with_a_message_and_another_card_can_pay(client, start, heard, number, code):
    payment = start()
    response = pay(client, payment, browser_token(client, number))
    assert response.status_code == 303 and response["Location"] == RETURN_URL
    payment.refresh_from_db()
    assert (payment.status, payment.failure_code) == (Status.FAILED, code)
    shown = [str(m) for m in response.wsgi_request._messages]
    assert len(shown) == 1 and "Nothing was charged" in shown[0]
    pay(client, payment, browser_token(client, SUCCESS))
    payment.refresh_from_db()
    assert payment.status == Status.SUCCEEDED and payment.failure_code == ""
    assert [after for _p, _b, after in heard] == ["failed", "succeeded"]


def test_provider_error_changes_nothing_and_says_to_try_again(client, start, heard):
    payment = start()
    response = pay(client, payment, browser_token(client, PROVIDER_ERROR))
    assert response.status_code == 303
    payment.refresh_from_db()
    assert payment.status == Status.REQUIRES_PAYMENT_METHOD and heard == []
    assert "not answering" in str(next(iter(response.wsgi_request._messages)))


def test_a_bad_token_is_refused_with_a_message(client, start):
    payment = start()
    response = pay(client, payment, "tok_forged")
    assert response.status_code == 303
    payment.refresh_from_db()
    assert payment.status == Status.REQUIRES_PAYMENT_METHOD
    assert pay(client, payment, "").status_code == 303


@pytest.mark.parametrize(("outcome", "status"), [("pass", Status.SUCCEEDED), ("fail", Status.FAILED)])
def test_3ds_challenge_then_back_to_the_shop(client, start, heard, outcome, status):
    payment = start()
    response = pay(client, payment, browser_token(client, CHALLENGE))
    assert response.status_code == 303 and response["Location"].startswith("/psp/challenge/")
    payment.refresh_from_db()
    assert payment.status == Status.REQUIRES_ACTION
    assert client.get(response["Location"]).status_code == 200
    back = client.post(response["Location"], {"outcome": outcome})
    assert back.status_code == 303
    assert back["Location"].startswith(f"http://testserver/payments/{payment.public_id}/return?payment_intent=pi_")
    landed = client.get(back["Location"])
    assert landed.status_code == 303 and landed["Location"] == RETURN_URL
    payment.refresh_from_db()
    assert payment.status == status
    assert heard[-1][2] == status
    if status == Status.FAILED:
        assert payment.failure_code == "authentication_failed"


def test_without_javascript_the_provider_sends_the_token_back_to_the_shop(client, start):
    payment = start()
    pay_url = f"http://testserver/payments/{payment.public_id}/pay"
    card = {"number": SUCCESS, "exp_month": "8", "exp_year": "2040", "cvc": "753", "name": "E P", "return_url": pay_url}
    to_shop = client.post("/psp/tokens", card)
    assert to_shop.status_code == 303 and to_shop["Location"].startswith(pay_url + "?token=tok_")
    landed = client.get(to_shop["Location"])
    assert landed.status_code == 303 and landed["Location"] == RETURN_URL
    payment.refresh_from_db()
    assert payment.status == Status.SUCCEEDED


def test_the_card_form_posts_card_fields_to_the_provider_and_only_the_token_to_the_shop(start):
    payment = start()
    request = RequestFactory().get("/el/checkout/pay/")
    html = Template("{% load payments %}{% card_form payment %}").render(
        Context({"request": request, "payment": payment, "csrf_token": "x"})
    )
    card_form, shop_form = html.split("<form")[1], html.split("<form")[2]
    assert 'action="/psp/tokens"' in card_form and 'name="number"' in card_form and 'name="cvc"' in card_form
    assert f'action="http://testserver/payments/{payment.public_id}/pay"' in shop_form
    assert 'name="number"' not in shop_form and 'name="cvc"' not in shop_form and 'name="token"' in shop_form
    assert "js/payments.js" in html and "<script>" not in html


# --- the webhook -----------------------------------------------------------------------------------------


def provider_confirms(start, client, number=SUCCESS):
    """The provider takes the payment without the shop's view (the shopper closed the tab): only the webhook tells."""
    payment = start()
    status, _body = call(
        "POST",
        f"/v1/payment_intents/{payment.provider_payment_id}/confirm",
        body={"token": browser_token(client, number)},
    )
    assert status in (200, 402)
    return payment


def post_event(client, body: bytes, *, timestamp=None, secret=None):
    header = signature_header(
        body=body, timestamp=int(timestamp or time.time()), secret=secret or psp_conf.webhook_secret()
    )
    return client.post("/payments/webhook", data=body, content_type="application/json", HTTP_PSP_SIGNATURE=header)


def test_a_signed_webhook_updates_the_payment_once(
    client, start, heard, deliver_webhooks, django_assert_max_num_queries
):
    payment = provider_confirms(start, client)
    assert Payment.objects.get().status == Status.REQUIRES_PAYMENT_METHOD
    event = Event.objects.get()
    with django_assert_max_num_queries(9):
        response = post_event(client, event_body(event))
    assert response.status_code == 200 and response.json() == {"received": True, "duplicate": False}
    payment.refresh_from_db()
    assert payment.status == Status.SUCCEEDED and payment.card_last4 == "4242"
    assert heard == [("A-1001", "requires_payment_method", "succeeded")]
    record = WebhookEvent.objects.get()
    assert record.provider_event_id == event.event_id and record.processed_at is not None
    # The same event again (a retry, or a replay with a fresh signature): 200, nothing changes, no one is told.
    with django_assert_max_num_queries(4):
        again = post_event(client, event_body(event))
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert deliver(event.event_id) == 200
    assert heard == [("A-1001", "requires_payment_method", "succeeded")] and WebhookEvent.objects.count() == 1


def test_a_failed_payment_webhook_marks_the_payment_failed(client, start, heard, deliver_webhooks):
    payment = provider_confirms(start, client, DECLINE)
    assert deliver_webhooks() == [200]
    payment.refresh_from_db()
    assert (payment.status, payment.failure_code) == (Status.FAILED, "card_declined")


def test_the_delivery_task_posts_the_event(client, start):
    from allegra.psp.webhooks import deliver_event

    provider_confirms(start, client)
    event = Event.objects.get()
    assert deliver_event.call(event.event_id) == 200
    event.refresh_from_db()
    assert event.delivered_at is not None and event.attempts == 1
    assert Payment.objects.get().status == Status.SUCCEEDED


@pytest.mark.parametrize(
    "tamper",
    ["wrong_secret", "changed_body", "no_header", "garbage_header"],
)
def test_a_bad_signature_gets_400_and_changes_nothing(client, start, tamper):
    payment = provider_confirms(start, client)
    body = event_body(Event.objects.get())
    if tamper == "wrong_secret":
        response = post_event(client, body, secret="whsec_wrong")
    elif tamper == "changed_body":
        header = signature_header(body=body, timestamp=int(time.time()), secret=psp_conf.webhook_secret())
        forged = body.replace(b'"amount":12500', b'"amount":1')
        response = client.post(
            "/payments/webhook", data=forged, content_type="application/json", HTTP_PSP_SIGNATURE=header
        )
    elif tamper == "no_header":
        response = client.post("/payments/webhook", data=body, content_type="application/json")
    else:
        response = client.post(
            "/payments/webhook", data=body, content_type="application/json", HTTP_PSP_SIGNATURE="t=abc,v1=zz"
        )
    assert response.status_code == 400 and response.json()["error"] == "bad_signature"
    payment.refresh_from_db()
    assert payment.status == Status.REQUIRES_PAYMENT_METHOD and not WebhookEvent.objects.exists()


@pytest.mark.parametrize("offset", [-301, 301])
def test_a_stale_or_future_webhook_gets_400(client, start, offset):
    payment = provider_confirms(start, client)
    response = post_event(client, event_body(Event.objects.get()), timestamp=time.time() + offset)
    assert response.status_code == 400 and response.json()["error"] == "stale"
    payment.refresh_from_db()
    assert payment.status == Status.REQUIRES_PAYMENT_METHOD and not WebhookEvent.objects.exists()


def test_a_signed_but_malformed_webhook_gets_400(client, db):
    response = post_event(client, b'{"id": "evt_1"}')
    assert response.status_code == 400 and response.json()["error"] == "malformed"
    assert client.get("/payments/webhook").status_code == 405


def test_a_handler_error_rolls_the_event_back_so_the_provider_retries(client, start):
    provider_confirms(start, client)
    body = event_body(Event.objects.get())

    def broken(change):
        raise RuntimeError("orders are down")

    handlers.register(broken)
    try:
        header = signature_header(body=body, timestamp=int(time.time()), secret=psp_conf.webhook_secret())
        with pytest.raises(RuntimeError):
            services.handle_webhook(body=body, signature_header=header)
    finally:
        handlers.unregister(broken)
    assert Payment.objects.get().status == Status.REQUIRES_PAYMENT_METHOD and not WebhookEvent.objects.exists()
    assert services.handle_webhook(body=body, signature_header=header).changed is True


def test_handlers_from_the_setting_are_called(settings, client, start):
    settings.PAYMENT_EVENT_HANDLERS = ["tests.payments.test_payments.remember_change"]
    CHANGES.clear()
    payment = start()
    pay(client, payment, browser_token(client, SUCCESS))
    assert CHANGES == ["succeeded"]


CHANGES: list[str] = []


def remember_change(change):
    CHANGES.append(change.after)


def test_verify_webhook_refuses_stale_events_directly():
    body = b"{}"
    header = signature_header(body=body, timestamp=1000, secret=psp_conf.webhook_secret())
    with pytest.raises(InvalidWebhook) as error:
        get_gateway().verify_webhook(body=body, signature_header=header, now=1000 + 301)
    assert error.value.code == "stale"


# --- refunds ---------------------------------------------------------------------------------------------


@pytest.fixture
def paid(client, start):
    payment = start(amount_cents=10_000)
    pay(client, payment, browser_token(client, SUCCESS))
    payment.refresh_from_db()
    assert payment.status == Status.SUCCEEDED
    return payment


@pytest.fixture
def manager(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("manager@allegra.example", "x-pass-2026-long", is_staff=True)


def test_partial_then_full_refund_with_audit(paid, manager, heard, deliver_webhooks):
    first = services.refund(payment=paid, amount_cents=2_500, reason="Scratched clasp", actor=manager)
    paid.refresh_from_db()
    assert (paid.status, paid.amount_refunded_cents) == (Status.PARTLY_REFUNDED, 2_500)
    assert first.status == Refund.Status.SUCCEEDED and first.provider_refund_id.startswith("re_")
    services.refund(payment=paid, amount_cents=7_500, reason="Returned", actor=manager)
    paid.refresh_from_db()
    assert (paid.status, paid.amount_refunded_cents, paid.refundable_cents) == (Status.REFUNDED, 10_000, 0)
    assert [after for _p, _b, after in heard] == ["partly_refunded", "refunded"]
    entries = list(AuditEntry.objects.filter(subject=str(paid.public_id)).order_by("id"))
    assert [e.actor_id for e in entries] == [manager.pk, manager.pk] and "Scratched clasp" in entries[0].reason
    # The provider's webhooks arrive late (the payment's success after both refunds): nothing goes backwards.
    assert deliver_webhooks() == [200, 200, 200]
    paid.refresh_from_db()
    assert (paid.status, paid.amount_refunded_cents) == (Status.REFUNDED, 10_000)
    assert [after for _p, _b, after in heard] == ["partly_refunded", "refunded"]


@pytest.mark.parametrize(
    ("amount", "reason", "code"),
    [(10_001, "x", "amount_too_large"), (0, "x", "invalid_amount"), (100, " ", "reason_required")],
)
def test_bad_refunds_are_refused_and_change_nothing(paid, manager, amount, reason, code):
    with pytest.raises(services.PaymentError) as error:
        services.refund(payment=paid, amount_cents=amount, reason=reason, actor=manager)
    assert error.value.code == code
    paid.refresh_from_db()
    assert paid.amount_refunded_cents == 0 and not Refund.objects.exists() and not AuditEntry.objects.exists()


def test_an_unpaid_payment_cannot_be_refunded(start, manager):
    with pytest.raises(services.PaymentError):
        services.refund(payment=start(), amount_cents=100, reason="x", actor=manager)


def test_over_refund_after_a_partial_refund_is_refused(paid, manager):
    services.refund(payment=paid, amount_cents=6_000, reason="part", actor=manager)
    with pytest.raises(services.PaymentError):
        services.refund(payment=paid, amount_cents=4_001, reason="too much", actor=manager)
    paid.refresh_from_db()
    assert paid.amount_refunded_cents == 6_000 and Refund.objects.count() == 1
    assert PaymentIntent.objects.get().amount_refunded == 6_000


def test_webhook_body_is_json_with_id_type_created_data(client, start):
    provider_confirms(start, client)
    body = json.loads(event_body(Event.objects.get()))
    assert body["type"] == "payment.succeeded" and body["data"]["object"]["status"] == "succeeded"


def test_a_late_failure_never_unpays_a_paid_payment(client, start, heard, deliver_webhooks):
    """The decline's webhook arrives after the second card paid: the payment stays paid."""
    payment = start()
    pay(client, payment, browser_token(client, DECLINE))
    pay(client, payment, browser_token(client, SUCCESS))
    assert deliver_webhooks() == [200, 200]
    payment.refresh_from_db()
    assert payment.status == Status.SUCCEEDED
    assert [after for _p, _b, after in heard] == ["failed", "succeeded"]


def test_the_same_card_has_the_same_fingerprint_whatever_the_token(client, start):
    first, second, other = start(payable="A-1"), start(payable="A-2"), start(payable="A-3")
    pay(client, first, browser_token(client, SUCCESS))
    pay(client, second, browser_token(client, SUCCESS.replace(" ", "")))
    pay(client, other, browser_token(client, DECLINE))
    first, second, other = (Payment.objects.get(pk=p.pk) for p in (first, second, other))
    assert first.provider_token_id != second.provider_token_id
    assert first.card_fingerprint == second.card_fingerprint != other.card_fingerprint


def test_an_undelivered_event_is_tried_again_later(client, start):
    from django_tasks_db.models import DBTaskResult

    from allegra.psp.webhooks import RETRY_DELAYS_MINUTES, deliver_event

    provider_confirms(start, client)
    event = Event.objects.get()
    Event.objects.filter(pk=event.pk).update(webhook_url="http://testserver/payments/nowhere")
    assert deliver_event.call(event.event_id) == 404
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs["args"] == [event.event_id] and queued.run_after is not None
    Event.objects.filter(pk=event.pk).update(attempts=len(RETRY_DELAYS_MINUTES) + 1)
    deliver_event.call(event.event_id)
    assert DBTaskResult.objects.count() == 1  # given up after the last delay


def test_the_message_speaks_the_language_of_the_page_returned_to(client, start):
    payment = start(return_url="/el/orders/thanks/")
    response = pay(client, payment, browser_token(client, "4000 0000 0000 0002"))
    assert response["Location"] == "/el/orders/thanks/"
    assert "Δεν έγινε καμία χρέωση" in str(next(iter(response.wsgi_request._messages)))
