"""The shop's side of payments (C4): a gateway interface, the test provider's implementation, the Payment,
Refund and WebhookEvent records, the webhook endpoint, the card form and back-office refunds.

A payment is for a *payable*: a reference string the caller owns (an order number). Checkout starts a payment
with `services.start_payment(...)` and subscribes to its outcome with `handlers.register(...)`; this app never
imports orders. The shop never sees a card number or a CVC: the card form posts them to the provider, and the
shop keeps the provider's token, brand, last 4 digits and expiry only.
"""
