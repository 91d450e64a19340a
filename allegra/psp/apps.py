from django.apps import AppConfig


class PspConfig(AppConfig):
    name = "allegra.psp"
    label = "psp"
    verbose_name = "Psp"
