"""The provider's tokenization endpoint is throttled per network against card testing (stolen numbers tried one
after another): failed attempts count too, over the limit the answer is 429 `rate_limited` (JSON for the card
form's script, the card page again for browsers without JavaScript), and nothing of the card is logged."""

from __future__ import annotations

import json
import logging
import time
from datetime import date

import pytest

from allegra.psp import conf
from allegra.psp.models import Card
from tests.e2e.conftest import browser_problems, page  # noqa: F401 - fixtures
from tests.payments.test_card_form_browser import card_page, fill_card  # noqa: F401 - the card form's page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NEXT_YEAR = date.today().year + 3
GOOD = "4242424242424242"
BAD = "4242424242424241"  # fails the Luhn check
RETURN_URL = "http://testserver/payments/back"
RATE_LIMITED_EN = "Too many card attempts from your network. Please wait a few minutes and try again."
RATE_LIMITED_EL = "Πάρα πολλές προσπάθειες με κάρτα από το δίκτυό σας. Περιμένετε λίγα λεπτά και δοκιμάστε ξανά."


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.PSP_TOKENIZE_LIMIT = 3
    settings.PSP_TOKENIZE_WINDOW_SECONDS = 600


def tokenize(client, number=GOOD, ip="203.0.113.57", cvc="123"):
    body = {"number": number, "exp_month": "12", "exp_year": str(NEXT_YEAR), "cvc": cvc, "name": "Eleni P"}
    # The provider answers in the browser's language; these tests read English.
    return client.post(
        "/psp/tokens",
        data=json.dumps(body),
        content_type="application/json",
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def post_form(client, number=GOOD, ip="203.0.113.57"):
    body = {
        "number": number,
        "exp_month": "12",
        "exp_year": str(NEXT_YEAR),
        "cvc": "123",
        "name": "Eleni P",
        "return_url": RETURN_URL,
    }
    return client.post("/psp/tokens", body, REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="en")


def test_the_default_limit_is_twenty_tokenizations_per_ten_minutes(settings):
    del settings.PSP_TOKENIZE_LIMIT
    del settings.PSP_TOKENIZE_WINDOW_SECONDS
    assert conf.tokenize_limit() == (20, 600)


def test_over_the_limit_the_answer_is_429_rate_limited_with_cors_and_no_token(client):
    assert [tokenize(client).status_code for _ in range(3)] == [201, 201, 201]
    response = tokenize(client)
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "rate_limited"
    assert error["message"] == RATE_LIMITED_EN
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "no-store"
    assert 0 < int(response["Retry-After"]) <= 600
    assert Card.objects.count() == 3  # the throttled attempt was not even looked at


def test_a_greek_browser_reads_the_refusal_in_greek(client):
    for _ in range(3):
        tokenize(client)
    body = {"number": GOOD, "exp_month": "12", "exp_year": str(NEXT_YEAR), "cvc": "123", "name": "Eleni P"}
    response = client.post(
        "/psp/tokens",
        data=json.dumps(body),
        content_type="application/json",
        REMOTE_ADDR="203.0.113.57",
        HTTP_ACCEPT_LANGUAGE="el-GR,el;q=0.9",
    )
    assert response.status_code == 429 and response.json()["error"]["message"].startswith("Πάρα πολλές προσπάθειες")


def test_failed_and_malformed_attempts_count_too(client):
    assert tokenize(client, number=BAD).status_code == 400
    assert tokenize(client, cvc="1").status_code == 400
    malformed = client.post("/psp/tokens", data="{nope", content_type="application/json", REMOTE_ADDR="203.0.113.57")
    assert malformed.status_code == 400
    assert tokenize(client).status_code == 429
    assert not Card.objects.exists()


def test_the_count_is_per_network_not_per_address(client):
    for last in (1, 2, 3):  # three addresses of one /24
        assert tokenize(client, ip=f"203.0.113.{last}").status_code == 201
    assert tokenize(client, ip="203.0.113.250").status_code == 429
    assert tokenize(client, ip="::ffff:203.0.113.9").status_code == 429  # the same IPv4 client, mapped
    assert tokenize(client, ip="198.51.100.7").status_code == 201  # another network has its own count


def test_ipv6_counts_by_its_48(client):
    for host in ("2001:db8:1:1::1", "2001:db8:1:2::1", "2001:db8:1:ffff::9"):
        assert tokenize(client, ip=host).status_code == 201
    assert tokenize(client, ip="2001:db8:1:abcd::2").status_code == 429
    assert tokenize(client, ip="2001:db8:2::1").status_code == 201


def test_a_preflight_does_not_count(client):
    for _ in range(5):
        assert client.options("/psp/tokens", REMOTE_ADDR="203.0.113.57").status_code == 204
    assert tokenize(client).status_code == 201


def test_the_window_ends_and_the_network_may_try_again(client, monkeypatch):
    for _ in range(3):
        tokenize(client)
    assert tokenize(client).status_code == 429
    later = time.time() + 601
    monkeypatch.setattr(time, "time", lambda: later)  # the cache's expiry and the throttle read the same clock
    assert tokenize(client).status_code == 201


def test_without_javascript_the_card_page_comes_back_with_the_message_and_429(client):
    for _ in range(3):
        response = post_form(client)
        assert response.status_code == 303 and response["Location"].startswith(RETURN_URL + "?token=tok_")
    response = post_form(client)
    assert response.status_code == 429
    body = response.content.decode()
    assert "Too many card attempts from your network" in body and 'role="alert"' in body
    assert 'action="/psp/tokens"' in body and f'value="{RETURN_URL}"' in body  # the form, to try again later
    assert GOOD not in body
    assert response["Cache-Control"] == "no-store"
    assert int(response["Retry-After"]) > 0


def test_nothing_of_the_card_or_the_client_is_logged(client, caplog):
    caplog.set_level(logging.DEBUG)
    for _ in range(5):
        tokenize(client, number="4000 0000 0000 0002", ip="203.0.113.57")
    assert "throttled" in caplog.text
    for secret in ("4000000000000002", "4000 0000 0000 0002", "203.0.113", "Eleni"):
        assert secret not in caplog.text
    # Logged once per window, not once per refused attempt.
    assert caplog.text.count("throttled") == 1


@pytest.fixture
def used_up(card_page, client):  # noqa: F811 - the imported fixture
    """The live server's network (127.0.0.0/24) has used its tokenizations, before the browser starts (the `page`
    fixture forbids database queries in the test's thread)."""
    for _ in range(3):
        assert tokenize(client, number=BAD, ip="127.0.0.1").status_code == 400


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_payments_js_shows_the_shopper_the_providers_429_message(card_page, used_up, page, browser_problems):  # noqa: F811
    page.goto(card_page)
    fill_card(page, "4242 4242 4242 4242")
    page.click(".card-payment-form button[type=submit]")
    error = page.locator("[data-card-error]")
    error.wait_for(state="visible")
    # The provider's own message, not the script's fallback: Greek for this Greek browser once the translation is
    # compiled, the English text until then.
    assert error.inner_text().strip() in (RATE_LIMITED_EN, RATE_LIMITED_EL)
    assert page.locator(".card-payment-form button[type=submit]").is_enabled()  # may try again later
    # The refusal itself is the only problem the browser saw (the response, and Chromium's console line for it).
    assert len(browser_problems.items) == 2
    assert all("429" in item for item in browser_problems.items)
