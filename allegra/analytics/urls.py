"""The first-party analytics endpoints (C6): events, the page pixel and the email pixel."""

from django.urls import path  # noqa: F401

app_name = "analytics"

urlpatterns: list = []
