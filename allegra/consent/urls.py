"""The cookie banner's choice and the cookie settings page (K1, K6), under the language prefix."""

from django.urls import path

from allegra.consent import views

app_name = "consent"

# One address: GET shows the settings page (the Choose layer as a page), POST records a choice from the banner
# or from that page. Two names, so templates say which of the two they mean.
urlpatterns = [
    path("", views.cookies, name="settings"),
    path("", views.cookies, name="choose"),
    path("gpc/", views.gpc, name="gpc"),
]
