"""The records of processing (GDPR Art. 30) in the back office, for staff with the permission to read them."""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from allegra.core.admin import ReadOnlyAdminMixin
from allegra.privacy import exports, holds, selectors, vocabulary
from allegra.privacy.models import LegalHold, RecordsOfProcessing, RetentionRun

PERMISSION = "privacy.view_records_of_processing"


@admin.register(RecordsOfProcessing)
class RecordsOfProcessingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    def has_module_permission(self, request) -> bool:
        return request.user.has_perm(PERMISSION)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(PERMISSION)

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("", view(self.records_view), name=f"{prefix}_changelist"),
            path("download.<str:fmt>", view(self.download_view), name=f"{prefix}_download"),
        ]

    def records_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": self.opts.verbose_name_plural.capitalize(),
            "opts": self.opts,
            "records": selectors.records_of_processing(),
            "security_measures": vocabulary.SECURITY_MEASURES,
        }
        return TemplateResponse(request, "admin/privacy/records_of_processing.html", context)

    def download_view(self, request, fmt: str):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if fmt not in exports.FORMATS:
            raise Http404
        response = HttpResponse(
            exports.dump(exports.records_of_processing_document(), fmt=fmt),
            content_type=f"{exports.FORMATS[fmt]}; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="records-of-processing.{fmt}"'
        return response


# --- retention (R2) ----------------------------------------------------------------------------------------------


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The runs of `enforce_retention`, read-only: what each job removed, per category."""

    list_display = ["started_at", "finished_at", "dry_run", "only", "trigger", "removed"]
    list_filter = ["dry_run", "trigger"]
    fields = ["started_at", "finished_at", "dry_run", "only", "trigger", "report_text"]
    readonly_fields = fields

    @admin.display(description=_("removed"))
    def removed(self, run: RetentionRun) -> int:
        return run.total

    @admin.display(description=_("report"))
    def report_text(self, run: RetentionRun):
        return format_html("<pre>{}</pre>", json.dumps(run.report, indent=2, ensure_ascii=False))


class LegalHoldForm(forms.ModelForm):
    class Meta:
        model = LegalHold
        fields = ["scope", "rule", "model_label", "object_id", "user", "reason", "starts", "ends"]


@admin.register(LegalHold)
class LegalHoldAdmin(admin.ModelAdmin):
    """Staff with the permissions (the Privacy officer) set holds, extend them and lift them; never delete
    them. Every change is written to the audit log (allegra.privacy.holds)."""

    form = LegalHoldForm
    list_display = ["id", "scope", "target_label", "starts", "ends", "in_force", "lifted_at"]
    list_filter = ["scope", "lifted_at"]
    raw_id_fields = ["user"]
    actions = ["lift_holds"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["set_by"]
        # A hold's target never changes (set a new hold instead); its end and reason may be corrected.
        editable = set() if obj.lifted_at else {"ends", "reason"}
        return [
            name for name in [*LegalHoldForm.Meta.fields, "set_by", "lifted_at", "lifted_by"] if name not in editable
        ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return LegalHoldForm.Meta.fields
        return [*LegalHoldForm.Meta.fields, "set_by", "lifted_at", "lifted_by"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(boolean=True, description=_("in force"))
    def in_force(self, hold: LegalHold) -> bool:
        return hold.is_active()

    def save_model(self, request, obj, form, change):
        if change:
            holds.change_hold(obj, actor=request.user, changed=list(form.changed_data))
        else:
            holds.set_hold(obj, actor=request.user)

    @admin.action(description=_("Lift the selected legal holds"), permissions=["change"])
    def lift_holds(self, request, queryset):
        lifted = sum(holds.lift_hold(hold, actor=request.user) for hold in queryset)
        self.message_user(
            request,
            ngettext("%(count)d legal hold lifted.", "%(count)d legal holds lifted.", lifted) % {"count": lifted},
            messages.SUCCESS,
        )
