from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "allegra.analytics"
    label = "analytics"
    verbose_name = "Analytics"
