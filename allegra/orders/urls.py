"""Orders seen without an account: the guest's look-up by order number and email."""

app_name = "orders"

urlpatterns: list = []
