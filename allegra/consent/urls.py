"""The cookie banner's choice and the cookie settings page (K1, K6), under the language prefix."""

from django.urls import path  # noqa: F401

app_name = "consent"

urlpatterns: list = []
