"""A signed-in person's privacy actions (R3.copy), mounted at /<lang>/account/privacy/. Copies appear in URLs
only by their random public id."""

from django.urls import path

from allegra.privacy import views_account as views

app_name = "privacy_account"

urlpatterns = [
    path("copy/", views.copy_start, name="copy-start"),
    path("copy/<uuid:public_id>/", views.copy_status, name="copy-status"),
    path("copy/<uuid:public_id>/download/", views.copy_download, name="copy-download"),
]
