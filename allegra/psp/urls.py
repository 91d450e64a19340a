"""The bundled test payment provider, kept apart as if it ran elsewhere (see allegra/psp/__init__.py)."""

from django.urls import path

from allegra.psp import views

app_name = "psp"

urlpatterns = [
    path("tokens", views.tokens, name="tokens"),
    path("card", views.card_page, name="card"),
    path("challenge/<str:intent_id>/<str:secret>", views.challenge, name="challenge"),
    path("v1/payment_intents", views.create_intent, name="intents"),
    path("v1/payment_intents/<str:intent_id>", views.intent_detail, name="intent"),
    path("v1/payment_intents/<str:intent_id>/confirm", views.confirm_intent, name="confirm"),
    path("v1/refunds", views.create_refund, name="refunds"),
]
