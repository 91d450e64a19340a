from django.apps import AppConfig


class FraudConfig(AppConfig):
    name = "allegra.fraud"
    label = "fraud"
    verbose_name = "Fraud screening"
