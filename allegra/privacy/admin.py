"""The privacy centre in the back office, for the Privacy officer: the records of processing (GDPR Art. 30), the
queue of data-subject requests, copies of data, and restrictions of processing (R3.restrict)."""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from allegra.core.admin import AuditedAdminMixin, ReadOnlyAdminMixin
from allegra.core.audit import record_access
from allegra.privacy import (  # noqa: F401 - admin_registry registers its admins on import
    admin_registry,
    agents,
    execution,
    exports,
    holds,
    processors,
    restriction,
    selectors,
    staff_desk,
    vocabulary,
)
from allegra.privacy import requests as request_services
from allegra.privacy.forms import CarryOutForm, CompleteForm, CorrectionForm, DenyForm, ExtendForm
from allegra.privacy.models import (
    AgentAuthorisation,
    Correction,
    DataCopy,
    LegalHold,
    ProcessingRestriction,
    RecordsOfProcessing,
    RequestEvent,
    RetentionRun,
    SubjectRequest,
)

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


# Data-subject requests: the Privacy officer's queue ----------------------------------------------------------


OPEN_STATES = [state for state in SubjectRequest.State.values if state not in ("completed", "denied")]


class RequestEventInline(admin.TabularInline):
    model = RequestEvent
    extra = 0
    can_delete = False
    fields = ["at", "from_state", "to_state", "actor_kind", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class CorrectionInline(admin.TabularInline):
    """The corrections staff recorded for the request (R3.correct); recorded through the step, never edited."""

    model = Correction
    extra = 0
    can_delete = False
    fields = ["field", "before", "after", "made_by", "made_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SubjectRequest)
class SubjectRequestAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The queue: open requests first, the most urgent (overdue) at the top; every step through the services."""

    list_display = ["reference", "kind", "state", "channel", "received_at", "due", "verification"]
    list_filter = ["state", "kind", "channel"]
    search_fields = ["=reference"]
    search_help_text = gettext_lazy("Search by reference (PR-...).")
    inlines = [RequestEventInline, CorrectionInline]
    fields = [
        "reference",
        "kind",
        "state",
        "channel",
        "email",
        "name",
        "details",
        "language",
        "verification",
        "verification_attempts",
        "received_at",
        "verified_at",
        "paused_days",
        "due_at",
        "extended_at",
        "extension_reason",
        "closed_at",
        "outcome",
        "result_note",
        "denial_reason",
        "denial_text",
        "agent",
    ]
    readonly_fields = fields
    change_form_template = "admin/privacy/subjectrequest/change_form.html"
    actions = ["start_work"]

    def get_queryset(self, request):
        is_open = Case(When(state__in=OPEN_STATES, then=Value(0)), default=Value(1), output_field=IntegerField())
        return super().get_queryset(request).annotate(closed_last=is_open).order_by("closed_last", "due_at", "id")

    def has_add_permission(self, request) -> bool:
        return False  # requests come from the person (account, web form)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # kept 24 months after closing (R2), then purged by the retention rules

    def _record(self, request, obj, action, fields, reason) -> None:
        subject = obj.user if obj.user_id else obj
        fields = list(fields)
        if action == "view":
            # The person's data at a glance is shown too: the categories counted are recorded as seen.
            fields += getattr(request, "_glance_fields", {}).get(obj.pk, [])
        record_access(actor=request.user, subject=subject, action=action, fields=fields, reason=str(reason))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, object_id) if request.method == "GET" else None
        if obj is not None and self.has_view_or_change_permission(request, obj):
            lines = staff_desk.glance(obj)
            extra_context["glance"] = lines
            extra_context["glance_total"] = sum(line.records for line in lines)
            extra_context["can_carry_out"] = obj.state in execution.READY and obj.kind not in (
                SubjectRequest.Kind.CORRECT,
                SubjectRequest.Kind.COMPLAINT,
            )
            extra_context["can_correct"] = (
                obj.kind == SubjectRequest.Kind.CORRECT
                and obj.state in staff_desk.WORKING_STATES
                and request.user.has_perm("privacy.add_correction")
            )
            request._glance_fields = {obj.pk: ["glance", *(f"glance.{line.category}" for line in lines)]}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=gettext_lazy("due"), ordering="due_at")
    def due(self, obj: SubjectRequest) -> str:
        if obj.is_overdue:
            return format_html('<strong class="overdue">{} · {}</strong>', obj.due_at.date(), _("overdue"))
        return str(obj.due_at.date()) if obj.is_open else "-"

    @admin.display(description=gettext_lazy("authorised agent"))
    def agent(self, obj: SubjectRequest):
        """R4.agent: who filed the request for the person, and their signed permission (downloaded, audited)."""
        authorisation = AgentAuthorisation.objects.filter(request=obj).defer("document").first()
        if authorisation is None:
            return "—"
        if authorisation.has_document:
            url = reverse("admin:privacy_subjectrequest_agent_document", args=[obj.pk])
            document = format_html(
                '<a href="{}" id="agent-document">{}</a> ({}, {} bytes)',
                url,
                _("Download the signed permission"),
                authorisation.get_content_type_display(),
                authorisation.size,
            )
        else:
            document = _("The signed permission was removed when the request closed.")
        return format_html("{} &lt;{}&gt;<br>{}", authorisation.agent_name, authorisation.agent_email, document)

    def agent_document_view(self, request, pk: int):
        item = SubjectRequest.objects.filter(pk=pk).first()
        if item is None:
            raise Http404
        if not self.has_view_permission(request, item):
            raise PermissionDenied
        try:
            data, authorisation = agents.document_for_staff(request=item, actor=request.user)
        except agents.AgentError as error:
            raise Http404(str(error)) from None
        response = HttpResponse(data, content_type=authorisation.content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="{item.reference}-permission.{authorisation.extension}"'
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    def get_urls(self):
        view = self.admin_site.admin_view
        own = [
            path("<int:pk>/step/<str:step>/", view(self.step_view), name="privacy_subjectrequest_step"),
            path(
                "<int:pk>/agent-document/",
                view(self.agent_document_view),
                name="privacy_subjectrequest_agent_document",
            ),
        ]
        return own + super().get_urls()

    STEPS = {
        "carry-out": (CarryOutForm, gettext_lazy("Carry out request %(reference)s")),
        "extend": (ExtendForm, gettext_lazy("Extend request %(reference)s")),
        "complete": (CompleteForm, gettext_lazy("Complete request %(reference)s")),
        "deny": (DenyForm, gettext_lazy("Deny request %(reference)s")),
        "correct": (CorrectionForm, gettext_lazy("Record a correction for request %(reference)s")),
    }

    def step_view(self, request, pk: int, step: str):
        if not self.has_change_permission(request):
            raise PermissionDenied
        item = SubjectRequest.objects.filter(pk=pk).first()
        if item is None or step not in self.STEPS:
            raise Http404
        if step == "correct" and not request.user.has_perm("privacy.add_correction"):
            raise PermissionDenied
        form_class, title = self.STEPS[step]
        form = form_class(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if step == "carry-out":
                    execution.carry_out(request=item, actor=request.user)
                elif step == "correct":
                    staff_desk.record_correction(
                        request=item,
                        actor=request.user,
                        field=data["field"],
                        before=data["before"],
                        after=data["after"],
                    )
                elif step == "extend":
                    request_services.extend(request=item, actor=request.user, reason=data["reason"])
                elif step == "complete":
                    request_services.complete(
                        request=item, actor=request.user, outcome=data["outcome"], note=data["note"]
                    )
                else:
                    request_services.deny(request=item, actor=request.user, reason=data["reason"], text=data["text"])
            except (request_services.RequestError, staff_desk.CorrectionError) as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, _("Request %(reference)s updated.") % {"reference": item.reference})
                return HttpResponseRedirect(reverse("admin:privacy_subjectrequest_change", args=[item.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "item": item,
            "step": step,
            "form": form,
            "title": title % {"reference": item.reference},
        }
        return TemplateResponse(
            request, "admin/privacy/subjectrequest/step.html", context, status=400 if form.errors else 200
        )

    @admin.action(description=gettext_lazy("Start work on the selected verified requests"), permissions=["change"])
    def start_work(self, request, queryset):
        moved = 0
        for item in queryset:
            try:
                request_services.start_work(request=item, actor=request.user)
            except request_services.RequestError:
                continue
            moved += 1
        self.message_user(request, _("%(count)d requests are now in progress.") % {"count": moved})
        if moved < len(queryset):
            self.message_user(request, _("Only verified requests can be started."), messages.WARNING)


@admin.register(DataCopy)
class DataCopyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Copies people made of their data (R3.copy): status and dates for the Privacy officer, never the content.

    The ZIP column is neither shown nor loaded; the account appears by its random public id only."""

    list_display = ("public_id", "status", "progress", "created_at", "ready_at", "expires_at", "downloaded_at")
    list_filter = ("status",)
    search_fields = ("request_reference",)
    fields = (
        "public_id",
        "account",
        "request_reference",
        "status",
        "progress",
        "size",
        "language",
        "created_at",
        "ready_at",
        "expires_at",
        "downloaded_at",
    )
    readonly_fields = fields
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content").select_related("user")

    @admin.display(description=gettext_lazy("account"))
    def account(self, obj) -> str:
        return str(obj.user.public_id) if obj.user_id else "—"


class RestrictionAdminForm(forms.ModelForm):
    """Staff restrict processing for an account, or for an email address when the person has no account (the
    address is kept only as its keyed hash)."""

    email = forms.EmailField(
        label=gettext_lazy("email address (without an account)"),
        required=False,
        help_text=gettext_lazy("Only when the person has no account: stored as a keyed hash, never as the address."),
    )

    class Meta:
        model = ProcessingRestriction
        fields = ["user", "email", "reason"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("user") and not cleaned.get("email"):
            raise forms.ValidationError(gettext_lazy("Choose an account or give an email address."))
        if cleaned.get("user") and cleaned.get("email"):
            raise forms.ValidationError(gettext_lazy("Choose an account or give an email address, not both."))
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

    @admin.display(description=gettext_lazy("account"))
    def account(self, obj) -> str:
        return str(obj.user.public_id) if obj.user_id else gettext_lazy("email address only")

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

    @admin.action(description=gettext_lazy("Lift the selected restrictions"), permissions=["change"])
    def lift_selected(self, request, queryset):
        lifted = sum(restriction.lift_restriction(restriction=item, by=request.user) for item in queryset)
        self.message_user(request, gettext_lazy("Restrictions lifted: %(count)s.") % {"count": lifted})


# --- retention (R2) ----------------------------------------------------------------------------------------------


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The runs of `enforce_retention`, read-only: what each job removed, per category."""

    list_display = ["started_at", "finished_at", "dry_run", "only", "trigger", "removed"]
    list_filter = ["dry_run", "trigger"]
    fields = ["started_at", "finished_at", "dry_run", "only", "trigger", "report_text"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("removed"))
    def removed(self, run: RetentionRun) -> int:
        return run.total

    @admin.display(description=gettext_lazy("report"))
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

    @admin.display(boolean=True, description=gettext_lazy("in force"))
    def in_force(self, hold: LegalHold) -> bool:
        return hold.is_active()

    def save_model(self, request, obj, form, change):
        if change:
            holds.change_hold(obj, actor=request.user, changed=list(form.changed_data))
        else:
            holds.set_hold(obj, actor=request.user)

    @admin.action(description=gettext_lazy("Lift the selected legal holds"), permissions=["change"])
    def lift_holds(self, request, queryset):
        lifted = sum(holds.lift_hold(hold, actor=request.user) for hold in queryset)
        self.message_user(
            request,
            ngettext("%(count)d legal hold lifted.", "%(count)d legal holds lifted.", lifted) % {"count": lifted},
            messages.SUCCESS,
        )
