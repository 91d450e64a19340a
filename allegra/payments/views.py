"""The shop's payment endpoints: the provider's webhook, the card token coming back, the return from 3-D Secure.

Card data never reaches these views: they receive only the provider's token (`tok_...`).
"""

from __future__ import annotations

import functools
import logging
from urllib.parse import urlsplit

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from allegra.payments import services
from allegra.payments.gateway import InvalidWebhook, ProviderUnavailable
from allegra.payments.models import Payment

logger = logging.getLogger(__name__)
MAX_WEBHOOK_BYTES = 64 * 1024


def failure_message(code: str) -> str:
    """What the shopper reads when a card payment did not go through."""
    return {
        "card_declined": _("Your card was declined. Nothing was charged; please try another card."),
        "insufficient_funds": _("Your card was declined for insufficient funds. Nothing was charged."),
        "authentication_failed": _("The 3-D Secure check was not passed. Nothing was charged."),
        "expired_card": _("Your card has expired. Please use another card."),
        "invalid_token": _("The card details could not be used. Please enter them again."),
    }.get(code, _("The payment could not be completed. Nothing was charged; please try again."))


# The provider calls this server to server: it has no session and no CSRF token; the HMAC signature over the
# timestamp and the exact body is what proves the request came from the provider (and was not altered).
@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    if len(request.body) > MAX_WEBHOOK_BYTES:
        return JsonResponse({"error": "too_large"}, status=413)
    try:
        result = services.handle_webhook(body=request.body, signature_header=request.headers.get("PSP-Signature", ""))
    except InvalidWebhook as error:
        logger.warning("payment webhook refused: %s", error.code)
        return JsonResponse({"error": error.code}, status=400)
    return JsonResponse({"received": True, "duplicate": result.duplicate})


def in_the_shoppers_language(view):
    """These addresses have no language prefix (the provider sends the browser to them), so the messages they
    leave for the shop's page are written in the language of the page the payment returns to."""

    @functools.wraps(view)
    def wrapper(request, public_id):
        payment = get_object_or_404(Payment, public_id=public_id)
        language = translation.get_language_from_path(urlsplit(payment.return_url).path)
        with translation.override(language or translation.get_language()):
            return view(request, payment)

    return wrapper


def _return_url(request: HttpRequest, payment: Payment) -> str:
    return request.build_absolute_uri(reverse("payments:return", args=[payment.public_id]))


@require_http_methods(["GET", "POST"])
@in_the_shoppers_language
def pay(request: HttpRequest, payment: Payment) -> HttpResponse:
    """The card token arrives: posted by the card form's script (POST, CSRF-protected), or in the query string
    when the provider's hosted card page sends the browser back (GET, no JavaScript). Charging the same payment
    twice is impossible, so a reloaded GET changes nothing."""
    token = (request.POST if request.method == "POST" else request.GET).get("token", "")
    try:
        result = services.pay_with_token(payment=payment, token=token, return_url=_return_url(request, payment))
    except services.PaymentError as error:
        messages.error(request, failure_message(error.code))
        return HttpResponseRedirect(payment.return_url, status=303)
    except ProviderUnavailable:
        messages.error(request, _("The payment provider is not answering. Nothing was charged; please try again."))
        return HttpResponseRedirect(payment.return_url, status=303)
    if result.payment.status == Payment.Status.FAILED:
        messages.error(request, failure_message(result.payment.failure_code))
    return HttpResponseRedirect(result.redirect_url, status=303)


@require_GET
@in_the_shoppers_language
def back_from_provider(request: HttpRequest, payment: Payment) -> HttpResponse:
    """The shopper comes back from the 3-D Secure page: read the outcome from the provider, not from the URL."""
    try:
        payment = services.refresh(payment=payment)
    except (services.PaymentError, ProviderUnavailable):
        messages.error(request, _("The payment provider is not answering. Nothing was charged; please try again."))
        return HttpResponseRedirect(payment.return_url, status=303)
    if payment.status == Payment.Status.FAILED:
        messages.error(request, failure_message(payment.failure_code))
    return HttpResponseRedirect(payment.return_url, status=303)
