"""Orders seen without an account: the guest's look-up by order number and email."""

from django.urls import path

from allegra.orders import views

app_name = "orders"

urlpatterns = [
    path("lookup/", views.lookup_view, name="lookup"),
    path("view/<str:token>/", views.guest_order, name="view"),
    path("view/<str:token>/invoice.pdf", views.guest_invoice_pdf, name="guest_invoice"),
]
