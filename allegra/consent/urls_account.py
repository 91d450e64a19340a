"""The customer's consent choices and purpose withdrawals, from "My privacy" (the page itself is accounts:privacy)."""

from django.urls import path

from allegra.consent import account_views

app_name = "consent_account"

urlpatterns = [
    path("", account_views.change_choices, name="change"),
    path("withdraw/", account_views.withdraw_purpose, name="withdraw-purpose"),
]
