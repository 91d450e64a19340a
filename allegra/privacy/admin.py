"""The privacy centre in the back office: the records of processing (GDPR Art. 30), for staff with the permission
to read them, and restrictions of processing (R3.restrict), which the Privacy officer sets and lifts."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from allegra.core.admin import AuditedAdminMixin, ReadOnlyAdminMixin
from allegra.privacy import exports, restriction, selectors, vocabulary
from allegra.privacy.models import ProcessingRestriction, RecordsOfProcessing

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


class RestrictionAdminForm(forms.ModelForm):
    """Staff restrict processing for an account, or for an email address when the person has no account (the
    address is kept only as its keyed hash)."""

    email = forms.EmailField(
        label=_("email address (without an account)"),
        required=False,
        help_text=_("Only when the person has no account: stored as a keyed hash, never as the address."),
    )

    class Meta:
        model = ProcessingRestriction
        fields = ["user", "email", "reason"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("user") and not cleaned.get("email"):
            raise forms.ValidationError(_("Choose an account or give an email address."))
        if cleaned.get("user") and cleaned.get("email"):
            raise forms.ValidationError(_("Choose an account or give an email address, not both."))
        return cleaned


@admin.register(ProcessingRestriction)
class ProcessingRestrictionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The Privacy officer sets a restriction (the add form) and lifts one (the list's action); rows are never
    edited or deleted: the history is the proof. Setting and lifting go through `allegra.privacy.restriction`,
    which writes the audit log; opening or listing restrictions is audited like other personal data."""

    form = RestrictionAdminForm
    list_display = ["__str__", "account", "set_at", "set_by", "lifted_at", "lifted_by"]
    list_filter = [("lifted_at", admin.EmptyFieldListFilter)]
    raw_id_fields = ["user"]
    search_fields = ["user__public_id"]
    actions = ["lift_selected"]
    readonly_fields = ["user", "email_index", "reason", "set_at", "set_by", "lifted_at", "lifted_by"]

    @admin.display(description=_("account"))
    def account(self, obj) -> str:
        return str(obj.user.public_id) if obj.user_id else _("email address only")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "set_by", "lifted_by")

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ["user", "email", "reason"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        if change:  # every field is read-only once set: nothing to save
            return
        try:
            made = restriction.restrict(
                user=form.cleaned_data.get("user"),
                email=form.cleaned_data.get("email") or None,
                by=request.user,
                reason=form.cleaned_data.get("reason", ""),
            )
        except restriction.RestrictionError as error:
            raise PermissionDenied(str(error)) from None
        obj.pk = made.pk
        obj._state.adding = False
        obj.__dict__.update({field.attname: getattr(made, field.attname) for field in made._meta.concrete_fields})

    def save_related(self, request, form, formsets, change):
        # The service wrote the audit entry already; no second "created in the back office" entry.
        admin.ModelAdmin.save_related(self, request, form, formsets, change)

    @admin.action(description=_("Lift the selected restrictions"), permissions=["change"])
    def lift_selected(self, request, queryset):
        lifted = sum(restriction.lift_restriction(restriction=item, by=request.user) for item in queryset)
        self.message_user(request, _("Restrictions lifted: %(count)s.") % {"count": lifted})
