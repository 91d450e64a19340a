from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "allegra.core"
    label = "core"
    verbose_name = "Core"
