"""Puts the browser's consent choice on every request as `request.consent` (see allegra/consent/state.py), and
honours a Global Privacy Control signal once per browser (S5)."""

from django.conf import settings
from django.utils.cache import patch_cache_control

from allegra.consent.services import record_gpc_refusal, remember_choice
from allegra.consent.state import from_cookie


def gpc_signal(request) -> bool:
    """`Sec-GPC: 1`, the Global Privacy Control header (S5)."""
    return request.META.get("HTTP_SEC_GPC", "").strip() == "1"


class ConsentMiddleware:
    """Reading the cookie costs no query. Only a request with `Sec-GPC: 1` from a browser whose cookie does not
    yet say the signal was honoured writes: one GPC record, then the cookie says so and later requests of that
    browser write nothing, so an explicit later choice is never overridden by the signal."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state = from_cookie(request.COOKIES.get(settings.CONSENT_COOKIE_NAME)).with_signal(gpc_signal(request))
        honoured = None
        if state.gpc_signal and not state.gpc_honoured:
            request.consent = state
            honoured = state = record_gpc_refusal(request=request)
        request.consent = state
        response = self.get_response(request)
        name = settings.CONSENT_COOKIE_NAME
        if honoured is not None and name not in response.cookies:
            # A view that recorded a choice on this request (the banner, a sign-in) already set the newer cookie.
            remember_choice(response, honoured)
        if name in response.cookies:
            # The cookie is this browser's own: no shared cache may keep the response that sets it.
            patch_cache_control(response, private=True)
        return response
