from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "allegra.orders"
    label = "orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        # A person without an account proves who they are to the privacy centre with an order (R4.verify).
        from allegra.orders.selectors import order_matches
        from allegra.privacy.requests import identity_matchers

        identity_matchers.register(order_matches)
