from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "allegra.checkout"
    label = "checkout"
    verbose_name = "Checkout"

    def ready(self) -> None:
        # The payment outcome reaches the order through this handler (payments never imports orders).
        from allegra.checkout import handlers
        from allegra.fraud.hooks import review_hooks
        from allegra.orders.services import order_cancelled_hooks
        from allegra.payments.handlers import register

        register(handlers.on_payment_change)
        # A fraud review's decision reaches the held order through this hook (fraud never imports orders).
        review_hooks.register(handlers.on_fraud_review)
        # Every cancellation (back office, fraud review, any later caller) puts the pieces back to stock through
        # this hook, run inside cancel_order's transaction (orders never imports checkout).
        order_cancelled_hooks.register(handlers.restock_cancelled_order)
