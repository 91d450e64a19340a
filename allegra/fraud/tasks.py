"""Background work of fraud screening, scheduled daily (allegra/core/schedule.py)."""

from django_tasks import task

from allegra.fraud.services import purge_expired


@task()
def purge_fraud_records() -> int:
    """Retention (data map: 2 years, Retention.FRAUD_SIGNALS): deletes the fraud signals and assessments made more
    than 2 years ago. Returns how many rows went."""
    return purge_expired()
