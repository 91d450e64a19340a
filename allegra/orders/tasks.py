"""Background work of the orders app, scheduled daily (allegra/core/schedule.py)."""

from django_tasks import task

from allegra.orders.services import purge_expired_orders


@task()
def purge_expired_order_records() -> int:
    """Retention (data map: ORDER_RECORDS): orders and invoices deleted 5 years after their fiscal year ends,
    unless a legal hold keeps them. Returns how many orders went."""
    return purge_expired_orders()
