from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "allegra.privacy"
    label = "privacy"
    verbose_name = "Privacy"
