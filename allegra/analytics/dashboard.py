"""The analytics dashboard of the back office (U5): filters, tables, charts and CSV files, all drawn from the
daily aggregates. Nothing here reads raw events, so no figure can show one visitor's trail.

Charts are inline SVG drawn on the server (no script, no outside host); each has a title and a description
for screen readers, and the table beside it holds the same figures.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from allegra.analytics import selectors

DEFAULT_DAYS = 30
MAX_DAYS = 400
TOP = 20
BREAKDOWN_TOP = 10
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
DATE_FORMAT = "%Y-%m-%d"


class DashboardFilter(forms.Form):
    """Day range (inclusive, Athens days) and language. Empty dates mean the last 30 days."""

    start = forms.DateField(label=_("From"), required=False, input_formats=[DATE_FORMAT])
    end = forms.DateField(label=_("To"), required=False, input_formats=[DATE_FORMAT])
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("All languages")), *settings.LANGUAGES]
        for name in ("start", "end"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        for name in ("start", "end"):
            value = cleaned.get(name)
            if value is not None and not EARLIEST <= value <= LATEST:
                self.add_error(
                    name,
                    gettext("Choose a day between %(first)s and %(last)s.")
                    % {"first": EARLIEST.isoformat(), "last": LATEST.isoformat()},
                )
        if self.errors:
            return cleaned
        end = cleaned.get("end") or timezone.localdate()
        start = cleaned.get("start") or max(EARLIEST, end - timedelta(days=DEFAULT_DAYS - 1))
        if start > end:
            raise forms.ValidationError(gettext("The first day comes after the last day."), code="order")
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(gettext("Choose at most %(days)d days.") % {"days": MAX_DAYS}, code="too_long")
        cleaned["start"], cleaned["end"] = start, end
        cleaned["language"] = cleaned.get("language") or None
        return cleaned


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    language: str | None

    @property
    def as_query(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "language": self.language or ""}

    def reads(self) -> dict:
        return {"start": self.start, "end": self.end, "language": self.language}


@dataclass
class Table:
    name: str
    title: str
    columns: list[str]
    rows: list[list]
    # Figures behind a chart, kept for the template.
    extra: dict | None = None


def _visits(filters: Filters) -> Table:
    days = selectors.visits_per_day(**filters.reads())
    return Table(
        "visits",
        gettext("Visits per day"),
        [gettext("Day"), gettext("Visitors"), gettext("Page views")],
        [[row["day"].isoformat(), row["visitors"], row["page_views"]] for row in days],
        extra={"chart": visits_chart(days)},
    )


def _pages(filters: Filters) -> Table:
    rows = selectors.top_keys(metric="page_views", limit=TOP, **filters.reads())
    return Table(
        "pages",
        gettext("Top pages"),
        [gettext("Page"), gettext("Page views")],
        [[row["key"], row["total"]] for row in rows],
    )


def _products(filters: Filters) -> Table:
    rows = selectors.top_products(limit=TOP, **filters.reads())
    return Table(
        "products",
        gettext("Top products"),
        [
            gettext("Product"),
            gettext("Views"),
            gettext("Clicks in listings"),
            gettext("Added to cart"),
            gettext("Purchases"),
        ],
        [[row["name"], row["views"], row["clicks"], row["added"], row["purchased"]] for row in rows],
    )


def _searches(filters: Filters) -> Table:
    rows = selectors.search_terms(limit=TOP, **filters.reads())
    return Table(
        "searches",
        gettext("Top searches"),
        [gettext("Search"), gettext("Searches"), gettext("With no results")],
        [[row["key"], row["searches"], row["zero_results"]] for row in rows],
    )


def _zero_results(filters: Filters) -> Table:
    rows = selectors.top_keys(metric="search_log_zero", limit=TOP, **filters.reads())
    return Table(
        "zero_results",
        gettext("Searches with no results"),
        [gettext("Search"), gettext("Searches with no results")],
        [[row["key"], row["total"]] for row in rows],
    )


def _click_through(filters: Filters) -> Table:
    rows = selectors.search_click_through(limit=TOP, **filters.reads())
    return Table(
        "click_through",
        gettext("Search click-through"),
        [gettext("Search"), gettext("Searches"), gettext("Clicks on a result"), gettext("Click-through (%)")],
        [[row["key"], row["searches"], row["clicks"], row["rate"]] for row in rows],
    )


def _funnel(filters: Filters) -> Table:
    totals = selectors.funnel_totals(**filters.reads())
    stages = [
        (gettext("Viewed a product"), totals["funnel_viewed"]),
        (gettext("Added it to the cart"), totals["funnel_added"]),
        (gettext("Purchased"), totals["funnel_purchased"]),
    ]
    rows = []
    previous = None
    for label, count in stages:
        share = "" if previous is None else (round(100 * count / previous, 1) if previous else 0)
        rows.append([label, count, share])
        previous = count
    return Table(
        "funnel",
        gettext("Funnel: product view to purchase"),
        [gettext("Stage"), gettext("Visitors"), gettext("Of the stage before (%)")],
        rows,
        extra={"chart": funnel_chart(stages), "purchase_value": totals["purchase_value_cents"] / 100},
    )


# metric -> (title, name of its key column)
BREAKDOWNS = {
    "page_views_by_device": (_("Page views by device"), _("Device")),
    "page_views_by_browser": (_("Page views by browser"), _("Browser")),
    "page_views_by_os": (_("Page views by operating system"), _("Operating system")),
    "page_views_by_country": (_("Page views by country"), _("Country")),
    "page_views_by_referrer": (_("Page views by referring site"), _("Referring site")),
}


def _breakdown(metric: str) -> Callable[[Filters], Table]:
    def build(filters: Filters) -> Table:
        rows = selectors.top_keys(metric=metric, limit=BREAKDOWN_TOP, **filters.reads())
        title, column = BREAKDOWNS[metric]
        return Table(
            metric.removeprefix("page_views_by_"),
            str(title),
            [str(column), gettext("Page views")],
            [[row["key"] or "—", row["total"]] for row in rows],
        )

    return build


TABLES: dict[str, Callable[[Filters], Table]] = {
    "visits": _visits,
    "funnel": _funnel,
    "pages": _pages,
    "products": _products,
    "searches": _searches,
    "zero_results": _zero_results,
    "click_through": _click_through,
    **{metric.removeprefix("page_views_by_"): _breakdown(metric) for metric in BREAKDOWNS},
}


# --- charts -----------------------------------------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 720, 220, 36


def visits_chart(days: list[dict]) -> dict:
    """Polylines of visitors and page views per day, scaled to the chart box, and their text alternative."""
    top = max([1, *(max(row["visitors"], row["page_views"]) for row in days)])
    inner_w, inner_h = CHART_WIDTH - 2 * CHART_PAD, CHART_HEIGHT - 2 * CHART_PAD
    step = inner_w / max(1, len(days) - 1)

    def points(series: str) -> str:
        return " ".join(
            f"{CHART_PAD + n * step:.1f},{CHART_PAD + inner_h - inner_h * row[series] / top:.1f}"
            for n, row in enumerate(days)
        )

    visitors = sum(row["visitors"] for row in days)
    page_views = sum(row["page_views"] for row in days)
    busiest = max(days, key=lambda row: row["page_views"]) if days else None
    description = gettext("From %(first)s to %(last)s: %(visitors)s visitors and %(page_views)s page views in all.") % {
        "first": formats.date_format(days[0]["day"]) if days else "",
        "last": formats.date_format(days[-1]["day"]) if days else "",
        "visitors": visitors,
        "page_views": page_views,
    }
    if busiest and busiest["page_views"]:
        description += " " + gettext("The busiest day was %(day)s, with %(page_views)s page views.") % {
            "day": formats.date_format(busiest["day"]),
            "page_views": busiest["page_views"],
        }
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "pad": CHART_PAD,
        "baseline": CHART_HEIGHT - CHART_PAD,
        "right": CHART_WIDTH - CHART_PAD,
        "top": top,
        "visitors": points("visitors"),
        "page_views": points("page_views"),
        "description": description,
        "first_day": days[0]["day"] if days else None,
        "last_day": days[-1]["day"] if days else None,
    }


def funnel_chart(stages: list[tuple[str, int]]) -> dict:
    """Horizontal bars, one per stage, as wide as its share of the first stage."""
    first = max(1, stages[0][1]) if stages else 1
    bar_max = CHART_WIDTH - 260
    bars = [
        {"label": label, "count": count, "y": 10 + n * 44, "width": round(bar_max * count / first, 1)}
        for n, (label, count) in enumerate(stages)
    ]
    description = ", ".join(f"{label}: {count}" for label, count in stages)
    return {
        "width": CHART_WIDTH,
        "height": 10 + 44 * len(stages),
        "bars": bars,
        "description": description,
        "label_x": 240,
    }


# --- CSV --------------------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> object:
    """A cell that a spreadsheet cannot mistake for a formula (OWASP CSV injection): text starting with
    = + - @ or a tab or carriage return gets a leading apostrophe. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(table: Table) -> str:
    """The table as CSV text (RFC 4180 quoting), with a byte-order mark so spreadsheets read Greek right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(column) for column in table.columns])
    for row in table.rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return "\ufeff" + buffer.getvalue()
