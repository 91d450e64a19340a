"""Data-subject requests: the public web form, the emailed confirmation link, the account's requests."""

from django.urls import path

from allegra.privacy import views_requests as views

app_name = "privacy_requests"

urlpatterns = [
    path("", views.request_form, name="form"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("mine/", views.account_requests, name="account-list"),
    # A guest's copy of their data, by the sealed link of the "ready" email (no personal data in it).
    path("copy/<str:token>/", views.guest_copy, name="guest-copy"),
    path("copy/<str:token>/download/", views.guest_copy_download, name="guest-copy-download"),
    path("figures/", views.metrics, name="metrics"),
    path("figures/<int:year>.csv", views.metrics_csv, name="metrics-csv"),
]
