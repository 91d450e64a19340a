"""Admin for the audit log, and audit recording wrapped around the admins of customers' personal data (R1).

The audit log is read-only for everyone, superusers included: no add, change or delete rights exist in the
admin. The Privacy officer role reads it (`core.view_auditentry`) and filters it by action, actor and date,
or searches it by the subject's public ID.

Admins of personal-data models (the user, and the profile and address once registered) are wrapped here:
opening a person's change page records a "view" entry with the fields shown, saving records a "change" entry
with the names (never the values) of the changed fields, and changing groups, permissions or staff status
records a "role-change" entry.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.utils.translation import gettext_lazy as _

import allegra.accounts.admin  # noqa: F401 - registers the accounts admins, which are wrapped below
from allegra.core.audit import Action, record_access
from allegra.core.models import AuditEntry

# Models holding a customer's personal data whose admins record every view and change.
PERSONAL_DATA_MODELS = (("accounts", "user"), ("accounts", "profile"), ("accounts", "address"))
# Fields whose change changes what someone may do rather than who they are.
ROLE_FIELDS = frozenset({"groups", "user_permissions", "is_staff", "is_superuser"})


def subject_of(obj) -> str | None:
    """The public ID of the person a personal-data object belongs to."""
    if hasattr(obj, "public_id"):
        return str(obj.public_id)
    owner = getattr(obj, "user", None)
    return str(owner.public_id) if owner is not None else None


class ReadOnlyAdminMixin:
    """For records nobody edits in the back office: logs, ledgers, figures computed by the shop itself."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AuditedAdminMixin:
    """Records views and changes of personal data made through this admin."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, object_id)
            if obj is not None:
                fields = flatten_fieldsets(self.get_fieldsets(request, obj))
                for inline in self.get_inline_instances(request, obj):
                    prefix = inline.model._meta.model_name
                    fields += [f"{prefix}.{name}" for name in flatten_fieldsets(inline.get_fieldsets(request, obj))]
                self._record(request, obj, Action.VIEW, fields, _("opened in the back office"))
        return response

    def changelist_view(self, request, extra_context=None):
        """A list shows several people's data at once (their emails, names): each person listed gets a view
        entry naming the columns shown, so "who has seen my data" has an answer for lists too."""
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if request.method == "GET" and response.status_code == 200 and changelist is not None:
            shown = [name for name in changelist.list_display if isinstance(name, str) and name != "action_checkbox"]
            for obj in changelist.result_list:
                self._record(request, obj, Action.VIEW, shown, _("listed in the back office"))
        return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The user admin's add form names the password twice ("password1", "password2"): one field.
        changed = {"password" if name.startswith("password") else name for name in form.changed_data}
        request._audit_changed = sorted(changed - ROLE_FIELDS)
        request._audit_created = not change

    def save_formset(self, request, form, formset, change):
        # Inlines (the profile, the addresses) are the same person's data: named "<model>.<field>".
        prefix = formset.model._meta.model_name
        names = {f"{prefix}.{name}" for inline_form in formset.forms for name in inline_form.changed_data}
        names |= {f"{prefix}.deleted" for inline_form in formset.deleted_forms if inline_form.instance.pk}
        super().save_formset(request, form, formset, change)
        request._audit_changed = sorted({*getattr(request, "_audit_changed", []), *names})

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changed = getattr(request, "_audit_changed", [])
        if changed or getattr(request, "_audit_created", False):
            reason = _("changed in the back office") if change else _("created in the back office")
            self._record(request, form.instance, Action.CHANGE, changed, reason)
        roles = [name for name in form.changed_data if name in ROLE_FIELDS]
        if roles:
            self._record(request, form.instance, Action.ROLE_CHANGE, roles, _("rights changed in the back office"))

    def delete_model(self, request, obj):
        self._record(request, obj, Action.DELETE, [], _("deleted in the back office"))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._record(request, obj, Action.DELETE, [], _("deleted in the back office"))
        super().delete_queryset(request, queryset)

    def _record(self, request, obj, action, fields, reason) -> None:
        subject = subject_of(obj)
        if subject is not None:
            record_access(actor=request.user, subject=subject, action=action, fields=list(fields), reason=str(reason))


class AuditedPasswordMixin:
    """A password set by staff is a change of personal data too (the name is recorded, never the value)."""

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            if user is not None:
                self._record(request, user, Action.CHANGE, ["password"], _("password set in the back office"))
        return response


def wrap_personal_data_admins(site: admin.AdminSite) -> None:
    """Replaces each registered personal-data admin with an audited subclass of itself (idempotent)."""
    for model, model_admin in list(site._registry.items()):
        key = (model._meta.app_label, model._meta.model_name)
        if key not in PERSONAL_DATA_MODELS or isinstance(model_admin, AuditedAdminMixin):
            continue
        bases = (AuditedAdminMixin, type(model_admin))
        if hasattr(model_admin, "user_change_password"):
            bases = (AuditedPasswordMixin, *bases)
        audited = type(f"Audited{type(model_admin).__name__}", bases, {})
        site.unregister(model)
        site.register(model, audited)


wrap_personal_data_admins(admin.site)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "action", "actor_label", "subject", "fields_list", "reason"]
    list_filter = ["action", "created_at", ("actor", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=subject"]
    search_help_text = _("Search by the person's public ID.")
    date_hierarchy = "created_at"
    fields = ["created_at", "action", "actor_label", "subject", "fields", "reason", "previous_hash", "hash"]
    readonly_fields = fields
    list_select_related = ["actor"]

    @admin.display(description=_("fields"))
    def fields_list(self, entry: AuditEntry) -> str:
        return ", ".join(entry.fields)
