"""The bundled test payment provider: tokenization (C4: it keeps no number and no CVC), the API with its
secret key and idempotency keys, every test card, the 3-D Secure page, refunds and signed webhooks."""

import hashlib
import hmac
import json
from datetime import date

import pytest

from allegra.psp import cards, conf
from allegra.psp.models import Card, Event, PaymentIntent
from allegra.psp.webhooks import event_body, signature_header

pytestmark = [pytest.mark.django_db, pytest.mark.policy("C4")]

NEXT_YEAR = date.today().year + 3


def tokenize(client, number, cvc="123", **extra):
    body = {"number": number, "exp_month": "12", "exp_year": str(NEXT_YEAR), "cvc": cvc, "name": "Eleni P", **extra}
    return client.post("/psp/tokens", data=json.dumps(body), content_type="application/json")


def api(client, method, path, body=None, key=None, idem=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key or conf.api_key()}"}
    if idem:
        headers["HTTP_IDEMPOTENCY_KEY"] = idem
    if method == "GET":
        return client.get(path, **headers)
    return client.post(path, data=json.dumps(body or {}), content_type="application/json", **headers)


def intent(client, amount=5000, idem="k1", reference="A-1"):
    response = api(
        client,
        "POST",
        "/psp/v1/payment_intents",
        {"amount": amount, "currency": "EUR", "reference": reference, "return_url": "/back", "webhook_url": ""},
        idem=idem,
    )
    return response


def paid_intent(client, number="4242424242424242", amount=5000, idem="k1"):
    token = tokenize(client, number).json()["id"]
    pi = intent(client, amount=amount, idem=idem).json()["id"]
    return pi, api(client, "POST", f"/psp/v1/payment_intents/{pi}/confirm", {"token": token})


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        ("4242 4242 4242 4242", "visa"),
        ("5555555555554444", "mastercard"),
        ("378282246310005", "amex"),
        ("2223003122003222", "mastercard"),
        ("6011111111111117", "discover"),
    ],
)
def test_brand_by_issuer_prefix_and_luhn(number, brand):
    digits = cards.normalise(number)
    assert cards.luhn_valid(digits)
    assert cards.brand_of(digits) == brand


def test_tokenization_answers_token_brand_last4_and_expiry_and_keeps_no_number_or_cvc(client):
    response = tokenize(client, "4242 4242 4242 4242", cvc="739")
    assert response.status_code == 201
    body = response.json()
    assert body["id"].startswith("tok_") and body["brand"] == "visa" and body["last4"] == "4242"
    assert (body["exp_month"], body["exp_year"]) == (12, NEXT_YEAR)
    assert response["Access-Control-Allow-Origin"] == "*"
    card = Card.objects.get(token=body["id"])
    values = [str(getattr(card, f.name)) for f in Card._meta.fields]
    assert not [v for v in values if "4242424242424242" in v or v == "739"]
    # Only the keyed fingerprint stands for the number (a hex digest may contain any 3 digits by chance).
    expected = hmac.new(conf.fingerprint_key(), b"4242424242424242", hashlib.sha256).hexdigest()
    assert card.fingerprint == expected


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"number": "4242424242424241"}, "invalid_number"),
        ({"number": "1234567812345670"}, "unsupported_brand"),
        ({"cvc": "12"}, "invalid_cvc"),
        ({"number": "378282246310005", "cvc": "123"}, "invalid_cvc"),
        ({"exp_month": "13"}, "invalid_expiry"),
        ({"exp_year": "2001"}, "invalid_expiry"),
        ({"name": " "}, "invalid_name"),
    ],
)
def test_bad_card_data_is_refused_with_a_clear_code_and_nothing_stored(client, body, code):
    number = body.pop("number", "4242424242424242")
    response = tokenize(client, number, **body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert not Card.objects.exists()


def test_tokenization_refuses_bad_json(client):
    response = client.post("/psp/tokens", data="{nope", content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_json"


def test_hosted_card_page_posts_to_the_provider_and_redirects_back_with_the_token_only(client):
    page = client.get("/psp/card", {"return_url": "http://testserver/payments/x/pay"})
    assert page.status_code == 200 and 'action="/psp/tokens"' in page.content.decode()
    response = client.post(
        "/psp/tokens",
        {
            "number": "4242424242424242",
            "exp_month": "12",
            "exp_year": str(NEXT_YEAR % 100),
            "cvc": "123",
            "name": "E",
            "return_url": "http://testserver/payments/x/pay",
        },
    )
    assert response.status_code == 303
    assert response["Location"].startswith("http://testserver/payments/x/pay?token=tok_")
    assert "4242" not in response["Location"]


def test_hosted_card_page_refuses_a_foreign_return_url(client):
    assert client.get("/psp/card", {"return_url": "https://evil.example/"}).status_code == 400


def test_api_needs_the_secret_key(client):
    response = api(client, "POST", "/psp/v1/payment_intents", {"amount": 100}, key="sk_wrong", idem="x")
    assert response.status_code == 401
    assert not PaymentIntent.objects.exists()


def test_the_same_idempotency_key_returns_the_same_intent(client):
    first, second = intent(client, idem="same"), intent(client, idem="same")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert PaymentIntent.objects.count() == 1
    reused = intent(client, idem="same", amount=9999)
    assert reused.status_code == 409 and reused.json()["error"]["code"] == "idempotency_key_reused"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"amount": 0}, "invalid_amount"),
        ({"amount": "10"}, "invalid_amount"),
        ({"currency": "USD"}, "invalid_currency"),
    ],
)
def test_bad_intents_are_refused(client, body, code):
    data = {"amount": 100, "currency": "EUR", "reference": "A", **body}
    response = api(client, "POST", "/psp/v1/payment_intents", data, idem="k")
    assert response.status_code == 400 and response.json()["error"]["code"] == code


def test_success_card_succeeds(client):
    _pi, response = paid_intent(client)
    assert response.status_code == 200 and response.json()["status"] == "succeeded"


@pytest.mark.parametrize(
    ("number", "code"), [("4000000000000002", "card_declined"), ("4000000000009995", "insufficient_funds")]
)
def test_declined_cards_are_refused_with_their_reason_and_can_be_retried(client, number, code):
    pi, response = paid_intent(client, number)
    assert response.status_code == 402
    assert response.json()["status"] == "requires_payment_method" and response.json()["last_error"] == code
    token = tokenize(client, "4242424242424242").json()["id"]
    retry = api(client, "POST", f"/psp/v1/payment_intents/{pi}/confirm", {"token": token})
    assert retry.json()["status"] == "succeeded"


def test_provider_error_card_answers_502_and_charges_nothing(client):
    pi, response = paid_intent(client, "4000000000000119")
    assert response.status_code == 502 and response.json()["error"]["code"] == "processing_error"
    assert PaymentIntent.objects.get(intent_id=pi).status == "requires_payment_method"


@pytest.mark.parametrize(("outcome", "status"), [("pass", "succeeded"), ("fail", "requires_payment_method")])
def test_3ds_challenge_page_passes_or_fails_and_returns_to_the_shop(client, outcome, status):
    pi, response = paid_intent(client, "4000000000003220")
    body = response.json()
    assert body["status"] == "requires_action"
    url = body["next_action"]["url"]
    page = client.get(url)
    assert page.status_code == 200 and 'value="pass"' in page.content.decode()
    answer = client.post(url, {"outcome": outcome})
    assert answer.status_code == 303 and answer["Location"] == f"/back?payment_intent={pi}"
    assert PaymentIntent.objects.get(intent_id=pi).status == status
    assert client.get(url).status_code == 404  # answered once


def test_3ds_challenge_with_a_wrong_secret_is_not_found(client):
    pi, _response = paid_intent(client, "4000000000003220")
    assert client.post(f"/psp/challenge/{pi}/wrong", {"outcome": "pass"}).status_code == 404
    assert PaymentIntent.objects.get(intent_id=pi).status == "requires_action"


def test_refunds_partial_then_full_never_more_than_captured(client):
    pi, _ = paid_intent(client, amount=5000)
    first = api(client, "POST", "/psp/v1/refunds", {"payment_intent": pi, "amount": 2000}, idem="r1")
    again = api(client, "POST", "/psp/v1/refunds", {"payment_intent": pi, "amount": 2000}, idem="r1")
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    over = api(client, "POST", "/psp/v1/refunds", {"payment_intent": pi, "amount": 3001}, idem="r2")
    assert over.status_code == 400 and over.json()["error"]["code"] == "amount_too_large"
    rest = api(client, "POST", "/psp/v1/refunds", {"payment_intent": pi, "amount": 3000}, idem="r3")
    assert rest.status_code == 201
    assert PaymentIntent.objects.get(intent_id=pi).amount_refunded == 5000


def test_an_unpaid_intent_cannot_be_refunded(client):
    pi = intent(client).json()["id"]
    response = api(client, "POST", "/psp/v1/refunds", {"payment_intent": pi, "amount": 1}, idem="r")
    assert response.status_code == 409


def test_events_are_signed_over_timestamp_and_body(client, django_capture_on_commit_callbacks):
    token = tokenize(client, "4242424242424242").json()["id"]
    data = {"amount": 100, "currency": "EUR", "reference": "A", "webhook_url": "http://testserver/payments/webhook"}
    pi = api(client, "POST", "/psp/v1/payment_intents", data, idem="w").json()["id"]
    with django_capture_on_commit_callbacks() as callbacks:
        api(client, "POST", f"/psp/v1/payment_intents/{pi}/confirm", {"token": token})
    assert len(callbacks) == 1  # the delivery is queued once the transaction commits
    event = Event.objects.get()
    assert event.type == "payment.succeeded" and event.data["object"]["id"] == pi
    body = event_body(event)
    header = signature_header(body=body, timestamp=1_700_000_000, secret=conf.webhook_secret())
    expected = hmac.new(conf.webhook_secret().encode(), b"1700000000." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"
    assert set(json.loads(body)) == {"id", "type", "created", "data"}
