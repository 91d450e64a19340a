"""The customer's wish list (C5)."""

from django.urls import path

from allegra.wishlist import views

app_name = "wishlist"

urlpatterns = [
    path("", views.wishlist_page, name="list"),
    path("add/", views.add, name="add"),
    path("remove/", views.remove, name="remove"),
    path("move-to-cart/", views.move_to_cart, name="move"),
]
