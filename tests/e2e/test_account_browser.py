"""A new customer in Chromium: sign up, open the link from the email, sign in, edit the profile, sign out;
no console error, no failed request, no request to another host."""

import time

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from tests.accounts.auth_support import LINK, PASSWORD, text_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_for_mail(smtp_server, count: int, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while len(smtp_server.messages) < count:
        assert time.monotonic() < deadline, "no email arrived"
        time.sleep(0.05)
    return smtp_server.messages[count - 1]


def settle(page) -> None:
    """Waits until the page is done with the network: Chromium asks for the favicon after the load event, and
    leaving before it arrives aborts that request (a failed request for the browser-problem watcher)."""
    page.wait_for_load_state("networkidle")


def path_of(name: str) -> str | None:
    """The path of a named page, or None while that page does not exist (reversing needs no database)."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def test_sign_up_verify_login_account_logout(live_server, smtp_server, page, browser_problems):
    with translation.override("en"):
        account_path = path_of("accounts:home") or path_of("catalog:home")
        profile_path_exists = path_of("accounts:profile")

    page.goto(f"{live_server.url}/en/account/sign-up/")
    page.fill("#id_email", "anna@example.com")
    page.fill("#id_screen_name", "Άννα")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    settle(page)
    page.click("#sign-up-form button[type=submit]")
    page.wait_for_selector("#sign-up-sent")

    message = wait_for_mail(smtp_server, 1)
    [link] = [url for url in LINK.findall(text_of(message)) if "/account/verify/" in url]
    assert link.startswith(live_server.url)

    settle(page)
    page.goto(link)
    page.wait_for_url("**/en/account/login/")
    assert "verified" in page.locator(".notices").inner_text()

    page.fill("#id_username", "anna@example.com")
    page.fill("#id_password", PASSWORD)
    settle(page)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#logout-button")
    assert page.locator("#account-link").inner_text().strip() == "My account"

    settle(page)
    page.click("#account-link")
    page.wait_for_url(f"**{account_path}")

    # Edit the profile (the profile pages' own form), when the profile pages are there.
    if profile_path_exists:
        settle(page)
        page.goto(f"{live_server.url}{profile_path_exists}")
        page.fill("#id_full_name", "Άννα Παππά")
        page.fill("#id_hometown", "Χανιά")
        settle(page)
        page.click("form.account-form button[type=submit]")
        page.wait_for_selector(".notices")
        assert page.locator("#id_full_name").input_value() == "Άννα Παππά"
        assert page.locator("#id_hometown").input_value() == "Χανιά"
    assert page.locator("#logout-button").is_visible()

    settle(page)
    page.click("#logout-button")
    page.wait_for_selector("#account-link:has-text('Sign in')")
    assert "signed out" in page.locator(".notices").inner_text()

    settle(page)
    assert browser_problems.items == []
