from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "allegra.checkout"
    label = "checkout"
    verbose_name = "Checkout"

    def ready(self) -> None:
        # The payment outcome reaches the order through this handler (payments never imports orders).
        from allegra.checkout import handlers
        from allegra.fraud.hooks import review_hooks
        from allegra.payments.handlers import register

        register(handlers.on_payment_change)
        # A fraud review's decision reaches the held order through this hook (fraud never imports orders).
        review_hooks.register(handlers.on_fraud_review)
