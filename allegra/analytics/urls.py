"""The first-party analytics endpoints (C6): events, the page pixel and the email pixel."""

from django.urls import path

from allegra.analytics import views

app_name = "analytics"

urlpatterns = [
    path("events", views.events, name="events"),
    path("p.gif", views.page_pixel, name="page-pixel"),
    path("m/<str:token>.gif", views.email_pixel, name="email-pixel"),
]
