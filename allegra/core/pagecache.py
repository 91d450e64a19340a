"""A shared cache of whole pages for visitors without a session.

Most storefront traffic is anonymous browsing of the same catalogue pages. Such a visitor's page depends on
nothing but its URL and the catalogue, so it is rendered once per catalogue version and then served from the
cache (Redis when configured, shared by every app server). Anything personal turns the cache off for that
request: a session cookie (a login, a cart), a CSRF token in the page, a message, a cookie being set.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

# Headers worth keeping with the stored page; the middleware adds the rest again on every response.
KEPT_HEADERS = ("Content-Type", "Content-Language")


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
    return f"page:{generation}:{digest}"


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
                response = HttpResponse(stored["content"])
                for header, value in stored["headers"].items():
                    response[header] = value
                response["X-Page-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if _cacheable_response(request, response):
                headers = {header: response[header] for header in KEPT_HEADERS if response.has_header(header)}
                replayed = getattr(response, "page_cache_replay", None)
                cache.set(
                    key,
                    {"content": response.content, "headers": headers, "replay": replayed},
                    settings.PAGE_CACHE_SECONDS,
                )
                response["X-Page-Cache"] = "miss"
            return response

        return wrapper

    return decorator
