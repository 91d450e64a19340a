"""Small answers shared by the cart's and the wish list's views: a refusal page and a clear 405."""

from functools import wraps

from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

# Cart and wish-list pages are the visitor's own: never kept by the page cache or a shared cache.
private = cache_control(private=True, no_store=True)


def see_other(url: str):
    """The answer to a change: 303, so a reload of the next page does not post again."""
    response = redirect(url)
    response.status_code = 303
    return response


def post_only(view):
    """Only POST changes a cart or a wish list; anything else gets 405 with a sentence saying so."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            response = HttpResponseNotAllowed(["POST"], content=_("This address only accepts a submitted form."))
            response["Content-Type"] = "text/plain; charset=utf-8"
            return response
        return view(request, *args, **kwargs)

    return wrapper


def view_only(view):
    """A page that only shows things: GET and HEAD, anything else gets 405 with a sentence saying so."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = HttpResponseNotAllowed(["GET", "HEAD"], content=_("This page can only be viewed."))
            response["Content-Type"] = "text/plain; charset=utf-8"
            return response
        return view(request, *args, **kwargs)

    return wrapper


def safe_next(request, candidate: str | None, fallback: str) -> str:
    """`candidate` when it is a path of this site, else `fallback` (never an open redirect)."""
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}, require_https=False)
    ):
        return candidate
    return fallback


def refuse(request, message: str, *, back_url: str, status: int = 400):
    """Bad input or a change that cannot be made: the reason and a way back; nothing was changed."""
    response = render(request, "cart/refused.html", {"message": message, "back_url": back_url}, status=status)
    response["Cache-Control"] = "private, no-store"
    return response
