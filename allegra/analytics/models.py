"""Search analytics: what shoppers search for and how often they find nothing (policy clause U5).

A `SearchRecord` describes a search, never a searcher: there is no user, session, IP address or any other
identifier of the visitor, so the table can only ever be read in aggregate.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NORMALIZED_QUERY_MAX_LENGTH = 200


class SearchRecord(models.Model):
    normalized_query = models.CharField(
        _("normalized query"),
        max_length=NORMALIZED_QUERY_MAX_LENGTH,
        help_text=_("The words as the search engine understood them: lower case, without accents."),
    )
    language = models.CharField(_("language"), max_length=8)
    result_count = models.PositiveIntegerField(_("results"))
    searched_at = models.DateTimeField(_("searched at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-searched_at", "-id"]
        verbose_name = _("search")
        verbose_name_plural = _("searches")
        indexes = [
            # Staff reports group by query over a time window, zero-result ones most of all.
            models.Index(fields=["result_count", "searched_at"], name="searchrecord_results_time"),
        ]

    def __str__(self) -> str:
        return self.normalized_query


class Event(models.Model):
    """One thing a visitor who allowed performance cookies did (C6, K2). Raw events live 13 months, then
    only their daily aggregates remain. `visitor` is the random id of the performance cookie: no account,
    no session, no full IP address, no fingerprint."""

    class Kind(models.TextChoices):
        PAGE_VIEW = "page_view", _("Page view")
        PRODUCT_CLICK = "product_click", _("Product click")
        SEARCH = "search", _("Search")
        SEARCH_CLICK = "search_click", _("Click on a search result")
        ADD_TO_CART = "add_to_cart", _("Add to cart")
        PURCHASE = "purchase", _("Purchase")
        # A marketing email's pixel, only for an account that allows performance cookies (path: "email:<campaign>").
        EMAIL_OPEN = "email_open", _("Email opened")

    class Device(models.TextChoices):
        DESKTOP = "desktop", _("Desktop")
        MOBILE = "mobile", _("Mobile")
        TABLET = "tablet", _("Tablet")
        BOT = "bot", _("Bot")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    visitor = models.UUIDField(_("visitor (performance cookie id)"))
    occurred_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    # The page's path without its query string, ids of private pages replaced (see services).
    path = models.CharField(_("page"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), null=True, blank=True, on_delete=models.SET_NULL
    )
    search_query = models.CharField(_("search"), max_length=NORMALIZED_QUERY_MAX_LENGTH, blank=True)
    result_position = models.PositiveSmallIntegerField(_("result position"), null=True, blank=True)
    result_count = models.PositiveIntegerField(_("results"), null=True, blank=True)
    value = models.DecimalField(_("value (euros)"), max_digits=10, decimal_places=2, null=True, blank=True)
    device_type = models.CharField(_("device"), max_length=8, choices=Device.choices, blank=True)
    browser = models.CharField(_("browser"), max_length=40, blank=True)
    os = models.CharField(_("operating system"), max_length=40, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    referrer_domain = models.CharField(_("referring domain"), max_length=255, blank=True)
    ip_truncated = models.GenericIPAddressField(_("IP address (truncated)"), null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("analytics event")
        verbose_name_plural = _("analytics events")
        indexes = [models.Index(fields=["visitor", "occurred_at"], name="event_visitor_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.occurred_at:%Y-%m-%d %H:%M}"


class DailyAggregate(models.Model):
    """A count for one day, language, metric and key: what dashboards read and what outlives raw events.

    Metrics and their keys are listed in `allegra.analytics.aggregation.METRICS`.
    """

    day = models.DateField(_("day"))
    language = models.CharField(_("language"), max_length=8, blank=True)
    metric = models.CharField(_("metric"), max_length=32)
    key = models.CharField(_("key"), max_length=300, blank=True)
    count = models.PositiveIntegerField(_("count"))
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        ordering = ["-day", "metric", "-count"]
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        constraints = [
            models.UniqueConstraint(fields=["day", "language", "metric", "key"], name="dailyaggregate_unique"),
        ]
        indexes = [models.Index(fields=["metric", "day"], name="dailyaggregate_metric_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.metric} {self.key}: {self.count}"
