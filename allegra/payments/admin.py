"""Payments in the back office: read-only for everyone (they mirror the provider), with one action: a refund.

Refunding needs `payments.change_payment` (the Store manager role; see /tmp requests to the roles' owner). The
refund page asks for an amount and a reason and calls `services.refund`, which writes the audit log.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from allegra.core.admin import ReadOnlyAdminMixin
from allegra.payments import services
from allegra.payments.gateway import GatewayError
from allegra.payments.models import Payment, Refund


class RefundForm(forms.Form):
    amount = forms.CharField(label=gettext_lazy("Amount (€)"), max_length=12)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, payment: Payment, **kwargs):
        super().__init__(*args, **kwargs)
        self.payment = payment

    def clean_amount(self) -> int:
        raw = self.cleaned_data["amount"].replace(",", ".").strip()
        try:
            cents = Decimal(raw) * 100
        except InvalidOperation:
            raise forms.ValidationError(_("Enter an amount in euros, e.g. 12.50.")) from None
        if cents != cents.to_integral_value() or cents < 1:
            raise forms.ValidationError(_("Enter an amount in euros, e.g. 12.50."))
        if cents > self.payment.refundable_cents:
            raise forms.ValidationError(
                _("At most %(amount).2f € can be refunded.") % {"amount": self.payment.refundable_cents / 100}
            )
        return int(cents)


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = ["created_at", "amount_cents", "status", "reason", "provider_refund_id"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "payable", "amount_cents", "currency", "status", "card_brand", "card_last4"]
    list_filter = ["status", "created_at"]
    search_fields = ["=payable", "=provider_payment_id"]
    search_help_text = gettext_lazy("Search by what was paid for (an order number) or the provider's payment ID.")
    date_hierarchy = "created_at"
    inlines = [RefundInline]
    fields = [
        "public_id",
        "payable",
        "amount_cents",
        "currency",
        "status",
        "amount_refunded_cents",
        "failure_code",
        "provider",
        "provider_payment_id",
        "card_brand",
        "card_last4",
        "card_exp_month",
        "card_exp_year",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields
    change_form_template = "payments/admin/payment_change_form.html"

    def get_urls(self):
        return [
            path(
                "<int:object_id>/refund/", self.admin_site.admin_view(self.refund_view), name="payments_payment_refund"
            ),
            *super().get_urls(),
        ]

    def may_refund(self, request) -> bool:
        return request.user.has_perm("payments.change_payment")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "may_refund": self.may_refund(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def refund_view(self, request, object_id: int):
        if not self.may_refund(request):
            raise PermissionDenied
        payment = get_object_or_404(Payment, pk=object_id)
        form = RefundForm(request.POST or None, payment=payment)
        if request.method == "POST" and form.is_valid():
            try:
                services.refund(
                    payment=payment,
                    amount_cents=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except (services.PaymentError, GatewayError) as error:
                form.add_error(
                    None, _("The refund was refused (%(code)s). Nothing was refunded.") % {"code": error.code}
                )
            else:
                messages.success(request, _("The refund was made."))
                return HttpResponseRedirect(reverse("admin:payments_payment_change", args=[payment.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": payment,
            "payment": payment,
            "form": form,
            "title": _("Refund"),
            "refundable": payment.refundable_cents / 100,
        }
        return TemplateResponse(request, "payments/admin/refund.html", context, status=400 if form.errors else 200)
