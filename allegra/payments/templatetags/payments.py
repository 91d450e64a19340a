"""`{% card_form payment %}`: the card form for a payment (templates/payments/card_form.html)."""

from django import template
from django.urls import reverse

from allegra.payments import conf

register = template.Library()


@register.inclusion_tag("payments/card_form.html", takes_context=True)
def card_form(context, payment) -> dict:
    request = context["request"]
    pay_url = request.build_absolute_uri(reverse("payments:pay", args=[payment.public_id]))
    return {
        "payment": payment,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "tokenize_url": f"{conf.public_url()}/tokens",
        "pay_url": pay_url,
    }
