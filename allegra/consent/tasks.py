"""Background work of the consent ledger, scheduled daily (allegra/core/schedule.py)."""

from django_tasks import task

from allegra.consent.services import purge_expired_purpose_records, purge_expired_records


@task()
def purge_expired_consent_records() -> int:
    """Retention (data map: 5 years after the consent ends): deletes the cookie choices and the purpose consents
    superseded that long ago. Returns how many records went, both ledgers together."""
    return purge_expired_records() + purge_expired_purpose_records()
