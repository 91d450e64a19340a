"""Puts the browser's consent choice on every request as `request.consent` (see allegra/consent/state.py)."""

from django.conf import settings

from allegra.consent.state import from_cookie


def gpc_signal(request) -> bool:
    """`Sec-GPC: 1`, the Global Privacy Control header (S5)."""
    return request.META.get("HTTP_SEC_GPC", "").strip() == "1"


class ConsentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state = from_cookie(request.COOKIES.get(settings.CONSENT_COOKIE_NAME))
        request.consent = state.with_signal(gpc_signal(request))
        return self.get_response(request)
