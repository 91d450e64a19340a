from django.urls import path

from allegra.privacy import account_views, views

app_name = "privacy"

urlpatterns = [
    path("what-we-collect/", views.what_we_collect, name="what-we-collect"),
    # From "My privacy" (signed in, POST only): restriction of processing (R3.restrict).
    path("restriction/", account_views.restrict_processing, name="restrict"),
    path("restriction/lift/", account_views.lift_restriction, name="lift-restriction"),
]
