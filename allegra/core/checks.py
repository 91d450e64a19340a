"""System checks of the core app."""

from django.conf import settings
from django.core import checks

from allegra.core import encryption


@checks.register(checks.Tags.security, deploy=False)
def check_encryption_keys(app_configs=None, **kwargs):
    """allegra.E001: production needs valid encryption keys (a warning in development, silent under tests)."""
    if getattr(settings, "TESTING", False):
        return []
    problems = encryption.configuration_problems()
    if not problems:
        return []
    hint = (
        "Set FIELD_ENCRYPTION_KEYS ('keyid:key', newest first, comma-separated) and BLIND_INDEX_KEY in the "
        "environment; `manage.py generate_dev_keys` prints fresh values. Customer data cannot be read or written "
        "without them."
    )
    if settings.DEBUG:
        return [checks.Warning(problem, hint=hint, id="allegra.W001") for problem in problems]
    return [checks.Error(problem, hint=hint, id="allegra.E001") for problem in problems]


@checks.register(checks.Tags.compatibility, deploy=True)
def check_site_url(app_configs=None, **kwargs):
    """allegra.W002 (deploy): emails sent without a shopper's request (the order confirmation after a webhook,
    the pay link after a fraud review) need SITE_URL for their links; without it the links have no host."""
    if settings.SITE_URL:
        return []
    return [
        checks.Warning(
            "SITE_URL is not set: links in emails sent outside a request (order confirmations, pay links) "
            "will have no host.",
            hint="Set SITE_URL to the shop's public address, for example https://allegra.example.",
            id="allegra.W002",
        )
    ]
