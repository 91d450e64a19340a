"""The shop's URLs plus a bare page with the card form, for the browser test (checkout's page does not exist yet)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import path

from allegra.payments.models import Payment
from allegra.urls import urlpatterns as shop_urlpatterns

PAGE = engines["django"].from_string(
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>pay</title>"
    "<link rel='icon' href='data:,'></head><body>"
    "{% load payments %}{% card_form payment %}</body></html>"
)
DONE = engines["django"].from_string(
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>done</title>"
    "<link rel='icon' href='data:,'></head><body>"
    "<p id='outcome'>{{ payment.status }} {{ payment.card_brand }} {{ payment.card_last4 }}</p>"
    "{% for message in messages %}<p class='message'>{{ message }}</p>{% endfor %}</body></html>"
)


def card_page(request, public_id):
    return HttpResponse(PAGE.render({"payment": get_object_or_404(Payment, public_id=public_id)}, request))


def done_page(request, public_id):
    return HttpResponse(DONE.render({"payment": get_object_or_404(Payment, public_id=public_id)}, request))


urlpatterns = [
    path("test-pay/<uuid:public_id>/", card_page),
    path("test-pay/<uuid:public_id>/done", done_page),
    *shop_urlpatterns,
]
