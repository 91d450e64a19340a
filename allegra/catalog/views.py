"""Storefront pages. Thin: parse the GET parameters, ask `selectors` (or the search engine), render.

Nothing here writes to the catalogue; the one write, the search log, goes through the analytics service.
"""

import string
import unicodedata
from collections.abc import Sequence
from math import ceil

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from allegra.analytics.services import record_search
from allegra.catalog import pricing, selectors
from allegra.catalog import search as search_engine
from allegra.catalog.forms import SORT_CHOICES, ListingFilterForm, SearchForm
from allegra.catalog.models import Metal, Stone
from allegra.core.pagecache import cache_public_page

# Anything longer than this is not a page number anyone meant; treat it like garbage.
PAGE_NUMBER_MAX_DIGITS = 9
# Up to this many variants are offered as a list of radio buttons, each with its price and stock in full;
# more (rings in many sizes) become one drop-down list.
VARIANT_RADIO_LIMIT = 6


def _language() -> str:
    return (get_language() or settings.LANGUAGE_CODE)[:2]


def _requested_page(request) -> int:
    """The page asked for; anything that is not a positive whole number means the first page."""
    raw = (request.GET.get("page") or "").strip()
    if not raw.isdigit() or len(raw) > PAGE_NUMBER_MAX_DIGITS:
        return 1
    return max(int(raw), 1)


def _page(object_list, number: int, notices: list[str]) -> Page:
    """One page of `object_list`; a page past the end shows the last one and says so."""
    paginator = Paginator(object_list, settings.CATALOG_PAGE_SIZE)
    if number > paginator.num_pages:
        notices.append(
            _("There is no page %(asked)s; here is the last page, %(last)s.")
            % {"asked": number, "last": paginator.num_pages}
        )
        number = paginator.num_pages
    return paginator.page(number)


@cache_control(max_age=86400, public=True)
def favicon(request):
    """The shop's icon for browsers that ask for /favicon.ico (static URL resolved per request, not at import)."""
    return redirect(static("img/favicon.svg"), permanent=True)


def _record_search_again(request, search: dict) -> None:
    """A search page served from the cache is still a search made: it is counted like the first one."""
    record_search(**search)


storefront_page = cache_public_page(generation=selectors.catalogue_version)


@storefront_page
def home(request):
    return render(request, "catalog/home.html", {"home": selectors.home_page()})


@storefront_page
def category(request, slug: str):
    category = selectors.get_category(slug=slug)
    return _listing(
        request,
        subject=category,
        products=lambda filters: selectors.listing_products(category=category, filters=filters),
        context={"active_category": category},
    )


@storefront_page
def collection(request, slug: str):
    collection = selectors.get_collection(slug=slug)
    return _listing(
        request,
        subject=collection,
        products=lambda filters: selectors.listing_products(collection=collection, filters=filters),
        context={"collection": collection},
    )


def _listing(request, *, subject, products, context: dict):
    form = ListingFilterForm(request.GET)
    filters = form.filters()
    page = _page(products(filters), _requested_page(request), form.notices)
    return render(
        request,
        "catalog/listing.html",
        {
            **context,
            "subject": subject,
            "form": form,
            "filters": filters,
            "page_obj": page,
            "query_items": form.query_items(),
            "notices": form.notices,
            "metal_choices": Metal.choices,
            "stone_choices": Stone.choices,
            "sort_choices": SORT_CHOICES,
        },
    )


@storefront_page
def product(request, slug: str):
    product = selectors.get_product(slug=slug)
    variant, unknown_variant = selectors.choose_variant(product=product, requested=request.GET.get("variant"))
    notices = []
    if unknown_variant and variant is not None:
        notices.append(_("That option does not exist for this piece, so we are showing the first available one."))
    return render(
        request,
        "catalog/product.html",
        {
            "product": product,
            "variant": variant,
            "variants": product.variant_list,
            "images": product.image_list,
            "price": pricing.breakdown(variant.price) if variant else None,
            "related": selectors.related_products(product=product),
            "notices": notices,
            "active_category": product.category,
            "variant_radio_limit": VARIANT_RADIO_LIMIT,
        },
    )


class _SearchHits(Sequence):
    """The page of products the engine returned, posing as the whole result list for Django's Paginator."""

    def __init__(self, *, products: list, total: int, offset: int):
        self.products, self.total, self.offset = products, total, offset

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.products if index.start == self.offset else []
        return self.products[index - self.offset]


@cache_public_page(generation=selectors.catalogue_version, replay=_record_search_again)
def search(request):
    form = SearchForm(request.GET)
    query = form.query()
    context = {"form": form, "query": query, "search_query": query}
    if not query:
        return render(request, "catalog/search.html", context)

    size, language, notices = settings.CATALOG_PAGE_SIZE, _language(), []
    number = requested = _requested_page(request)
    results = search_engine.search_products(query=query, language=language, limit=size, offset=(number - 1) * size)
    last = max(ceil(results.total / size), 1)
    if number > last:
        # One more engine call, only for a page number past the end: the total was not known before.
        notices.append(
            _("There is no page %(asked)s; here is the last page, %(last)s.") % {"asked": number, "last": last}
        )
        number = last
        results = search_engine.search_products(query=query, language=language, limit=size, offset=(number - 1) * size)
    recorded = None
    if requested == 1:
        # One record per search, not per page turned: later pages are the same search.
        recorded = {"normalized_query": results.normalized_query, "language": language, "result_count": results.total}
        record_search(**recorded)

    offset = (number - 1) * size
    hits = _SearchHits(
        products=selectors.products_in_order(product_ids=results.product_ids), total=results.total, offset=offset
    )
    page = Paginator(hits, size).page(number)
    corrected = _corrected_query(query, results.normalized_query, results.corrections)
    context.update(
        page_obj=page,
        total=results.total,
        corrected_query=corrected,
        notices=notices,
        query_items=[("q", query)],
    )
    response = render(request, "catalog/search.html", context)
    response.page_cache_replay = recorded
    return response


def _fold(word: str) -> str:
    """Lower case without accents or surrounding punctuation, to match the shopper's words to the engine's."""
    decomposed = unicodedata.normalize("NFD", word.strip(string.punctuation + "\u00ab\u00bb\u201c\u201d\u2018\u2019"))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def _corrected_query(query: str, normalized: str, corrections: dict[str, str]) -> str:
    """The query with the engine's typo corrections applied, for "Showing results for ..."; '' if none.

    The shopper's own words are kept where nothing was corrected (with their accents and capitals); when
    the corrected words cannot be found among them, the engine's normalized query stands in.
    """
    if not corrections:
        return ""
    words, changed = [], False
    for word in query.split():
        replacement = corrections.get(_fold(word))
        changed = changed or replacement is not None
        words.append(replacement or word)
    if changed:
        return " ".join(words)
    return " ".join(corrections.get(word, word) for word in normalized.split())
