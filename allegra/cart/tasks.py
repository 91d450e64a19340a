"""Background work of the cart, scheduled daily (allegra/core/schedule.py)."""

from django_tasks import task

from allegra.cart.services import purge_guest_carts


@task()
def purge_expired_guest_carts() -> int:
    """Retention (data map: guest carts 30 days after their last change): deletes them; returns how many."""
    return purge_guest_carts()
