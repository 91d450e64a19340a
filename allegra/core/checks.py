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
