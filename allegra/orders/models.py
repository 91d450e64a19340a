"""Orders, their lines and history, and invoices (U1, U3, C3).

An order is a snapshot: the lines copy the SKU, both names and the unit price at the time of purchase, and the
contact and addresses are copied (encrypted) from what the shopper gave, so later edits to the catalogue or
the address book never change a past order or its invoice. The state changes only through
`allegra.orders.services`, which checks the allowed transitions and records each one as an `OrderEvent`.
"""

from __future__ import annotations

import json
import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from allegra.core.fields import EncryptedCharField, EncryptedTextField

# No 0/O, 1/I/L: an order number is read aloud over the telephone and typed from a printed invoice.
NUMBER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
NUMBER_PREFIX = "AJ-"
NUMBER_LENGTH = 10  # 31**10 ~ 8e14: numbers cannot be guessed or enumerated


def new_order_number() -> str:
    return NUMBER_PREFIX + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_LENGTH))


class OrderState(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Pending payment")
    PAID = "paid", _("Paid")
    IN_FULFILMENT = "in_fulfilment", _("In fulfilment")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")
    PARTLY_REFUNDED = "partly_refunded", _("Partly refunded")


class ShippingMethod(models.TextChoices):
    COURIER = "courier", _("Courier to your door")
    LOCKER = "locker", _("Courier locker")
    STORE_PICKUP = "store_pickup", _("Pick-up in store")


class ActorKind(models.TextChoices):
    STAFF = "staff", _("Staff")
    SYSTEM = "system", _("System")
    CUSTOMER = "customer", _("Customer")


class Order(models.Model):
    number = models.CharField(_("order number"), max_length=20, unique=True, default=new_order_number, editable=False)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Nullable: guests buy too, and an erased account leaves its orders detached (kept for the tax law).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    # Plain: the shop writes to it (confirmation, shipment) and a guest looks the order up with it.
    email = models.EmailField(_("email"))
    phone = EncryptedCharField(_("telephone"), max_length=40, blank=True)
    # JSON snapshots of the addresses given at checkout, encrypted as one value each.
    shipping_address = EncryptedTextField(_("shipping address"))
    billing_address = EncryptedTextField(_("billing address"))
    shipping_method = models.CharField(_("shipping method"), max_length=20, choices=ShippingMethod.choices)
    shipping_fee = models.DecimalField(_("shipping fee"), max_digits=10, decimal_places=2, default=Decimal("0.00"))
    items_total = models.DecimalField(_("items"), max_digits=12, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    net_total = models.DecimalField(_("net"), max_digits=12, decimal_places=2)
    vat_total = models.DecimalField(_("VAT"), max_digits=12, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=4, decimal_places=2)
    refunded_amount = models.DecimalField(_("refunded"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    language = models.CharField(_("language"), max_length=8)
    state = models.CharField(
        _("state"), max_length=20, choices=OrderState.choices, default=OrderState.PENDING_PAYMENT, db_index=True
    )
    placed_at = models.DateTimeField(_("placed"), auto_now_add=True, db_index=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    carrier = models.CharField(_("carrier"), max_length=60, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True)
    # Checkout's key for one placing of the order: a double click or a retried request finds this row.
    idempotency_key = models.CharField(max_length=80, unique=True, editable=False)
    # Set by staff while a tax audit or a claim is open: the retention purge then keeps the order (R2).
    legal_hold = models.BooleanField(_("legal hold"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["user", "-placed_at"], name="order_user_history"),
            # Checkout's returning-customer check asks `email__iexact`, which PostgreSQL compiles to
            # UPPER(email) = UPPER(%s): this expression index serves exactly that (a plain index would not).
            models.Index(Upper("email"), name="order_email_upper"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(total__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(
                condition=models.Q(refunded_amount__gte=0, refunded_amount__lte=models.F("total")),
                name="order_refund_within_total",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def shipping_address_data(self) -> dict:
        return json.loads(self.shipping_address or "{}")

    @property
    def billing_address_data(self) -> dict:
        return json.loads(self.billing_address or "{}")


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    # SET_NULL: a variant retired from the catalogue leaves the snapshot below intact.
    variant = models.ForeignKey("catalog.Variant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sku = models.CharField(_("SKU"), max_length=40)
    name_el = models.CharField(_("name (Greek)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2)
    quantity = models.PositiveIntegerField(_("quantity"))
    line_total = models.DecimalField(_("line total"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gte=1), name="order_line_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.sku} x {self.quantity}"

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        return self.name_el if (get_language() or "").startswith("el") else self.name_en


class OrderEvent(models.Model):
    """One transition of an order's state: who, when, from what to what, and why."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=20, choices=OrderState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=OrderState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_kind = models.CharField(max_length=10, choices=ActorKind.choices)
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=500, blank=True)
    carrier = models.CharField(max_length=60, blank=True)
    tracking_number = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("order event")
        verbose_name_plural = _("order events")

    def __str__(self) -> str:
        return f"{self.from_state or '-'} -> {self.to_state}"


class InvoiceCounter(models.Model):
    """The last invoice number given in a year; its row is locked while the next one is issued."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Invoice(models.Model):
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="invoice")
    year = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    number = models.CharField(_("invoice number"), max_length=20, unique=True)
    issued_at = models.DateTimeField(_("issued"))
    net_total = models.DecimalField(max_digits=12, decimal_places=2)
    vat_total = models.DecimalField(max_digits=12, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    vat_rate = models.DecimalField(max_digits=4, decimal_places=2)

    class Meta:
        ordering = ["year", "sequence"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [models.UniqueConstraint(fields=["year", "sequence"], name="invoice_unique_per_year")]

    def __str__(self) -> str:
        return self.number
