"""The search index tables, engine-neutral. Registered with the catalog app by `allegra.catalog.models`.

`SearchEntry` holds, per active product, the canonical keys of its texts (see `normalize`). Each engine
builds its own structure on top of this table, created by migration `catalog.0002` for its vendor only:
- SQLite: the FTS5 table `catalog_search_fts` (external content = this table), kept in sync by triggers.
- PostgreSQL: a stored generated `document` tsvector column (title weight A, body weight B) with a GIN index.
So the Python code writes plain rows with the ORM and the database keeps the full-text structure right.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from allegra.catalog.models import Product


class SearchEntry(models.Model):
    product = models.OneToOneField(
        Product, on_delete=models.CASCADE, primary_key=True, related_name="search_entry", verbose_name=_("product")
    )
    title_keys = models.TextField(_("title keys"), help_text=_("Canonical keys of the Greek and English names."))
    body_keys = models.TextField(
        _("body keys"),
        help_text=_("Canonical keys of descriptions, category, collection, metals and stones, in both languages."),
    )
    indexed_at = models.DateTimeField(_("indexed at"), auto_now=True)

    class Meta:
        app_label = "catalog"
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self) -> str:
        return self.title_keys


class SearchTerm(models.Model):
    """One spelling of a canonical key found in the index: the vocabulary that query typos are corrected
    against. A key has one row per folded spelling ("necklace", "necklaces"), so a correction can show the
    spelling nearest to what the shopper typed."""

    key = models.CharField(_("key"), max_length=64)
    word = models.CharField(_("word"), max_length=64, help_text=_("A folded spelling of the key, shown to shoppers."))
    frequency = models.PositiveIntegerField(_("products"), default=0)

    class Meta:
        app_label = "catalog"
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        constraints = [models.UniqueConstraint(fields=["key", "word"], name="searchterm_key_word")]

    def __str__(self) -> str:
        return self.key


class SearchIndexState(models.Model):
    """A single row whose `version` changes, in the same transaction, whenever the index changes.

    Every process keys its cached vocabulary and cached result pages by this version, so a change is seen
    at once everywhere, whatever the cache backend, and a rolled-back change is forgotten with its data.
    """

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON)
    version = models.CharField(_("version"), max_length=32)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        app_label = "catalog"
        verbose_name = _("search index state")
        verbose_name_plural = _("search index state")

    def __str__(self) -> str:
        return self.version
