from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "allegra.payments"
    label = "payments"
    verbose_name = "Payments"
