"""The shop's payment settings (its copy of the provider's keys, as a merchant keeps them).

PAYMENTS_PSP_API_KEY, PAYMENTS_PSP_WEBHOOK_SECRET: the secret key and webhook secret the provider issued.
In development and tests, when unset, they are derived from SECRET_KEY with the same public labels the bundled
test provider uses, so both sides agree without configuration; production sets them.
PAYMENTS_PSP_BASE_URL: the provider's API ("" = the bundled provider in this process, see client.py).
PAYMENTS_PSP_PUBLIC_URL: where shoppers' browsers reach the provider (tokenization, hosted card page).
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _secret(name: str, label: str, prefix: str) -> str:
    value = getattr(settings, name, "")
    if value:
        return value
    if settings.DEBUG or getattr(settings, "TESTING", False):
        return prefix + hmac.new(settings.SECRET_KEY.encode(), label.encode(), hashlib.sha256).hexdigest()[:40]
    raise ImproperlyConfigured(f"{name} must be set.")


def api_key() -> str:
    return _secret("PAYMENTS_PSP_API_KEY", "allegra-test-psp-api-key", "sk_test_")


def webhook_secret() -> str:
    return _secret("PAYMENTS_PSP_WEBHOOK_SECRET", "allegra-test-psp-webhook-secret", "whsec_")


def base_url() -> str:
    return getattr(settings, "PAYMENTS_PSP_BASE_URL", "")


def public_url() -> str:
    return getattr(settings, "PAYMENTS_PSP_PUBLIC_URL", "/psp").rstrip("/")


# A webhook older (or further in the future) than this is refused: a replayed capture cannot be reused later.
WEBHOOK_TOLERANCE_SECONDS = 300
