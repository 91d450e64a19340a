from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "allegra.consent"
    label = "consent"
    verbose_name = "Consent"
