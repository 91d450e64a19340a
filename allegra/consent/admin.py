"""The consent ledger in the back office: read-only for everyone, superusers included (it is proof; a change
would destroy it). The Privacy officer reads it (`consent.view_consentrecord`, `consent.view_purposeconsentrecord`,
`consent.view_consentnotice`).

Records linked to an account are a person's data: opening one, or listing them, writes a view entry in the
staff audit log (the same mixin as the customer admins).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from allegra.consent.models import ConsentNotice, ConsentRecord, PurposeConsentRecord
from allegra.core.admin import AuditedAdminMixin, ReadOnlyAdminMixin


@admin.register(ConsentRecord)
class ConsentRecordAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["recorded_at", "source", "performance", "advertising", "gpc", "policy_version", "consent_id"]
    list_filter = ["source", "recorded_at", "gpc", "policy_version"]
    date_hierarchy = "recorded_at"
    search_fields = ["=consent_id"]
    search_help_text = _("Search by the browser's consent id.")
    list_select_related = ["user"]
    fields = [
        "consent_id",
        "user",
        "recorded_at",
        "source",
        "performance",
        "advertising",
        "gpc",
        "policy_version",
        "notice",
        "ip_truncated",
        "user_agent_hash",
    ]
    readonly_fields = fields


@admin.register(PurposeConsentRecord)
class PurposeConsentRecordAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["recorded_at", "purpose", "granted", "source", "policy_version", "recorded_by"]
    list_filter = ["purpose", "granted", "source", "recorded_at", "policy_version"]
    date_hierarchy = "recorded_at"
    # Exact look-ups only: the purpose key, or the keyed hash of an address (never the address in a URL).
    search_fields = ["=purpose", "=email_index"]
    search_help_text = _("Search by purpose key or by the keyed hash of an email address.")
    list_select_related = ["user", "recorded_by"]
    fields = [
        "purpose",
        "user",
        "email_index",
        "recorded_at",
        "granted",
        "source",
        "recorded_by",
        "policy_version",
        "notice",
        "ip_truncated",
        "user_agent_hash",
    ]
    readonly_fields = fields


@admin.register(ConsentNotice)
class ConsentNoticeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["first_shown_at", "source", "language", "policy_version", "text_hash"]
    list_filter = ["source", "language", "policy_version", "first_shown_at"]
    search_fields = ["=text_hash"]
    fields = ["text_hash", "source", "language", "policy_version", "first_shown_at", "text"]
    readonly_fields = fields
