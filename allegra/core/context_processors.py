"""What every page's template may use: the shop's name and the same page in each of the shop's languages.

Everything that does work is lazy: the 500 page renders with this context too, and must not depend on
anything that could be the reason for the error.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import Resolver404, resolve, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_info, override


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str  # in its own language: "Ελληνικά", "English"
    url: str  # path and query string
    absolute_url: str
    is_current: bool


def _same_page_in(request, language: str) -> str:
    """The URL of this very page (same view, same arguments, same query string) in `language`.

    A path that matches no page (a 404) leads to the home page of that language instead.
    """
    # The view that answered was found once already; resolve again only for pages no view answered (404).
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
    with override(language):
        if match is None or not match.url_name:
            return reverse("catalog:home")
        path = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
    query = request.META.get("QUERY_STRING", "")
    return f"{path}?{query}" if query else path


def language_links(request) -> list[LanguageLink]:
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    links = []
    for code, _name in settings.LANGUAGES:
        url = _same_page_in(request, code)
        links.append(
            LanguageLink(
                code=code,
                name=get_language_info(code)["name_local"],
                url=url,
                absolute_url=request.build_absolute_uri(url),
                is_current=code == current,
            )
        )
    return links


def shop(request):
    links = SimpleLazyObject(lambda: language_links(request))
    return {
        "SHOP_NAME": settings.SHOP_NAME,
        "language_links": links,
        # x-default: the shop's own language, Greek, for visitors whose language the shop does not speak.
        "default_language_link": SimpleLazyObject(
            lambda: next(link for link in links if link.code == settings.LANGUAGE_CODE)
        ),
    }


def csrf(request):
    """`{% csrf_token %}` as Django's own, except that pages rendered for the page cache get a placeholder that
    each response replaces with the visitor's token (allegra/core/pagecache.py). Listed after Django's
    built-in csrf processor, so this one wins."""
    from allegra.core.pagecache import csrf_token_for_page

    return {"csrf_token": SimpleLazyObject(lambda: csrf_token_for_page(request))}
