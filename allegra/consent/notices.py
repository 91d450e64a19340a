"""What the cookie banner tells the visitor, and the exact text kept as proof of a choice (K1, GDPR Art. 7(1)).

The categories, their cookies and their processors are described here once, for the banner's Choose layer and
for the cookie settings page alike. The proof text of a choice is computed on the server from the very layer
template the visitor was shown (tags stripped, whitespace normalised), never taken from the request: a forged
post cannot make the ledger claim that a visitor read something they did not.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from allegra.consent.models import Category

# The two layers of the banner; the cookie settings page shows the Choose layer as a page.
FIRST_LAYER = "first"
CHOOSE_LAYER = "choose"
LAYERS = (FIRST_LAYER, CHOOSE_LAYER)

LAYER_TEMPLATES = {
    FIRST_LAYER: "consent/first_layer.html",
    CHOOSE_LAYER: "consent/choose_layer.html",
}


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str


@dataclass(frozen=True)
class CookieCategory:
    key: str
    name: str
    description: str
    cookies: tuple[Cookie, ...]
    # Who else handles what the category collects; empty: the shop alone.
    processors: tuple[str, ...]
    # Said when the category has no cookie at all (advertising today).
    none_used: str = ""
    always_on: bool = False


def cookie_categories() -> list[CookieCategory]:
    """The three categories of the policy (K1), with the cookies the shop really sets in each.

    Cookie names come from the settings that name them, so the list cannot drift from what is set.
    """
    return [
        CookieCategory(
            key=Category.FUNCTIONAL,
            name=str(Category.FUNCTIONAL.label),
            description=str(
                _("Needed for the shop to work: signing in, the cart, secure forms, your language and this choice.")
            ),
            cookies=(
                Cookie(settings.SESSION_COOKIE_NAME, str(_("Keeps you signed in and remembers your cart."))),
                Cookie(settings.CSRF_COOKIE_NAME, str(_("Protects the shop's forms against forged submissions."))),
                Cookie(settings.CONSENT_COOKIE_NAME, str(_("Remembers your cookie choice for 12 months."))),
                Cookie(settings.LANGUAGE_COOKIE_NAME, str(_("Remembers the language you chose."))),
            ),
            processors=(),
            always_on=True,
        ),
        CookieCategory(
            key=Category.PERFORMANCE,
            name=str(Category.PERFORMANCE.label),
            description=str(
                _(
                    "Help us see which pages and jewels interest visitors, through the shop's own statistics: "
                    "pages viewed, searches and clicks, your device type and browser. Nothing is sent to "
                    "anyone else."
                )
            ),
            cookies=(
                Cookie(
                    settings.ANALYTICS_VISITOR_COOKIE_NAME,
                    str(_("A random number that lets our own statistics count your visits as one visitor's.")),
                ),
            ),
            processors=(),
        ),
        CookieCategory(
            key=Category.ADVERTISING,
            name=str(Category.ADVERTISING.label),
            description=str(
                _(
                    "Would allow social networks and advertisers to show you tailored ads and to count "
                    "shares of our jewels."
                )
            ),
            cookies=(),
            processors=(),
            none_used=str(
                _(
                    "We use none at present. The share links on product pages are plain links that load "
                    "nothing from the social networks."
                )
            ),
        ),
    ]


def gpc_applies(consent) -> bool:
    """The browser sends Global Privacy Control now, or did when its choice was recorded (S5)."""
    return bool(consent is not None and (consent.gpc_honoured or consent.gpc_signal))


def layer_context(*, consent=None, gpc: bool = False, next_url: str = "") -> dict:
    """What the layer templates need. The proof text is rendered from the same context minus the visitor's
    own values (their ticks, the page to go back to), which live in attributes and never in the text."""
    return {
        "consent": consent,
        "gpc": gpc,
        "cookie_categories": cookie_categories(),
        "next_url": next_url,
    }


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(strip_tags(text))).strip()


_texts: dict[tuple[str, str, bool, str], str] = {}


def notice_text(*, layer: str, gpc: bool, language: str | None = None) -> str:
    """The plain text of a banner layer as the visitor saw it, in `language` (the active one by default).

    Cached per (language, layer, GPC notice shown, policy version): the GPC notice is part of what was shown,
    so it is part of the key too. A new deployment (new templates) starts a new process and a new cache.
    """
    if layer not in LAYER_TEMPLATES:
        raise ValueError(f"unknown banner layer {layer!r}")
    language = language or get_language() or settings.LANGUAGE_CODE
    key = (language, layer, bool(gpc), settings.PRIVACY_POLICY_VERSION)
    text = _texts.get(key)
    if text is None:
        with override(language):
            text = _normalise(render_to_string(LAYER_TEMPLATES[layer], layer_context(gpc=gpc)))
        _texts[key] = text
    return text
