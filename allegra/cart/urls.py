"""The cart: a guest's session cart or the account's cart."""

app_name = "cart"

urlpatterns: list = []
