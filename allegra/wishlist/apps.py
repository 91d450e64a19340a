from django.apps import AppConfig


class WishlistConfig(AppConfig):
    name = "allegra.wishlist"
    label = "wishlist"
    verbose_name = "Wishlist"
