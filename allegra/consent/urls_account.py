"""The customer's consent choices and their history, from "My privacy"."""

from django.urls import path  # noqa: F401

app_name = "consent_account"

urlpatterns: list = []
