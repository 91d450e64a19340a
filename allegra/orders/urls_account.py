"""The customer's order history and invoices."""

from django.urls import path

from allegra.orders import views

app_name = "orders_account"

urlpatterns = [
    path("", views.order_list, name="list"),
    path("<uuid:public_id>/", views.order_detail, name="detail"),
    path("<uuid:public_id>/invoice.pdf", views.invoice_pdf, name="invoice"),
]
