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
