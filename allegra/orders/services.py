"""Writes of the orders app: placing an order, its state transitions, refunds as recorded, invoices.

Every transition runs in a transaction that first locks the order's row (SELECT ... FOR UPDATE), checks the
move against `TRANSITIONS`, changes the state and appends an `OrderEvent` naming who acted. Emails leave only
once the transaction has committed (`transaction.on_commit`), so a rolled-back change never tells the customer
anything.

Cancellation: whoever cancels (staff in the back office, a fraud review, any later caller) goes through
`cancel_order`, which runs the "order cancelled" hooks (`order_cancelled_hooks`) inside its transaction with the
locked order. Checkout registers one that puts the order's pieces back to stock; orders itself never touches
stock (it does not import checkout or the catalogue's writes). A second cancellation is refused before any hook
runs, so the pieces go back exactly once.

Prices: `create_order` trusts the unit prices it is given. Its caller (checkout) must pass the catalogue's
current prices read on the server, never anything posted by the browser; this function recomputes every line
total, the items total, the grand total and the VAT breakdown from those unit prices and quantities.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from allegra.catalog.pricing import CENT, breakdown, vat_rate
from allegra.orders.models import (
    ActorKind,
    Invoice,
    InvoiceCounter,
    Order,
    OrderEvent,
    OrderLine,
    OrderState,
    ShippingMethod,
)

logger = logging.getLogger(__name__)

S = OrderState
# Where each state may go. Refunds come from the payments side (`record_refund`); a partly refunded order can
# still be packed, shipped and delivered (the rest of it), or refunded in full.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING_PAYMENT: frozenset({S.PAID, S.CANCELLED}),
    S.PAID: frozenset({S.IN_FULFILMENT, S.CANCELLED, S.REFUNDED, S.PARTLY_REFUNDED}),
    S.IN_FULFILMENT: frozenset({S.SHIPPED, S.CANCELLED, S.REFUNDED, S.PARTLY_REFUNDED}),
    S.SHIPPED: frozenset({S.DELIVERED, S.REFUNDED, S.PARTLY_REFUNDED}),
    S.DELIVERED: frozenset({S.REFUNDED, S.PARTLY_REFUNDED}),
    S.PARTLY_REFUNDED: frozenset({S.IN_FULFILMENT, S.SHIPPED, S.DELIVERED, S.REFUNDED, S.PARTLY_REFUNDED}),
    # A paid order that was cancelled gets its money back afterwards.
    S.CANCELLED: frozenset({S.REFUNDED, S.PARTLY_REFUNDED}),
    S.REFUNDED: frozenset(),
}
MAX_QUANTITY = 99
MAX_LINES = 100


class OrderError(ValueError):
    """An order cannot be created or changed as asked; the message says why, in the shopper's words."""


class TransitionRefused(OrderError):
    """The state change asked for is not allowed from the order's current state."""


@dataclass(frozen=True)
class OrderLineInput:
    """One line as checkout hands it over: the catalogue's current price, read on the server."""

    sku: str
    name_el: str
    name_en: str
    unit_price: Decimal
    quantity: int
    variant_id: int | None = None


@dataclass(frozen=True)
class AddressInput:
    recipient_name: str
    street: str
    number: str
    city: str
    postcode: str
    country: str = "GR"
    region: str = ""
    telephone: str = ""

    def as_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class ContactInput:
    email: str
    phone: str = ""


def _actor_kind(actor) -> str:
    if actor is None:
        return ActorKind.SYSTEM
    return ActorKind.STAFF if getattr(actor, "is_staff", False) else ActorKind.CUSTOMER


def _money(value) -> Decimal:
    try:
        amount = Decimal(value)
    except Exception as error:
        raise OrderError(_("A price is not a valid amount.")) from error
    if not amount.is_finite():
        raise OrderError(_("A price is not a valid amount."))
    return amount


def _check_lines(lines: list[OrderLineInput]) -> list[tuple[OrderLineInput, Decimal]]:
    if not lines:
        raise OrderError(_("An order needs at least one item."))
    if len(lines) > MAX_LINES:
        raise OrderError(_("Too many different items in one order."))
    checked = []
    for line in lines:
        price = _money(line.unit_price)
        if price <= 0 or price != price.quantize(CENT):
            raise OrderError(_("A price is not a valid amount."))
        if not isinstance(line.quantity, int) or isinstance(line.quantity, bool):
            raise OrderError(_("A quantity is not a whole number."))
        if not 1 <= line.quantity <= MAX_QUANTITY:
            raise OrderError(_("Quantities go from 1 to %(max)d.") % {"max": MAX_QUANTITY})
        if not (line.sku and line.name_el and line.name_en):
            raise OrderError(_("An item is missing its code or name."))
        checked.append((line, price))
    return checked


def _check_address(address: AddressInput) -> None:
    if not all([address.recipient_name, address.street, address.city, address.postcode, address.country]):
        raise OrderError(_("An address is missing a name, street, town, postcode or country."))


@transaction.atomic
def create_order(
    *,
    lines: list[OrderLineInput],
    contact: ContactInput,
    shipping_address: AddressInput,
    billing_address: AddressInput,
    shipping_method: str,
    shipping_fee: Decimal = Decimal("0.00"),
    user=None,
    language: str,
    idempotency_key: str,
) -> Order:
    """Places an order in `pending_payment` and returns it; the same `idempotency_key` returns the same order.

    Totals are computed here from the given unit prices (see the module docstring): items total = sum of
    unit price x quantity, total = items total + shipping fee, and the 24% VAT included in the total is split
    out once on the total (net + VAT == total to the cent). Nothing is written when anything is refused.
    """
    if not idempotency_key or len(idempotency_key) > 80:
        raise OrderError(_("The order could not be placed. Please try again."))
    existing = Order.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    checked = _check_lines(lines)
    if shipping_method not in ShippingMethod.values:
        raise OrderError(_("Choose a shipping method."))
    fee = _money(shipping_fee)
    if fee < 0 or fee != fee.quantize(CENT):
        raise OrderError(_("The shipping fee is not a valid amount."))
    email = (contact.email or "").strip()
    if "@" not in email or len(email) > 254:
        raise OrderError(_("Enter a valid email address."))
    _check_address(shipping_address)
    _check_address(billing_address)

    items_total = sum((price * line.quantity for line, price in checked), Decimal("0.00"))
    total = items_total + fee
    split = breakdown(total)
    order = Order(
        user=user if user is not None and user.is_authenticated else None,
        email=email,
        phone=(contact.phone or "").strip(),
        shipping_address=shipping_address.as_json(),
        billing_address=billing_address.as_json(),
        shipping_method=shipping_method,
        shipping_fee=fee,
        items_total=items_total,
        total=total,
        net_total=split.net,
        vat_total=split.vat,
        vat_rate=vat_rate(),
        language=language,
        idempotency_key=idempotency_key,
    )
    try:
        with transaction.atomic():
            order.save()
    except IntegrityError:
        # The same key placed at the same moment by another request (a double click): that order stands.
        existing = Order.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                variant_id=line.variant_id,
                sku=line.sku,
                name_el=line.name_el,
                name_en=line.name_en,
                unit_price=price,
                quantity=line.quantity,
                line_total=price * line.quantity,
            )
            for line, price in checked
        ]
    )
    OrderEvent.objects.create(
        order=order,
        from_state="",
        to_state=S.PENDING_PAYMENT,
        actor=order.user,
        actor_kind=ActorKind.CUSTOMER,
    )
    return order


# Transitions --------------------------------------------------------------------------------------------


def _locked(order: Order) -> Order:
    return Order.objects.select_for_update().get(pk=order.pk)


def _move(locked: Order, to: str, *, actor, note: str = "", carrier: str = "", tracking_number: str = "") -> None:
    if to not in TRANSITIONS.get(locked.state, frozenset()):
        raise TransitionRefused(
            _("An order that is “%(current)s” cannot become “%(target)s”.")
            % {"current": S(locked.state).label, "target": S(to).label}
        )
    OrderEvent.objects.create(
        order=locked,
        from_state=locked.state,
        to_state=to,
        actor=actor,
        actor_kind=_actor_kind(actor),
        note=note[:500],
        carrier=carrier,
        tracking_number=tracking_number,
    )
    locked.state = to


def _refresh(order: Order, locked: Order) -> Order:
    """Copies the locked row's values onto the caller's object, so the caller sees the change."""
    for field in Order._meta.concrete_fields:
        setattr(order, field.attname, getattr(locked, field.attname))
    return order


def mark_paid(*, order: Order, payment_reference: str) -> Order:
    """The payment webhook's call: pending payment -> paid, the invoice issued in the same transaction.

    Idempotent: an order already paid (or further along) is returned unchanged, whatever the reference. A
    payment for a cancelled order is refused (TransitionRefused): the payments side refunds it.
    """
    with transaction.atomic():
        locked = _locked(order)
        if locked.paid_at is not None:
            return _refresh(order, locked)
        _move(locked, S.PAID, actor=None, note=_("Payment confirmed."))
        locked.paid_at = timezone.now()
        locked.payment_reference = (payment_reference or "")[:100]
        locked.save(update_fields=["state", "paid_at", "payment_reference", "updated_at"])
        issue_invoice(order=locked)
        _email_on_commit(locked, "order_confirmation")
    return _refresh(order, locked)


def start_fulfilment(*, order: Order, actor, note: str = "") -> Order:
    with transaction.atomic():
        locked = _locked(order)
        _move(locked, S.IN_FULFILMENT, actor=actor, note=note)
        locked.save(update_fields=["state", "updated_at"])
    return _refresh(order, locked)


def mark_shipped(*, order: Order, carrier: str, tracking_number: str, actor, note: str = "") -> Order:
    """In fulfilment -> shipped; the carrier and its tracking number are required and go to the customer."""
    carrier, tracking_number = (carrier or "").strip(), (tracking_number or "").strip()
    if not carrier or not tracking_number:
        raise OrderError(_("A shipped order needs the carrier and the tracking number."))
    if len(carrier) > 60 or len(tracking_number) > 60:
        raise OrderError(_("The carrier or the tracking number is too long."))
    with transaction.atomic():
        locked = _locked(order)
        _move(locked, S.SHIPPED, actor=actor, note=note, carrier=carrier, tracking_number=tracking_number)
        locked.carrier, locked.tracking_number = carrier, tracking_number
        locked.save(update_fields=["state", "carrier", "tracking_number", "updated_at"])
        _email_on_commit(locked, "order_shipped")
    return _refresh(order, locked)


def mark_delivered(*, order: Order, actor, note: str = "") -> Order:
    with transaction.atomic():
        locked = _locked(order)
        _move(locked, S.DELIVERED, actor=actor, note=note)
        locked.save(update_fields=["state", "updated_at"])
    return _refresh(order, locked)


class OrderCancelledHooks:
    """Who hears that an order was cancelled: a plain registry (the shape of fraud's review hooks), no Django
    signals, so the calls and their order are explicit and an exception is never swallowed.

    Checkout registers its restock at startup (CheckoutConfig.ready); orders never imports checkout::

        from allegra.orders.services import order_cancelled_hooks

        @order_cancelled_hooks.register
        def restock(*, order: Order) -> None: ...

    Hooks run inside `cancel_order`'s transaction, after the state change and its event are saved, with the
    order's row locked (`order.state` is already "cancelled"). A hook that raises rolls the whole cancellation
    back: the order keeps its state, no event, no email, and whatever an earlier hook wrote is undone too.
    """

    def __init__(self) -> None:
        self._hooks: list[Callable[..., None]] = []

    def register(self, hook: Callable[..., None]) -> Callable[..., None]:
        """Adds `hook(*, order)`; registering the same callable twice keeps one. Returns it (a decorator)."""
        if hook not in self._hooks:
            self._hooks.append(hook)
        return hook

    def unregister(self, hook: Callable[..., None]) -> None:
        if hook in self._hooks:
            self._hooks.remove(hook)

    def run(self, *, order: Order) -> None:
        for hook in list(self._hooks):
            hook(order=order)


order_cancelled_hooks = OrderCancelledHooks()


def cancel_order(*, order: Order, actor, reason: str = "") -> Order:
    """Pending payment, paid or in fulfilment -> cancelled. A paid order's money goes back through the
    payments side, which then calls `record_refund`.

    The "order cancelled" hooks run in the same transaction (checkout's puts the pieces back to stock), for
    every caller: staff in the back office and a fraud review alike. An order cancelled already is refused
    (TransitionRefused) before any hook runs, so nothing is given back twice."""
    with transaction.atomic():
        locked = _locked(order)
        if locked.state not in (S.PENDING_PAYMENT, S.PAID, S.IN_FULFILMENT):
            raise TransitionRefused(
                _("An order that is “%(current)s” cannot be cancelled.") % {"current": S(locked.state).label}
            )
        _move(locked, S.CANCELLED, actor=actor, note=reason)
        locked.save(update_fields=["state", "updated_at"])
        order_cancelled_hooks.run(order=locked)
        _email_on_commit(locked, "order_cancelled")
    return _refresh(order, locked)


def record_refund(*, order: Order, amount: Decimal, full: bool, actor, note: str = "") -> Order:
    """Records money given back by the payments side: refunded (`full`) or partly refunded.

    The amount must be positive and, with what was refunded before, not exceed the total; a full refund must
    bring the refunded amount to the total. Only a paid order can be refunded (paid onwards, or cancelled
    after payment).
    """
    amount = _money(amount)
    if amount <= 0 or amount != amount.quantize(CENT):
        raise OrderError(_("A refund must be a positive amount in euros and cents."))
    with transaction.atomic():
        locked = _locked(order)
        if locked.paid_at is None:
            raise TransitionRefused(_("An order that was never paid cannot be refunded."))
        refunded = locked.refunded_amount + amount
        if refunded > locked.total:
            raise OrderError(_("The refund is more than what is left to refund."))
        if full and refunded != locked.total:
            raise OrderError(_("A full refund must bring the refunded amount to the order's total."))
        target = S.REFUNDED if full or refunded == locked.total else S.PARTLY_REFUNDED
        _move(locked, target, actor=actor, note=note or _("Refund of %(amount)s €.") % {"amount": amount})
        locked.refunded_amount = refunded
        locked.save(update_fields=["state", "refunded_amount", "updated_at"])
        _email_on_commit(locked, "order_refunded", amount=amount)
    return _refresh(order, locked)


def change_state(
    *, order: Order, to: str, actor, note: str = "", carrier: str = "", tracking_number: str = ""
) -> Order:
    """The back office's one entry point for a state change chosen by staff (refunds are the payments side's)."""
    if to == S.IN_FULFILMENT:
        return start_fulfilment(order=order, actor=actor, note=note)
    if to == S.SHIPPED:
        return mark_shipped(order=order, carrier=carrier, tracking_number=tracking_number, actor=actor, note=note)
    if to == S.DELIVERED:
        return mark_delivered(order=order, actor=actor, note=note)
    if to == S.CANCELLED:
        return cancel_order(order=order, actor=actor, reason=note)
    raise TransitionRefused(_("This change is not made here."))


# Invoices -----------------------------------------------------------------------------------------------


def issue_invoice(*, order: Order, now=None) -> Invoice:
    """Gives a paid order its invoice, numbered per calendar year without gaps ("2026-000123").

    The year's counter row is locked (SELECT ... FOR UPDATE) for the rest of the transaction, and the counter
    and the invoice are written in the same transaction: a rollback gives the number back, and two orders
    paid at the same moment wait for each other, so numbers have neither gaps nor duplicates. Idempotent.
    `now` (default: the current time) dates the invoice and picks its year.
    """
    with transaction.atomic():
        existing = Invoice.objects.filter(order=order).first()
        if existing is not None:
            return existing
        if order.paid_at is None:
            raise OrderError(_("Only a paid order gets an invoice."))
        issued_at = now or timezone.now()
        year = timezone.localtime(issued_at).year
        InvoiceCounter.objects.get_or_create(year=year)  # the year's first invoice creates its row
        counter = InvoiceCounter.objects.select_for_update().get(year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
        return Invoice.objects.create(
            order=order,
            year=year,
            sequence=counter.last,
            number=f"{year}-{counter.last:06d}",
            issued_at=issued_at,
            net_total=order.net_total,
            vat_total=order.vat_total,
            total=order.total,
            vat_rate=order.vat_rate,
        )


# Emails -------------------------------------------------------------------------------------------------


def _email_on_commit(order: Order, template: str, **extra) -> None:
    order_id = order.pk
    transaction.on_commit(lambda: send_order_email(order_id=order_id, template=template, **extra))


def send_order_email(*, order_id: int, template: str, **extra) -> bool:
    from allegra.orders.emails import send_order_email as send

    return send(order_id=order_id, template=template, **extra)


# Retention ----------------------------------------------------------------------------------------------


def purge_expired_orders(*, now=None, dry_run: bool = False) -> int:
    """Retention (R2, ORDER_RECORDS): deletes orders, with their lines, history and invoices, 5 years after
    the end of their fiscal year (the calendar year the order was placed and invoiced in), except those under
    a legal hold. `dry_run` only counts. Returns how many orders went (or would go)."""
    counts, _held = purge_expired_order_records(now=now, dry_run=dry_run)
    return counts["orders.Order"]


def purge_expired_order_records(*, now=None, dry_run: bool = False) -> tuple[dict[str, int], dict[str, int]]:
    """The retention job of ORDER_RECORDS (registered in orders/personal_data.py): (counts, held) per model.

    Two kinds of hold keep an expired order: its own `legal_hold` flag (set on the order in the back office
    while a tax audit or a claim about it is open, with no end date) and the privacy centre's `LegalHold`s
    (a record, the whole category or model, or everything of one person, each with an end date)."""
    from allegra.privacy.registry import Retention
    from allegra.privacy.retention import expired_and_held

    now = timezone.localtime(now or timezone.now())
    # An order of year Y is kept through 31 December of Y + 5; from 1 January of Y + 6 it goes.
    last_expired_year = now.year - 6
    expired = Order.objects.filter(placed_at__year__lte=last_expired_year).exclude(invoice__year__gt=last_expired_year)
    flagged = expired.filter(legal_hold=True).count()
    expired, held = expired_and_held(expired.filter(legal_hold=False), rule=Retention.ORDER_RECORDS, now=now)
    held_counts = {"orders.Order": flagged + held}
    if dry_run:
        ids = list(expired.values_list("pk", flat=True))
        invoices = Invoice.objects.filter(order_id__in=ids).count() if ids else 0
        return {"orders.Order": len(ids), "orders.Invoice": invoices}, held_counts
    with transaction.atomic():
        ids = list(expired.select_for_update(of=("self",)).values_list("pk", flat=True))
        if not ids:
            return {"orders.Order": 0, "orders.Invoice": 0}, held_counts
        invoices, _by_model = Invoice.objects.filter(order_id__in=ids).delete()
        Order.objects.filter(pk__in=ids).delete()
    logger.info("expired orders purged", extra={"count": len(ids)})
    return {"orders.Order": len(ids), "orders.Invoice": invoices}, held_counts
