"""The card form in Chromium (C4): payments.js sends the card to the provider and only the token to the shop;
a 3-D Secure card goes through the provider's challenge page and back. Every request the browser makes to a shop
URL is watched: none carries the card number or the CVC."""

from __future__ import annotations

import uuid

import pytest

from allegra.payments import services
from tests.e2e.conftest import browser_problems, page  # noqa: F401 - fixtures
from tests.payments.conftest import CVC, EXP_YEAR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.policy("C4")]


@pytest.fixture
def card_page(settings, live_server):
    """The card form's page for a new payment, made before the browser starts (see the `page` fixture)."""
    settings.ROOT_URLCONF = "tests.payments.card_page_urls"

    def make(payable: str):
        key = uuid.uuid4().hex
        payment = services.start_payment(
            payable=payable,
            amount_cents=9_550,
            idempotency_key=key,
            return_url="/placeholder",
            base_url=live_server.url,
        )
        payment.return_url = f"/test-pay/{payment.public_id}/done"
        payment.save(update_fields=["return_url"])
        return f"{live_server.url}/test-pay/{payment.public_id}/"

    return make("A-browser")


def fill_card(page, number: str) -> None:  # noqa: F811
    page.fill("#card-number", number)
    page.fill("#card-exp-month", "08")
    page.fill("#card-exp-year", str(EXP_YEAR))
    page.fill("#card-cvc", CVC)
    page.fill("#card-name", "Eleni Papadaki")


def watch_shop_requests(page, sent: list) -> None:  # noqa: F811
    def remember(request):
        if "/psp/" not in request.url:
            sent.append(f"{request.url} {request.post_data or ''}")

    page.on("request", remember)


def test_the_script_sends_only_the_token_to_the_shop(card_page, page, browser_problems):  # noqa: F811
    url = card_page
    sent: list[str] = []
    watch_shop_requests(page, sent)
    page.goto(url)
    fill_card(page, "4242 4242 4242 4242")
    page.click(".card-payment-form button[type=submit]")
    page.wait_for_url("**/done")
    assert page.locator("#outcome").inner_text() == "succeeded visa 4242"
    shop_posts = [line for line in sent if "/payments/" in line]
    assert shop_posts and all("token=tok_" in line for line in shop_posts)
    assert not [line for line in sent if "4242424242424242" in line or "4242 4242" in line or CVC in line]
    assert browser_problems.items == []


def test_a_3ds_card_passes_the_challenge_page(card_page, page, browser_problems):  # noqa: F811
    url = card_page
    page.goto(url)
    fill_card(page, "4000 0000 0000 3220")
    page.click(".card-payment-form button[type=submit]")
    page.wait_for_url("**/psp/challenge/**")
    page.click("button[value=pass]")
    page.wait_for_url("**/done")
    assert page.locator("#outcome").inner_text() == "succeeded visa 3220"
    assert browser_problems.items == []


def test_a_declined_card_says_so(card_page, page, browser_problems):  # noqa: F811
    page.goto(card_page)
    fill_card(page, "4000 0000 0000 0002")
    page.click(".card-payment-form button[type=submit]")
    page.wait_for_url("**/done")
    assert page.locator("#outcome").inner_text() == "failed visa 0002"
    # The test page has no language prefix: the message follows the browser's language, Greek here.
    assert "απορρίφθηκε" in page.locator(".message").inner_text()
    assert browser_problems.items == []
