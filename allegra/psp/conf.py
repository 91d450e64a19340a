"""The provider's own configuration: the only place that reads the PSP_* settings."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _secret(name: str, label: str, prefix: str = "") -> str:
    value = getattr(settings, name, "")
    if value:
        return value
    if settings.DEBUG or getattr(settings, "TESTING", False):
        # Development and tests only: derived from SECRET_KEY and a public label (see the module docstring).
        return prefix + hmac.new(settings.SECRET_KEY.encode(), label.encode(), hashlib.sha256).hexdigest()[:40]
    raise ImproperlyConfigured(f"{name} must be set.")


def api_key() -> str:
    return _secret("PSP_API_KEY", "allegra-test-psp-api-key", "sk_test_")


def webhook_secret() -> str:
    return _secret("PSP_WEBHOOK_SECRET", "allegra-test-psp-webhook-secret", "whsec_")


def fingerprint_key() -> bytes:
    return _secret("PSP_FINGERPRINT_KEY", "allegra-test-psp-fingerprint-key").encode()


def deliver_over_http() -> bool:
    """Webhooks go over real HTTP when the shop runs elsewhere; here (one process) they are handed in-process."""
    return bool(getattr(settings, "PSP_DELIVER_OVER_HTTP", False))


def tokenize_limit() -> tuple[int, int]:
    """Card testing: how many tokenizations one network may ask for (failed ones too) per window of seconds.

    `PSP_TOKENIZE_LIMIT` (default 20) and `PSP_TOKENIZE_WINDOW_SECONDS` (default 600): a shopper retyping a card a
    few times stays far below it, a script trying stolen numbers does not.
    """
    limit = int(getattr(settings, "PSP_TOKENIZE_LIMIT", 20))
    window = int(getattr(settings, "PSP_TOKENIZE_WINDOW_SECONDS", 600))
    return max(limit, 1), max(window, 1)
