"""The first-party analytics endpoints (C6, K2): the script's event beacon, the page pixel, the email pixel.

All three record only with performance consent (the browser's cookie, or for emails the account's latest
choice); without it they answer exactly as with it, so a page never behaves differently, and store nothing.
The views are thin: parsing and limits here, what is stored in `allegra.analytics.services`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from allegra.analytics import services

# The smallest transparent GIF (1x1, 43 bytes).
TRANSPARENT_GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
ACCEPTED_CONTENT_TYPES = ("application/json", "text/plain")
RATE_WINDOW_SECONDS = 60


def _error(message: str, status: int, **headers) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    response["Cache-Control"] = "no-store"
    return response


def _rate_key(request) -> str:
    """Per visitor: the performance cookie's id when there is one, else the address's network (/24, /48)."""
    visitor = services._visitor_cookie_value(request)
    who = visitor.hex if visitor else (services.truncate_ip(request.META.get("REMOTE_ADDR")) or "unknown")
    return f"analytics:rate:{who}"


def _over_rate_limit(request, *, events: int, key: str = "") -> int:
    """Counts `events` against the visitor's budget for the current minute; returns the seconds to wait when
    the budget is spent (0 when within it). A cache counter: shared by every worker when the cache is Redis."""
    now = time.time()
    window = int(now // RATE_WINDOW_SECONDS)
    key = f"{key or _rate_key(request)}:{window}"
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key, events)
    except ValueError:  # expired between add and incr
        cache.set(key, events, timeout=RATE_WINDOW_SECONDS + 5)
        count = events
    if count > settings.ANALYTICS_EVENTS_PER_MINUTE:
        return max(1, int((window + 1) * RATE_WINDOW_SECONDS - now) + 1)
    return 0


def _read_body(request) -> bytes | None:
    """The body, or None when it is over ANALYTICS_MAX_BODY_BYTES: never reads more than one byte past it."""
    limit = settings.ANALYTICS_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body


def _finish(request, response):
    services.remember_visitor(request=request, response=response)
    response["Cache-Control"] = "no-store"
    return response


# CSRF-exempt on purpose, and safe: a beacon changes nothing but the visitor's own analytics, and it
# records only when the request carries the consent cookie with performance allowed. That cookie is
# SameSite=Lax, so a browser never sends it with a cross-site POST: a beacon forged by another site arrives
# without consent and records nothing. (navigator.sendBeacon cannot send a CSRF header anyway.)
@csrf_exempt
@never_cache
def events(request):
    """POST /a/events: a JSON batch {"events": [...]} from analytics.js. 204 when accepted (recorded or not,
    depending on consent); 400 malformed, 405 not a POST, 413 too large, 415 wrong type, 429 too many."""
    if request.method != "POST":
        response = _error(_("Send events with POST."), 405)
        response["Allow"] = "POST"
        return response
    content_type = request.content_type or ""
    if content_type not in ACCEPTED_CONTENT_TYPES:
        return _error(_("Send events as application/json (or text/plain from sendBeacon)."), 415)
    body = _read_body(request)
    if body is None:
        return _error(
            _("The batch is too large: at most %(bytes)s bytes.") % {"bytes": settings.ANALYTICS_MAX_BODY_BYTES}, 413
        )
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _error(_("The body is not valid JSON."), 400)
    batch = payload.get("events") if isinstance(payload, dict) else None
    wait = _over_rate_limit(request, events=len(batch) if isinstance(batch, list) and batch else 1)
    if wait:
        return _error(_("Too many events; try again in a minute."), 429, Retry_After=str(wait))
    try:
        services.record_events(request=request, payload=payload)
    except services.EventBatchError as error:
        return _error(str(error), 400)
    return _finish(request, HttpResponse(status=204))


def _gif() -> HttpResponse:
    response = HttpResponse(TRANSPARENT_GIF, content_type="image/gif")
    response["Cache-Control"] = "no-store, max-age=0"
    return response


@require_GET
def page_pixel(request):
    """GET /a/p.gif?k=page_view&p=/el/p/ring/: the page view of a page seen without JavaScript. Always a 1x1
    transparent GIF; recorded only with performance consent and within the rate limit."""
    kind = request.GET.get("k", "page_view")[:16]
    path = request.GET.get("p", "")[:400]
    if request.consent.performance and not _over_rate_limit(request, events=1):
        services.record_page_pixel(request=request, kind=kind, path=path)
    return _finish(request, _gif())


@require_GET
def email_pixel(request, token: str):
    """GET /a/m/<token>.gif: a marketing email was opened. Always a GIF; recorded only when the token is
    genuine and the account allows performance cookies at the time of opening."""
    # Limited per token, not per address: mail providers fetch images for all their users from a few proxies.
    token_key = "analytics:rate:email:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    if len(token) <= 512 and not _over_rate_limit(request, events=1, key=token_key):
        services.record_email_open(request=request, token=token)
    return _gif()
