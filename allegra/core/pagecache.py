"""A shared cache of whole pages for visitors without a session.

Most storefront traffic is anonymous browsing of the same catalogue pages. Such a visitor's page depends on
nothing but its URL and the catalogue, so it is rendered once per catalogue version and then served from the
cache (Redis when configured, shared by every app server). Anything personal turns the cache off for that
request: a session cookie (a login, a cart), a message, a cookie being set.

Forms stay cacheable: while a page is rendered for the cache, `{% csrf_token %}` writes a placeholder, and each
response (the first one and every hit) gets the visitor's own token in its place. The cookie banner's form
is on every first visit, so without this no first visit would ever be served from the cache.

A cached page also depends on the visitor's cookie choice (`request.consent.cache_variant`): the banner, the
notice that a GPC signal was honoured, and the tags of the allowed categories are in the page.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

# Headers worth keeping with the stored page; the middleware adds the rest again on every response.
KEPT_HEADERS = ("Content-Type", "Content-Language")

# Written by `{% csrf_token %}` instead of the token while a page is rendered for the cache; the same length
# and alphabet as a real masked token, so the page's markup is the same either way.
CSRF_PLACEHOLDER = "pagecachecsrfplaceholder" * 2 + "0123456789abcdef"
_CSRF_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()


def csrf_token_for_page(request: HttpRequest) -> str:
    """The CSRF token a template writes: the placeholder while the page is rendered for the cache."""
    if getattr(request, "rendering_for_page_cache", False):
        return CSRF_PLACEHOLDER
    return get_token(request)


def _with_visitor_token(request: HttpRequest, content: bytes) -> bytes:
    if _CSRF_PLACEHOLDER_BYTES not in content:
        return content
    return content.replace(_CSRF_PLACEHOLDER_BYTES, get_token(request).encode())


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    messages = getattr(request, "_messages", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
        and not (messages is not None and getattr(messages, "added_new", False))
    )


def _key(request: HttpRequest, generation: str) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.blake2b(address.encode(), digest_size=20).hexdigest()
    consent = getattr(request, "consent", None)
    variant = consent.cache_variant if consent is not None else "-"
    return f"page:{generation}:{variant}:{digest}"


def cache_public_page(
    *, generation: Callable[[], str], replay: Callable[[HttpRequest, dict], None] | None = None
) -> Callable:
    """Serves the view's page from the cache while `generation()` stays the same.

    A view whose every visit must still leave a trace (a search is counted even when its page comes from the
    cache) sets `response.page_cache_replay` to a dict; `replay(request, that_dict)` then runs on each hit.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            key = _key(request, generation())
            stored = cache.get(key)
            if stored is not None:
                if replay is not None and stored["replay"] is not None:
                    replay(request, stored["replay"])
                response = HttpResponse(_with_visitor_token(request, stored["content"]))
                for header, value in stored["headers"].items():
                    response[header] = value
                response["X-Page-Cache"] = "hit"
                return response
            request.rendering_for_page_cache = True
            try:
                response = view(request, *args, **kwargs)
            finally:
                request.rendering_for_page_cache = False
            if _cacheable_response(request, response):
                headers = {header: response[header] for header in KEPT_HEADERS if response.has_header(header)}
                replayed = getattr(response, "page_cache_replay", None)
                cache.set(
                    key,
                    {"content": response.content, "headers": headers, "replay": replayed},
                    settings.PAGE_CACHE_SECONDS,
                )
                response["X-Page-Cache"] = "miss"
            if not response.streaming:
                response.content = _with_visitor_token(request, response.content)
            return response

        return wrapper

    return decorator
