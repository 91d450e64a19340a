"""Checkout: the form, the order's payment and confirmation page, the pay link, the terms of sale."""

from django.urls import path

from allegra.checkout import views

app_name = "checkout"

urlpatterns = [
    path("", views.checkout_page, name="checkout"),
    path("orders/<uuid:public_id>/", views.order_page, name="order"),
    path("pay/<str:token>/", views.pay_link, name="pay-link"),
    path("terms/", views.terms, name="terms"),
]
