"""The bundled test payment provider, kept apart as if it ran elsewhere."""

app_name = "psp"

urlpatterns: list = []
