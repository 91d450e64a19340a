from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "allegra.cart"
    label = "cart"
    verbose_name = "Cart"
