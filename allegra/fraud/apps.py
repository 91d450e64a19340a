from django.apps import AppConfig


class FraudConfig(AppConfig):
    name = "allegra.fraud"
    label = "fraud"
    verbose_name = "Fraud screening"

    def ready(self) -> None:
        from allegra.fraud import rules  # noqa: F401 - registers the settings check
