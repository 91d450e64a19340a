"""Orders in the back office (Fulfilment, Consumer services, Store manager).

Staff never edit an order's fields: every field is read-only, and the state changes only through the form on
the order's page ("Change state") or the list's actions, both of which call the services (allowed transitions
only, each recorded with who and when). Viewing or changing an order is recorded in the audit log with the
customer's public ID (or, for a guest, "order:<order public ID>"). The invoice PDF downloads from the order.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from allegra.core.admin import AuditedAdminMixin
from allegra.core.audit import Action, record_access
from allegra.orders import services
from allegra.orders.forms import StateChangeForm
from allegra.orders.models import Invoice, Order, OrderEvent, OrderLine
from allegra.orders.pdf import render_invoice_pdf


def order_subject(order: Order) -> str:
    return str(order.user.public_id) if order.user_id else f"order:{order.public_id}"


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ["sku", "name_el", "name_en", "unit_price", "quantity", "line_total"]
    readonly_fields = fields


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ["at", "from_state", "to_state", "actor_kind", "actor", "carrier", "tracking_number", "note"]
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "state", "placed_at", "total", "shipping_method", "tracking_number"]
    list_filter = ["state", "shipping_method", "legal_hold", "placed_at"]
    search_fields = ["=number"]
    search_help_text = gettext_lazy("Search by order number.")
    date_hierarchy = "placed_at"
    list_select_related = ["user"]
    inlines = [OrderLineInline, OrderEventInline]
    actions = ["start_fulfilment", "mark_delivered"]
    fields = [
        "number",
        "state",
        "placed_at",
        "paid_at",
        "email",
        "phone",
        "shipping_address",
        "billing_address",
        "shipping_method",
        "shipping_fee",
        "items_total",
        "total",
        "net_total",
        "vat_total",
        "refunded_amount",
        "carrier",
        "tracking_number",
        "payment_reference",
        "language",
        "invoice_link",
        "legal_hold",
    ]
    # Everything but the legal hold (a tax audit or claim open) is read-only; the state has its own form.
    readonly_fields = [name for name in fields if name != "legal_hold"]
    change_form_template = "admin/orders/order/change_form.html"

    def has_add_permission(self, request) -> bool:
        return False  # orders come from checkout only

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # accounting records (R2): kept, never deleted by hand

    def _record(self, request, obj, action, fields, reason) -> None:
        record_access(
            actor=request.user, subject=order_subject(obj), action=action, fields=list(fields), reason=str(reason)
        )

    @admin.display(description=gettext_lazy("invoice"))
    def invoice_link(self, order: Order) -> str:
        invoice = Invoice.objects.filter(order=order).first()
        if invoice is None:
            return "-"
        url = reverse("admin:orders_order_invoice", args=[order.pk])
        return format_html('<a href="{}">{} (PDF)</a>', url, invoice.number)

    def get_urls(self):
        own = [
            path("<int:pk>/state/", self.admin_site.admin_view(self.state_view), name="orders_order_state"),
            path("<int:pk>/invoice.pdf", self.admin_site.admin_view(self.invoice_view), name="orders_order_invoice"),
        ]
        return own + super().get_urls()

    def _order_or_404(self, pk: int) -> Order:
        order = Order.objects.filter(pk=pk).first()
        if order is None:
            raise Http404
        return order

    def state_view(self, request, pk: int):
        if not self.has_change_permission(request):
            raise PermissionDenied
        order = self._order_or_404(pk)
        form = StateChangeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.change_state(
                    order=order,
                    to=form.cleaned_data["to"],
                    actor=request.user,
                    note=form.cleaned_data["note"],
                    carrier=form.cleaned_data["carrier"],
                    tracking_number=form.cleaned_data["tracking_number"],
                )
            except services.OrderError as error:
                form.add_error(None, str(error))
            else:
                self._record(request, order, Action.CHANGE, ["state"], _("state changed in the back office"))
                self.message_user(request, _("The order is now “%(state)s”.") % {"state": order.get_state_display()})
                return HttpResponseRedirect(reverse("admin:orders_order_change", args=[order.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "order": order,
            "form": form,
            "title": _("Change the state of order %(number)s") % {"number": order.number},
        }
        return TemplateResponse(request, "admin/orders/order/state.html", context, status=400 if form.errors else 200)

    def invoice_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        order = self._order_or_404(pk)
        invoice = Invoice.objects.filter(order=order).first()
        if invoice is None:
            raise Http404
        self._record(request, order, Action.VIEW, ["invoice"], _("invoice downloaded in the back office"))
        from django.http import HttpResponse

        response = HttpResponse(render_invoice_pdf(invoice=invoice), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="invoice-{invoice.number}.pdf"'
        return response

    def _bulk(self, request, queryset, service, done_message):
        moved, refused = 0, 0
        for order in queryset:
            try:
                service(order=order, actor=request.user)
            except services.OrderError:
                refused += 1
            else:
                moved += 1
                self._record(request, order, Action.CHANGE, ["state"], _("state changed in the back office"))
        if moved:
            self.message_user(request, done_message % {"count": moved})
        if refused:
            self.message_user(
                request,
                _("%(count)d orders were left as they were: their state does not allow it.") % {"count": refused},
                messages.WARNING,
            )

    @admin.action(description=gettext_lazy("Start fulfilment"), permissions=["change"])
    def start_fulfilment(self, request, queryset):
        self._bulk(request, queryset, services.start_fulfilment, _("%(count)d orders are now in fulfilment."))

    @admin.action(description=gettext_lazy("Mark delivered"), permissions=["change"])
    def mark_delivered(self, request, queryset):
        self._bulk(request, queryset, services.mark_delivered, _("%(count)d orders are now delivered."))
