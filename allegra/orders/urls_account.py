"""The customer's order history and invoices."""

app_name = "orders_account"

urlpatterns: list = []
