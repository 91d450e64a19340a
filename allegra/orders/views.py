"""The customer's order pages (history, one order, its invoice) and a guest's look-up by emailed link.

Thin views: the selectors read, the services write. Every page is private and never stored by a cache.
Someone else's order answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from allegra.accounts.throttling import client_ip
from allegra.accounts.views.profile import account_page, render_account
from allegra.orders import lookup, selectors
from allegra.orders.forms import LookupForm
from allegra.orders.models import Order
from allegra.orders.pdf import render_invoice_pdf

NAV = "orders_account:list"


def _pdf_response(order: Order) -> HttpResponse:
    invoice = selectors.invoice_of(order)
    if invoice is None:
        raise Http404
    response = HttpResponse(render_invoice_pdf(invoice=invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="invoice-{invoice.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@account_page
def order_list(request):
    orders = list(selectors.orders_of(request.user))
    return render_account(request, "orders/list.html", NAV, {"orders": orders})


@account_page
def order_detail(request, public_id):
    order = selectors.order_of(request.user, public_id)
    if order is None:
        raise Http404
    return render_account(request, "orders/detail.html", NAV, {"order": order, "guest_token": ""})


@account_page
def invoice_pdf(request, public_id):
    order = Order.objects.filter(user=request.user, public_id=public_id).select_related("invoice").first()
    if order is None:
        raise Http404
    return _pdf_response(order)


def _site_url(request) -> str:
    return settings.SITE_URL or request.build_absolute_uri("/")


@cache_control(private=True, no_store=True)
@require_http_methods(["GET", "POST"])
def lookup_view(request):
    form = LookupForm(request.POST or None)
    if request.method == "POST":
        if not lookup.allow_attempt(client_ip(request)):
            return render(
                request,
                "orders/lookup.html",
                {"form": form, "error": _("Too many look-ups from your network. Please try again later.")},
                status=429,
            )
        if form.is_valid():
            lookup.request_link(
                number=form.cleaned_data["number"],
                email=form.cleaned_data["email"],
                site_url=_site_url(request),
                language=get_language(),
            )
            # The same answer whether or not the number and the email match.
            return render(request, "orders/lookup_sent.html", {})
        return render(request, "orders/lookup.html", {"form": form}, status=400)
    return render(request, "orders/lookup.html", {"form": form})


def _guest_order(token: str) -> Order:
    try:
        order = lookup.read_token(token)
    except lookup.InvalidLookupLink:
        raise Http404 from None
    return selectors.order_with_details(Order.objects.filter(pk=order.pk)).get()


@cache_control(private=True, no_store=True)
def guest_order(request, token):
    try:
        order = lookup.read_token(token)
    except lookup.InvalidLookupLink:
        return render(request, "orders/link_invalid.html", {}, status=404)
    order = selectors.order_with_details(Order.objects.filter(pk=order.pk)).get()
    return render(request, "orders/guest_detail.html", {"order": order, "guest_token": token})


@cache_control(private=True, no_store=True)
def guest_invoice_pdf(request, token):
    return _pdf_response(_guest_order(token))
