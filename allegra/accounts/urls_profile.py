"""The customer's own pages under /<lang>/account/. Addresses appear in URLs only by their random public id."""

from django.urls import path

from allegra.accounts.views import profile as views

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("addresses/", views.addresses, name="addresses"),
    path("addresses/add/", views.address_add, name="address-add"),
    path("addresses/<uuid:public_id>/edit/", views.address_edit, name="address-edit"),
    path("addresses/<uuid:public_id>/delete/", views.address_delete, name="address-delete"),
    path("addresses/<uuid:public_id>/default/", views.address_set_default, name="address-set-default"),
    path("privacy/", views.privacy, name="privacy"),
]
