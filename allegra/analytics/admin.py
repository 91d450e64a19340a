from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from allegra.analytics.models import SearchRecord


class ResultsFilter(admin.SimpleListFilter):
    """Lets staff find the searches that found nothing, the catalogue's blind spots."""

    title = _("results")
    parameter_name = "results"

    def lookups(self, request, model_admin):
        return [("none", _("No results")), ("some", _("Some results"))]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(result_count=0)
        if self.value() == "some":
            return queryset.filter(result_count__gt=0)
        return queryset


@admin.register(SearchRecord)
class SearchRecordAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the storefront alone, and staff only study it."""

    list_display = ["searched_at", "normalized_query", "language", "result_count"]
    list_filter = [ResultsFilter, "language", "searched_at"]
    search_fields = ["normalized_query"]
    date_hierarchy = "searched_at"
    list_per_page = 100
    readonly_fields = ["normalized_query", "language", "result_count", "searched_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
