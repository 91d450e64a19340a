"""The cookie settings page and the banner's choice (K1, K6).

GET shows the Choose layer as a page, the visitor's current choice ticked. POST records a choice from the
banner's first layer, its Choose layer or this page: a 303 back to the page the visitor was on, or JSON for
static/js/consent.js (no reload). Anything malformed is refused with a clear message and records nothing.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST

from allegra.consent import notices, services
from allegra.consent.models import Source

CHOICES = ("accept_all", "reject_all", "choose")
CHOSEN_FIELDS = ("performance", "advertising")
# Everything a consent form sends. Any other field (a category the shop does not have, say) is refused, so a
# forged post cannot leave the ledger guessing what was meant.
KNOWN_FIELDS = frozenset({"csrfmiddlewaretoken", "choice", "layer", "next", *CHOSEN_FIELDS})
# The forms send a few hundred bytes; Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE) is far above that.
MAX_BODY_BYTES = 4 * 1024
# The value of a ticked box; anything else in a box's field is a forged or broken post.
TICKED = "1"


class Refused(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    """A local page to go back to; the home page for anything else (another site, a scheme, nothing)."""
    local = bool(candidate) and candidate.startswith("/") and not candidate.startswith("//")
    if local and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("catalog:home")


def wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With", "").lower() == "fetch" or "application/json" in request.headers.get(
        "Accept", ""
    )


def _single(request: HttpRequest, name: str) -> str | None:
    values = request.POST.getlist(name)
    if len(values) > 1:
        raise Refused(_("The field “%(field)s” was sent more than once.") % {"field": name})
    return values[0] if values else None


def _parse_choice(request: HttpRequest) -> tuple[str, bool, bool]:
    """(layer, performance, advertising) of a well-formed post; Refused otherwise."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > MAX_BODY_BYTES:
        raise Refused(_("The cookie choice sent is too large."), status=413)
    unknown = sorted(set(request.POST) - KNOWN_FIELDS)
    if unknown:
        raise Refused(
            _("Unknown field in the cookie choice: %(fields)s. The categories are performance and advertising.")
            % {"fields": ", ".join(name[:40] for name in unknown[:5])}
        )
    choice = _single(request, "choice")
    if choice not in CHOICES:
        raise Refused(_("Unknown cookie choice: use Accept all, Reject all or Save my choices."))
    layer = _single(request, "layer")
    if layer not in notices.LAYERS:
        raise Refused(_("The cookie choice does not say where it was made."))
    if choice == "choose" and layer != notices.CHOOSE_LAYER:
        raise Refused(_("Choices by category are made on the Choose layer."))
    ticks = {}
    for name in CHOSEN_FIELDS:
        value = _single(request, name)
        if value not in (None, TICKED):
            raise Refused(_("The field “%(field)s” is a tick box: ticked or not sent.") % {"field": name})
        ticks[name] = value == TICKED
    _single(request, "next")
    gpc = notices.gpc_applies(request.consent)
    if choice == "accept_all":
        # With Global Privacy Control, Accept all accepts performance only (the banner says so); only an
        # explicit tick on the Choose layer overrides the signal.
        return layer, True, not gpc
    if choice == "reject_all":
        return layer, False, False
    return layer, ticks["performance"], ticks["advertising"]


def allowed_scripts(state) -> list[str]:
    """The scripts a page may load now that the choice is made: the server decides, never the browser."""
    scripts = []
    if state.performance:
        scripts.append(static("js/analytics.js"))
    return scripts


def _refusal(request: HttpRequest, refused: Refused) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"error": refused.message}, status=refused.status)
    response = render(
        request,
        "consent/refused.html",
        {"message": refused.message, "next_url": safe_next(request, request.POST.get("next"))},
        status=refused.status,
    )
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@cache_control(private=True, no_cache=True)
def cookies(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _choose(request)
    consent = request.consent
    ticked = [name for name in CHOSEN_FIELDS if consent.decided and consent.allows(name)]
    context = notices.layer_context(
        consent=consent, gpc=notices.gpc_applies(consent), next_url=safe_next(request, request.GET.get("next"))
    )
    return render(
        request,
        "consent/settings.html",
        {**context, "ticked": ticked, "hide_consent_banner": True},
    )


def _choose(request: HttpRequest) -> HttpResponse:
    try:
        layer, performance, advertising = _parse_choice(request)
    except Refused as refused:
        return _refusal(request, refused)
    gpc = notices.gpc_applies(request.consent)
    source = Source.BANNER_FIRST_LAYER if layer == notices.FIRST_LAYER else Source.BANNER_CHOOSE_LAYER
    state = services.record_choice(
        request=request,
        performance=performance,
        advertising=advertising,
        source=source,
        notice_text=notices.notice_text(layer=layer, gpc=gpc),
    )
    if wants_json(request):
        response = JsonResponse(
            {
                "performance": state.performance,
                "advertising": state.advertising,
                "scripts": allowed_scripts(state),
                "message": _("Your cookie choice is saved."),
            }
        )
    else:
        response = redirect(safe_next(request, request.POST.get("next")))
        response.status_code = 303
    services.remember_choice(response, state)
    return response


# The very sentence of the banner's first layer (templates/consent/first_layer.html), so that what consent.js
# shows after a script-announced GPC is what the proof of a later choice records.
GPC_HONOURED = _lazy(
    "Your browser sent the Global Privacy Control signal and we honoured it: social media and advertising cookies "
    "stay off. “Accept all” therefore accepts performance cookies only."
)


@require_POST
def gpc(request: HttpRequest) -> HttpResponse:
    """Global Privacy Control announced by the browser's script (`navigator.globalPrivacyControl`) rather than
    by the `Sec-GPC` header the middleware honours: the same refusal of advertising, recorded once (S5).
    consent.js posts here with the page's CSRF token, so no other site can record it for the visitor."""
    if request.consent.gpc_honoured:
        return JsonResponse({"gpc_honoured": True, "recorded": False})
    state = services.record_gpc_refusal(request=request)
    response = JsonResponse({"gpc_honoured": True, "recorded": True, "message": str(GPC_HONOURED)})
    services.remember_choice(response, state)
    patch_cache_control(response, private=True, no_store=True)
    return response
