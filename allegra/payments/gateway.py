"""The payment gateway interface: what the shop needs from any card provider, in the shop's words.

`get_gateway()` returns the configured implementation (PAYMENTS_GATEWAY, a dotted path; the bundled test
provider's `allegra.payments.test_psp.TestPspGateway` by default). Another provider is another class with these
four methods (and `retrieve`); nothing else in the shop changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string


class GatewayError(Exception):
    """The provider refused the request or could not be reached; nothing was charged."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or code)
        self.code = code


class ProviderUnavailable(GatewayError):
    """The provider (or the card network behind it) failed: try again later."""


class InvalidWebhook(GatewayError):
    """A webhook whose signature does not match, or which is stale: refused with 400."""


@dataclass(frozen=True)
class CardSummary:
    token: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    # The provider's keyed hash of the card number: the same card gives the same fingerprint, whatever token.
    fingerprint: str = ""


@dataclass(frozen=True)
class ProviderPayment:
    """The provider's view of a payment, mapped onto the shop's statuses (Payment.Status values)."""

    id: str
    status: str
    amount_cents: int
    amount_refunded_cents: int = 0
    failure_code: str = ""
    redirect_url: str = ""  # where to send the shopper (3-D Secure challenge), when status is requires_action
    card: CardSummary | None = None


@dataclass(frozen=True)
class ProviderRefund:
    id: str
    amount_cents: int
    payment_id: str


@dataclass(frozen=True)
class ProviderEvent:
    id: str
    type: str  # payment.succeeded | payment.failed | refund.succeeded
    created: int
    payment: ProviderPayment
    refund: ProviderRefund | None = None
    raw: dict = field(default_factory=dict, repr=False)


@runtime_checkable
class PaymentGateway(Protocol):
    def create_payment(
        self,
        *,
        amount_cents: int,
        currency: str,
        reference: str,
        idempotency_key: str,
        return_url: str,
        webhook_url: str,
    ) -> ProviderPayment:
        """Creates (or, for the same idempotency key, returns) the provider's payment."""

    def confirm(self, *, payment_id: str, token: str, return_url: str) -> ProviderPayment:
        """Charges a tokenized card. A decline comes back as status failed with a failure code."""

    def retrieve(self, *, payment_id: str) -> ProviderPayment:
        """The payment as the provider sees it now (after a 3-D Secure challenge, say)."""

    def refund(self, *, payment_id: str, amount_cents: int, idempotency_key: str) -> ProviderRefund:
        """Refunds part or all of a succeeded payment."""

    def verify_webhook(self, *, body: bytes, signature_header: str, now: float | None = None) -> ProviderEvent:
        """Checks a webhook's signature and freshness and parses it; raises InvalidWebhook."""


def get_gateway() -> PaymentGateway:
    path = getattr(settings, "PAYMENTS_GATEWAY", "allegra.payments.test_psp.TestPspGateway")
    return import_string(path)()
