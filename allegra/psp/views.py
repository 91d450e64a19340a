"""The provider's HTTP API and its pages for shoppers (card page without JavaScript, 3-D Secure challenge).

The browser-facing endpoints are CSRF-exempt on purpose: in production they live on the provider's own origin,
which the shop's pages post to cross-site; they use no cookie or session, so there is nothing to forge. The API
is authenticated by the shop's secret key (bearer), never by cookies.

Tokenization is open to anyone, so it is throttled per network against card testing (stolen numbers tried one
after another): every POST counts, failed ones too, against the client's network (IPv4 /24, IPv6 /48) in
Django's cache (Redis when REDIS_URL is set, so every app server counts together), at most
`conf.tokenize_limit()` per window; over it the answer is 429 `rate_limited`, and the card page for browsers
without JavaScript says so. The window is fixed from the network's first attempt.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import math
import time
from urllib.parse import urlencode, urlsplit

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from allegra.psp import conf, services
from allegra.psp.services import PspError
from allegra.psp.webhooks import intent_data

logger = logging.getLogger(__name__)
MAX_BODY = 8 * 1024
CARD_FIELDS = ("number", "exp_month", "exp_year", "cvc", "name")
THROTTLE_KEY_PREFIX = "psp:tokenize"


def _cors(response: HttpResponse) -> HttpResponse:
    # Any shop page may post card data here with fetch(); no credentials are ever accepted.
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Headers"] = "Content-Type"
    response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
    response["Cache-Control"] = "no-store"
    return response


def _error(error: PspError) -> JsonResponse:
    return JsonResponse(error.as_json(), status=error.status)


def _json_body(request: HttpRequest) -> dict:
    if len(request.body) > MAX_BODY:
        raise PspError(413, "body_too_large", "The request body is too large.")
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise PspError(400, "invalid_json", "The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise PspError(400, "invalid_json", "The body must be a JSON object.")
    return data


def _safe_return_url(request: HttpRequest, url: str) -> str:
    """A return URL on the site that sent the shopper (a real provider checks it against the merchant's list)."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return ""


def _with_query(url: str, params: dict) -> str:
    return url + ("&" if urlsplit(url).query else "?") + urlencode(params)


def _network(address: str | None) -> str:
    """The client's network: IPv4 /24, IPv6 /48 (an IPv4-mapped IPv6 address as the IPv4 one).

    A copy of allegra.core.network.truncate_ip, on purpose: the provider imports nothing of the shop (see the
    package docstring), and one network, not one address, is what a card tester rotating addresses holds."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return "unknown"
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


def _throttled(request: HttpRequest) -> int:
    """Counts this tokenization attempt against the client's network; the seconds to wait when over the limit,
    else 0. REMOTE_ADDR only: a forwarded-for header is whatever the client wants it to be."""
    limit, window = conf.tokenize_limit()
    base = f"{THROTTLE_KEY_PREFIX}:{_network(request.META.get('REMOTE_ADDR'))}"
    count_key, until_key = f"{base}:count", f"{base}:until"
    now = time.time()
    if cache.add(count_key, 0, timeout=window):  # the network's first attempt opens its window
        cache.set(until_key, now + window, timeout=window)
    try:
        count = cache.incr(count_key)
    except ValueError:  # expired between add and incr: a new window
        cache.set_many({count_key: 1, until_key: now + window}, timeout=window)
        count = 1
    if count <= limit:
        return 0
    if count == limit + 1:
        # Once per window, and nothing of the client or the card: the count tells the story.
        logger.warning("psp tokenization throttled: more than %d attempts from one network", limit)
    until = cache.get(until_key) or now + window
    return max(1, math.ceil(until - now))


def _rate_limited(request: HttpRequest, retry_after: int, *, is_json: bool) -> HttpResponse:
    error = PspError(
        429, "rate_limited", _("Too many card attempts from your network. Please wait a few minutes and try again.")
    )
    if is_json:
        response = _cors(_error(error))
    else:
        return_url = _safe_return_url(request, str(request.POST.get("return_url", "")))
        context = {"return_url": return_url, "error": error, "name": str(request.POST.get("name", "") or "")}
        response = render(request, "psp/card_page.html", context, status=429)
        response["Cache-Control"] = "no-store"
    response["Retry-After"] = str(retry_after)
    return response


@csrf_exempt
@require_http_methods(["POST", "OPTIONS"])
def tokens(request: HttpRequest) -> HttpResponse:
    """Card data in, a token out. JSON from the card form's script; a plain form post from the hosted card page,
    answered by a redirect to the shop's return URL carrying the token (never the card data). Throttled per
    network (see the module docstring); a preflight (OPTIONS) does not count."""
    if request.method == "OPTIONS":
        return _cors(HttpResponse(status=204))
    is_json = request.content_type == "application/json"
    # Counted before the body is even read: a malformed or refused attempt costs the same as a good one.
    retry_after = _throttled(request)
    if retry_after:
        return _rate_limited(request, retry_after, is_json=is_json)
    if is_json:
        try:
            data = _json_body(request)
        except PspError as error:
            return _cors(_error(error))
    else:
        data = request.POST
    values = {name: str(data.get(name, "") or "") for name in CARD_FIELDS}
    if not values["exp_month"] and data.get("exp"):
        month, _sep, year = str(data.get("exp")).partition("/")
        values["exp_month"], values["exp_year"] = month.strip(), year.strip()
    return_url = "" if is_json else _safe_return_url(request, str(data.get("return_url", "")))
    try:
        card = services.tokenize(**values)
    except PspError as error:
        if is_json:
            return _cors(_error(error))
        context = {"return_url": return_url, "error": error, "name": values["name"]}
        return render(request, "psp/card_page.html", context, status=error.status)
    logger.info("psp card tokenized (%s)", card.brand)
    result = {
        "id": card.token,
        "brand": card.brand,
        "last4": card.last4,
        "exp_month": card.exp_month,
        "exp_year": card.exp_year,
    }
    if is_json:
        return _cors(JsonResponse(result, status=201))
    if not return_url:
        return JsonResponse(result, status=201)
    return HttpResponseRedirect(_with_query(return_url, {"token": card.token}), status=303)


@require_http_methods(["GET"])
def card_page(request: HttpRequest) -> HttpResponse:
    """The hosted card page: the no-JavaScript way to give the card to the provider, not to the shop."""
    return_url = _safe_return_url(request, request.GET.get("return_url", ""))
    if not return_url:
        return HttpResponse("A valid return_url is needed.", status=400, content_type="text/plain")
    return render(request, "psp/card_page.html", {"return_url": return_url})


@require_http_methods(["GET", "POST"])
def challenge(request: HttpRequest, intent_id: str, secret: str) -> HttpResponse:
    """The 3-D Secure challenge page: the shopper passes or fails, then goes back to the shop's return URL."""
    try:
        intent = services.get_intent(intent_id)
    except PspError:
        intent = None
    valid = (
        intent is not None
        and intent.status == intent.Status.REQUIRES_ACTION
        and hmac.compare_digest(intent.challenge_secret, secret)
    )
    if not valid:
        return render(request, "psp/challenge.html", {"missing": True}, status=404)
    if request.method == "GET":
        return render(request, "psp/challenge.html", {"intent": intent})
    outcome = request.POST.get("outcome")
    if outcome not in ("pass", "fail"):
        return render(request, "psp/challenge.html", {"intent": intent, "invalid": True}, status=400)
    intent = services.answer_challenge(intent_id=intent_id, secret=secret, passed=outcome == "pass")
    if not intent.return_url:
        return render(request, "psp/challenge.html", {"done": True})
    return HttpResponseRedirect(_with_query(intent.return_url, {"payment_intent": intent.intent_id}), status=303)


def _authenticated(request: HttpRequest) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _sep, key = header.partition(" ")
    return scheme == "Bearer" and hmac.compare_digest(key.encode(), conf.api_key().encode())


def api(view):
    """Server-to-server API: bearer key, JSON in and out, errors as {"error": {code, message}}."""

    @csrf_exempt
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _authenticated(request):
            return _error(PspError(401, "authentication_required", "A valid secret key is needed."))
        try:
            data = _json_body(request) if request.method == "POST" else {}
            return view(request, data, *args, **kwargs)
        except PspError as error:
            return _error(error)

    wrapped.__name__ = view.__name__
    return wrapped


def _challenge_action(request: HttpRequest, intent) -> dict | None:
    if intent.status != intent.Status.REQUIRES_ACTION:
        return None
    path = f"/psp/challenge/{intent.intent_id}/{intent.challenge_secret}"
    return {"type": "redirect_to_url", "url": path}


def _intent_response(request: HttpRequest, intent, status: int = 200) -> JsonResponse:
    body = intent_data(intent)
    body["next_action"] = _challenge_action(request, intent)
    return JsonResponse(body, status=status)


@require_http_methods(["POST"])
@api
def create_intent(request: HttpRequest, data: dict) -> HttpResponse:
    intent, created = services.create_intent(
        amount=data.get("amount"),
        currency=str(data.get("currency", "")),
        reference=str(data.get("reference", "")),
        return_url=str(data.get("return_url", "")),
        webhook_url=str(data.get("webhook_url", "")),
        idempotency_key=request.headers.get("Idempotency-Key", ""),
    )
    return _intent_response(request, intent, status=201 if created else 200)


@require_http_methods(["GET"])
@api
def intent_detail(request: HttpRequest, data: dict, intent_id: str) -> HttpResponse:
    return _intent_response(request, services.get_intent(intent_id))


@require_http_methods(["POST"])
@api
def confirm_intent(request: HttpRequest, data: dict, intent_id: str) -> HttpResponse:
    intent = services.confirm(
        intent_id=intent_id, token=str(data.get("token", "")), return_url=str(data.get("return_url", ""))
    )
    if intent.last_error_code:
        body = intent_data(intent)
        body["next_action"] = None
        body["error"] = {"code": intent.last_error_code, "message": "The card was declined."}
        return JsonResponse(body, status=402)
    return _intent_response(request, intent)


@require_http_methods(["POST"])
@api
def create_refund(request: HttpRequest, data: dict) -> HttpResponse:
    item = services.refund(
        intent_id=str(data.get("payment_intent", "")),
        amount=data.get("amount"),
        idempotency_key=request.headers.get("Idempotency-Key", ""),
    )
    return JsonResponse(services.refund_data(item), status=201)
