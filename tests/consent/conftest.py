"""Fixtures for the consent tests: the account tests' two customers, requests as the middleware leaves them,
and a browser carrying a given consent cookie."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from allegra.consent.state import NO_CHOICE, ConsentState
from tests.accounts.conftest import (  # noqa: F401 - fixtures shared with the account tests
    CUSTOMER_PASSWORD,
    customer,
    customer_client,
    other_customer,
    other_customer_client,
)

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


@pytest.fixture
def make_request():
    """A request as the consent middleware leaves it: `request.consent` and `request.user` set."""
    factory = RequestFactory()

    def make(*, consent: ConsentState = NO_CHOICE, user=None, gpc: bool = False, ip="203.0.113.57", agent=BROWSER):
        request = factory.post("/en/cookies/", REMOTE_ADDR=ip, HTTP_USER_AGENT=agent)
        request.user = user or AnonymousUser()
        request.consent = consent.with_signal(gpc)
        return request

    return make


def give_cookie(client, state: ConsentState) -> None:
    """Puts `state` in the client's consent cookie, as `remember_choice` would."""
    client.cookies[settings.CONSENT_COOKIE_NAME] = state.to_cookie()


def cookie_state(response) -> ConsentState:
    from allegra.consent.state import from_cookie

    morsel = response.cookies.get(settings.CONSENT_COOKIE_NAME)
    return from_cookie(morsel.value if morsel is not None else None)
