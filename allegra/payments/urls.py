"""The shop's side of payments: the provider's webhook and the return from its pages."""

from django.urls import path

from allegra.payments import views

app_name = "payments"

urlpatterns = [
    path("webhook", views.webhook, name="webhook"),
    path("<uuid:public_id>/pay", views.pay, name="pay"),
    path("<uuid:public_id>/return", views.back_from_provider, name="return"),
]
