"""Who hears about a payment's outcome: a registry of plain callables (orders subscribes here).

`register(handler)` adds `handler(change: PaymentChange) -> None`; the setting PAYMENT_EVENT_HANDLERS (dotted
paths) adds more. Handlers run inside the transaction that changes the payment, in registration order, once per
real change of the status or of the refunded amount (a second partial refund keeps the status "partly refunded":
`before == after`, and the handler reads `payment.amount_refunded_cents`); a replayed webhook changes nothing
and calls no one. An exception rolls the change back, so the provider's webhook is answered 500 and delivered
again later: the order is never left unpaid while the payment is recorded as succeeded.

Why not Django signals: this is a core flow, not an optional notification. A registry is explicit (the list can
be read and tested), ordered, and its errors are not swallowed; a receiver connected by import side effect (or
not connected, because a module was not imported) is exactly the kind of silent failure a payment cannot have.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from allegra.payments.models import Payment

_handlers: list[Callable[[PaymentChange], None]] = []


@dataclass(frozen=True)
class PaymentChange:
    payment: Payment
    before: str  # Payment.Status values
    after: str


def register(handler: Callable[[PaymentChange], None]) -> Callable[[PaymentChange], None]:
    """Adds a handler (once; usable as a decorator)."""
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


def unregister(handler: Callable[[PaymentChange], None]) -> None:
    if handler in _handlers:
        _handlers.remove(handler)


def handlers() -> list[Callable[[PaymentChange], None]]:
    configured = [import_string(path) for path in getattr(settings, "PAYMENT_EVENT_HANDLERS", ())]
    return [*_handlers, *(item for item in configured if item not in _handlers)]


def notify(change: PaymentChange) -> None:
    for handler in handlers():
        handler(change)
