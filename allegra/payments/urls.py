"""The shop's side of payments: the provider's webhook and the return from its pages."""

app_name = "payments"

urlpatterns: list = []
