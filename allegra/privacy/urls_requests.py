"""Data-subject requests: the public web form, the emailed confirmation link, the account's requests."""

from django.urls import path

from allegra.privacy import views_requests as views

app_name = "privacy_requests"

urlpatterns = [
    path("", views.request_form, name="form"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("mine/", views.account_requests, name="account-list"),
    path("figures/", views.metrics, name="metrics"),
    path("figures/<int:year>.csv", views.metrics_csv, name="metrics-csv"),
]
