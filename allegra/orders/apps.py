from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "allegra.orders"
    label = "orders"
    verbose_name = "Orders"
