"""The customer's wish list (C5)."""

app_name = "wishlist"

urlpatterns: list = []
