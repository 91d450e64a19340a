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

What a fraud review does to a held order: the review hook checkout registers at startup (`on_fraud_review`, run
by `fraud.services.review` inside the review's transaction, so a hook that raises rolls the review back):

- cancel: the order is cancelled (`orders.services.cancel_order`, actor: the system, since the hook is not told
  who reviewed; the reviewer is in the fraud assessment and the audit log); its pieces go back to stock through
  `restock_cancelled_order` below, like any cancellation. An order cancelled already is left alone (its stock
  went back when it was cancelled); one that cannot be cancelled any more refuses the review (ReviewError:
  nothing changes).
- approve: nothing is charged automatically and the order stays "pending payment"; once the review commits,
  the customer is emailed a sealed link to the order's payment page (`checkout.paylink`).

What any cancellation does to stock: `restock_cancelled_order`, the "order cancelled" hook checkout registers at
startup (`orders.services.order_cancelled_hooks`; orders never imports checkout). `cancel_order` runs it inside
its transaction with the locked order, whoever cancels (staff in the back office, a fraud review, any later
caller), and refuses a second cancellation before any hook runs, so the pieces go back exactly once. A hook
that raises rolls the cancellation back.
"""

from __future__ import annotations

import logging
from collections import Counter
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from allegra.catalog.models import Variant
from allegra.catalog.services import stock_changed
from allegra.checkout.paylink import send_pay_link
from allegra.fraud.services import ReviewError, record_decline
from allegra.orders.models import NUMBER_LENGTH, NUMBER_PREFIX, Order, OrderState
from allegra.orders.services import TransitionRefused, cancel_order, mark_paid, record_refund
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


def on_fraud_review(*, order_reference: str, decision: str) -> None:
    if not is_order_number(order_reference):
        return
    if decision != "cancel":
        # "approve": the order stays pending payment; the customer gets the link to pay once the review is saved.
        order = Order.objects.filter(number=order_reference).first()
        if order is not None:
            transaction.on_commit(lambda: send_pay_link(order))
        return
    with transaction.atomic():
        # Locked before the state is read, so staff cancelling at the same moment cannot turn "cancelled
        # already" into a refused review (cancel_order locks the same row again: same transaction, no wait).
        order = Order.objects.select_for_update().filter(number=order_reference).first()
        if order is None:
            logger.warning("fraud review cancelled unknown order %s", order_reference)
            return
        if order.state == OrderState.CANCELLED:
            # Cancelled already (by staff in the orders back office): that cancellation put the stock back.
            return
        try:
            # The pieces go back through the "order cancelled" hook (restock_cancelled_order), not here.
            cancel_order(order=order, actor=None, reason=_("Cancelled after a fraud review."))
        except TransitionRefused as error:
            raise ReviewError(str(error)) from None


def restock_cancelled_order(*, order: Order) -> None:
    """Puts a cancelled order's pieces back: one F() increment per variant, in pk order (the order checkout locks
    variants in, so a cancellation and a checkout sharing pieces cannot deadlock). Lines whose variant was deleted
    since (variant NULL) have nothing to go back to and are skipped. Runs inside cancel_order's transaction."""
    returned: Counter[int] = Counter()
    for variant_id, quantity in order.lines.filter(variant__isnull=False).values_list("variant_id", "quantity"):
        returned[variant_id] += quantity
    for variant_id in sorted(returned):
        Variant.objects.filter(pk=variant_id).update(stock=F("stock") + returned[variant_id])
    stock_changed(variant_ids=returned)
