"""The records of processing (GDPR Art. 30) in the back office, for staff with the permission to read them."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from allegra.core.admin import ReadOnlyAdminMixin
from allegra.privacy import admin_registry, exports, processors, selectors, vocabulary  # noqa: F401
from allegra.privacy.models import RecordsOfProcessing

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
            "records": selectors.records_of_processing(recipients=processors.recipients_by_key()),
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
