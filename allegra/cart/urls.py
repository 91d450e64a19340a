"""The cart: a guest's session cart or the account's cart."""

from django.urls import path

from allegra.cart import views

app_name = "cart"

urlpatterns = [
    path("", views.cart_page, name="cart"),
    path("add/", views.add, name="add"),
    path("lines/<uuid:line_id>/quantity/", views.update, name="update"),
    path("lines/<uuid:line_id>/remove/", views.remove, name="remove"),
]
