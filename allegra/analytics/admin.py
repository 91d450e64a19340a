"""Back office of the analytics app: the anonymous search log (read-only) and the analytics dashboard.

`Event` (raw, per-visitor events) is deliberately not registered: staff see aggregates only (U5, C6).
"""

from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from allegra.analytics import dashboard
from allegra.analytics.models import DailyAggregate, SearchRecord
from allegra.core.admin import ReadOnlyAdminMixin


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
class SearchRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the log is written by the storefront alone, and staff only study it."""

    list_display = ["searched_at", "normalized_query", "language", "result_count"]
    list_filter = [ResultsFilter, "language", "searched_at"]
    search_fields = ["normalized_query"]
    date_hierarchy = "searched_at"
    list_per_page = 100
    readonly_fields = ["normalized_query", "language", "result_count", "searched_at"]


@admin.register(DailyAggregate)
class DailyAggregateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The analytics dashboard (U5) in place of a list of rows: visits, top pages, products and searches,
    searches with no results, search click-through and the purchase funnel, each table also as CSV.

    Reads daily aggregates only; raw events have no admin at all, so no back-office page shows one visitor's
    trail. The right to see it is `analytics.view_dailyaggregate` (Store manager and Marketing)."""

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("", view(self.dashboard_view), name=f"{prefix}_changelist"),
            path("export/<slug:table>.csv", view(self.export_view), name=f"{prefix}_export"),
        ]

    def _filters(self, request) -> tuple[dashboard.DashboardFilter, dashboard.Filters | None]:
        form = dashboard.DashboardFilter(request.GET)
        if not form.is_valid():
            return form, None
        data = form.cleaned_data
        return form, dashboard.Filters(start=data["start"], end=data["end"], language=data["language"])

    def dashboard_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form, filters = self._filters(request)
        tables = {name: build(filters) for name, build in dashboard.TABLES.items()} if filters else {}
        context = {
            **self.admin_site.each_context(request),
            "title": _("Analytics"),
            "opts": self.opts,
            "form": form,
            "filters": filters,
            "query": urlencode(filters.as_query) if filters else "",
            "tables": tables,
        }
        return TemplateResponse(request, "admin/analytics/dashboard.html", context, status=200 if filters else 400)

    def export_view(self, request, table: str):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if table not in dashboard.TABLES:
            raise Http404
        form, filters = self._filters(request)
        if filters is None:
            messages = [str(error) for errors in form.errors.values() for error in errors]
            return HttpResponseBadRequest("\n".join(messages), content_type="text/plain; charset=utf-8")
        built = dashboard.TABLES[table](filters)
        response = HttpResponse(dashboard.to_csv(built), content_type="text/csv; charset=utf-8")
        filename = f"analytics-{table}-{filters.start.isoformat()}-{filters.end.isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
