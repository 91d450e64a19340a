"""What a payment's outcome does to its order: the payments handler checkout registers at startup
(CheckoutConfig.ready). Payments call it inside the transaction that records the change, so an exception here
rolls the payment change back and the provider delivers the webhook again (payments.handlers).

- succeeded: the order is marked paid (`orders.services.mark_paid`, which issues the invoice and emails the
  confirmation after commit). The analytics "purchase" event is not recorded here: a webhook is the provider
  calling, not the shopper's browser, so there is no request whose consent could allow it; the confirmation
  page, which has the shopper's request, records it.
- refunded / partly refunded: the refund is recorded on the order (`orders.services.record_refund`) for the
  difference between what the payment says was refunded and what the order knows.
- failed: a decline signal for fraud screening (`fraud.services.record_decline`: keyed hashes of the email and
  the card fingerprint; no IP, the webhook has none of the shopper's).

A payment whose payable is not an order number (another app's payable) is left alone.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from allegra.fraud.services import record_decline
from allegra.orders.models import NUMBER_LENGTH, NUMBER_PREFIX, Order
from allegra.orders.services import TransitionRefused, mark_paid, record_refund
from allegra.payments.handlers import PaymentChange
from allegra.payments.models import Payment

Status = Payment.Status
logger = logging.getLogger(__name__)


def is_order_number(payable: str) -> bool:
    return payable.startswith(NUMBER_PREFIX) and len(payable) == len(NUMBER_PREFIX) + NUMBER_LENGTH


def on_payment_change(change: PaymentChange) -> None:
    payment = change.payment
    if not is_order_number(payment.payable):
        return  # another app's payable: not even a query for it
    order = Order.objects.filter(number=payment.payable).first()
    if order is None:
        return
    if change.after == Status.SUCCEEDED:
        try:
            mark_paid(order=order, payment_reference=str(payment.public_id))
        except TransitionRefused:
            # Paid after it was cancelled: the payment stands and staff refund it from the back office. Raising
            # would only make the provider deliver the same news again and again.
            logger.warning("payment succeeded for cancelled order %s: refund it", order.number)
    elif change.after in (Status.REFUNDED, Status.PARTLY_REFUNDED):
        if order.paid_at is None:  # refunded before the success was heard: the order is paid first
            order = mark_paid(order=order, payment_reference=str(payment.public_id))
        refunded = (Decimal(payment.amount_refunded_cents) / 100).quantize(Decimal("0.01"))
        difference = refunded - order.refunded_amount
        if difference > 0:
            record_refund(order=order, amount=difference, full=change.after == Status.REFUNDED, actor=None)
    elif change.after == Status.FAILED:
        record_decline(email=order.email, card_fingerprint=payment.card_fingerprint or None, ip=None)
