"""The back office of the registry of processors (S1), the disclosure log (S2) and the business-transfer
inventory (S4). Only the Privacy officer holds these rights (accounts/roles.py); every change is audited.

Imported by privacy/admin.py, so Django's admin autodiscovery finds it.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from allegra.core.admin import AuditedAdminMixin
from allegra.core.audit import Action, record_access
from allegra.privacy import transfers, vocabulary
from allegra.privacy.models import Disclosure, ProcessorAgreement, TransferInventory
from allegra.privacy.models.disclosures import map_categories
from allegra.privacy.registry import taxonomy_keys


def _category_choices(keys) -> list[tuple[str, str]]:
    return [(key, f"{key} — {vocabulary.category_name(key)}") for key in sorted(keys)]


class RegistryAuditMixin(AuditedAdminMixin):
    """Audits saves (field names, never values) under a subject that says which record it was."""

    audit_views = False

    def audit_subject(self, obj) -> str:
        raise NotImplementedError

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.audit_views:
            return super().change_view(request, object_id, form_url, extra_context)
        return admin.ModelAdmin.change_view(self, request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        if self.audit_views:
            return super().changelist_view(request, extra_context)
        return admin.ModelAdmin.changelist_view(self, request, extra_context)

    def _record(self, request, obj, action, fields, reason) -> None:
        record_access(
            actor=request.user, subject=self.audit_subject(obj), action=action, fields=list(fields), reason=str(reason)
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        # Agreements are deactivated, disclosures and inventories kept: nothing here is deleted by hand.
        return False


class ProcessorAgreementForm(forms.ModelForm):
    data_categories = forms.MultipleChoiceField(
        label=_("data categories shared"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        error_messages={"invalid_choice": _("%(value)s is not a data category of the taxonomy.")},
    )

    class Meta:
        model = ProcessorAgreement
        fields = [
            "key",
            "service",
            "data_categories",
            "purpose_el",
            "purpose_en",
            "country",
            "safeguards",
            "safeguards_detail",
            "agreement_date",
            "agreement_reference",
            "active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["data_categories"].choices = _category_choices(taxonomy_keys()["data_category"])


@admin.register(ProcessorAgreement)
class ProcessorAgreementAdmin(RegistryAuditMixin, admin.ModelAdmin):
    form = ProcessorAgreementForm
    list_display = ["service", "key", "country", "transfer", "safeguards", "agreement_date", "active"]
    list_filter = ["active", "safeguards"]
    search_fields = ["service", "key", "agreement_reference"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["key", "service", "data_categories", "purpose_el", "purpose_en"]}),
        (_("Where, and on what safeguards"), {"fields": ["country", "safeguards", "safeguards_detail"]}),
        (_("Agreement"), {"fields": ["agreement_date", "agreement_reference", "active", "created_at", "updated_at"]}),
    ]

    def audit_subject(self, obj) -> str:
        return f"processor:{obj.key}"

    @admin.display(description=_("outside the EEA"), boolean=True)
    def transfer(self, obj) -> bool:
        return obj.is_transfer


class DisclosureForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("data categories given"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        error_messages={"invalid_choice": _("%(value)s is not a data category of the personal-data map.")},
    )

    class Meta:
        model = Disclosure
        fields = [
            "requester",
            "requester_reference",
            "requested_at",
            "legal_basis",
            "legal_basis_detail",
            "categories",
            "data_description",
            "subject",
            "approved_by",
            "approved_at",
            "disclosed_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = _category_choices(map_categories())
        if "approved_by" in self.fields:
            self.fields["approved_by"].error_messages["required"] = _(
                "Name the member of staff who approved the disclosure."
            )


@admin.register(Disclosure)
class DisclosureAdmin(RegistryAuditMixin, admin.ModelAdmin):
    """Add and view; a disclosure still being prepared can be completed, a disclosure made is final."""

    form = DisclosureForm
    audit_views = True
    list_display = ["requested_at", "requester", "legal_basis", "approved_by", "disclosed_at"]
    list_filter = ["legal_basis", "requested_at"]
    search_fields = ["requester", "requester_reference"]
    raw_id_fields = ["subject"]
    list_select_related = ["approved_by"]
    readonly_fields = ["created_at"]
    fieldsets = [
        (_("Who asked"), {"fields": ["requester", "requester_reference", "requested_at"]}),
        (_("Legal basis"), {"fields": ["legal_basis", "legal_basis_detail"]}),
        (_("What was given, about whom"), {"fields": ["categories", "data_description", "subject"]}),
        (_("Approval"), {"fields": ["approved_by", "approved_at", "disclosed_at", "created_at"]}),
    ]

    def audit_subject(self, obj) -> str:
        # A disclosure about a person is an access to that person's data: it is found under their public ID.
        if obj.subject_id is not None:
            return str(obj.subject.public_id)
        return f"disclosure:{obj.pk}"

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("approved_by", request.user.pk)
        initial.setdefault("approved_at", timezone.now())
        return initial

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.locked:
            return False
        return super().has_change_permission(request, obj)


@admin.register(TransferInventory)
class TransferInventoryAdmin(RegistryAuditMixin, admin.ModelAdmin):
    """Adding one records the inventory as it is now; each recorded one downloads as JSON, CSV or YAML."""

    list_display = ["created_at", "created_by", "models_count", "downloads"]
    list_select_related = ["created_by"]
    fields = ["created_at", "created_by", "models_count", "downloads"]
    readonly_fields = fields

    def audit_subject(self, obj) -> str:
        return f"{transfers.AUDIT_SUBJECT}:{obj.pk}"

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_fields(self, request, obj=None):
        return self.fields if obj is not None else []

    def save_model(self, request, obj, form, change):
        snapshot = transfers.record_inventory(actor=request.user)
        obj.pk, obj.created_at, obj.created_by, obj.content = (
            snapshot.pk,
            snapshot.created_at,
            snapshot.created_by,
            snapshot.content,
        )

    def save_related(self, request, form, formsets, change):
        # record_inventory wrote the audit entry; nothing else belongs to a snapshot.
        pass

    @admin.display(description=_("models of the map"))
    def models_count(self, obj) -> int:
        return len((obj.content or {}).get("models", []))

    @admin.display(description=_("download"))
    def downloads(self, obj):
        if obj.pk is None:
            return "—"
        links = (
            (reverse("admin:privacy_transferinventory_download", args=[obj.pk, fmt]), fmt.upper())
            for fmt in sorted(transfers.FORMATS)
        )
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/download.<str:fmt>", view(self.download_view), name="privacy_transferinventory_download"),
            *super().get_urls(),
        ]

    def download_view(self, request, pk: int, fmt: str):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if fmt not in transfers.FORMATS:
            raise Http404
        snapshot = get_object_or_404(TransferInventory, pk=pk)
        record_access(
            actor=request.user,
            subject=self.audit_subject(snapshot),
            action=Action.EXPORT,
            fields=[fmt],
            reason="business-transfer inventory downloaded",
        )
        response = HttpResponse(
            transfers.dump(snapshot.content, fmt=fmt), content_type=f"{transfers.FORMATS[fmt]}; charset=utf-8"
        )
        stamp = f"{snapshot.created_at:%Y%m%d-%H%M%S}"
        response["Content-Disposition"] = f'attachment; filename="transfer-inventory-{stamp}.{fmt}"'
        return response


__all__ = ["DisclosureAdmin", "ProcessorAgreementAdmin", "TransferInventoryAdmin"]
