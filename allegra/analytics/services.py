"""Writes of the analytics app.

`record_search` is the single entry point of the search log: the consent work gates this one function, so
no other code may write `SearchRecord` rows.
"""

import re

from django.conf import settings

from allegra.analytics.models import NORMALIZED_QUERY_MAX_LENGTH, SearchRecord

# A shopper may paste a phone, card or order number into the search box. Long digit runs are never product
# words, so they are blanked before anything is stored.
_LONG_NUMBER = re.compile(r"\d{5,}")


def _known_language(language: str) -> str:
    code = (language or "").strip().lower()[:8]
    return code if code in {code for code, _name in settings.LANGUAGES} else ""


def clean_query_for_log(normalized_query: str) -> str:
    """The query as stored: long numbers blanked, spaces collapsed, cut to the column length."""
    text = _LONG_NUMBER.sub("#", normalized_query or "")
    return " ".join(text.split())[:NORMALIZED_QUERY_MAX_LENGTH].strip()


def record_search(*, normalized_query: str, language: str, result_count: int) -> SearchRecord | None:
    """Records one storefront search for research (U5), without anything that identifies the visitor.

    Returns the record, or None when nothing was stored: the log is switched off (`SEARCH_LOG_ENABLED`)
    or the query is empty after cleaning.
    """
    if not settings.SEARCH_LOG_ENABLED:
        return None
    query = clean_query_for_log(normalized_query)
    if not query:
        return None
    return SearchRecord.objects.create(
        normalized_query=query,
        language=_known_language(language),
        result_count=max(0, int(result_count)),
    )
