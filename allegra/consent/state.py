"""What a browser has chosen, as every request sees it: `request.consent`, a `ConsentState`.

The choice in force lives in the functional cookie `allegra_consent`, signed so that nobody can claim a
grant the ledger does not hold, and dated so that it expires after 12 months (K1). The ledger
(`ConsentRecord`) is the proof; the cookie is the browser's copy of its latest record. Reading it costs no
query, so cached pages and the event endpoint can ask "may I?" for free.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from django.conf import settings
from django.core import signing

from allegra.consent.models import Category

COOKIE_SALT = "allegra.consent.cookie"
COOKIE_FORMAT = "1"


@dataclass(frozen=True)
class ConsentState:
    consent_id: uuid.UUID | None = None
    # The visitor chose (banner, account settings, checkout) under the current consent terms.
    decided: bool = False
    performance: bool = False
    advertising: bool = False
    # A Global Privacy Control signal was honoured for this browser (advertising refused because of it).
    gpc_honoured: bool = False
    # The policy version of the choice (the cookie's), "" when nothing was chosen.
    policy_version: str = ""
    # This request carries `Sec-GPC: 1`.
    gpc_signal: bool = False

    def allows(self, category: str) -> bool:
        if category == Category.FUNCTIONAL:
            return True
        if category == Category.PERFORMANCE:
            return self.performance
        if category == Category.ADVERTISING:
            return self.advertising
        return False

    @property
    def show_banner(self) -> bool:
        return not self.decided

    @property
    def cache_variant(self) -> str:
        """What of the choice a cached page depends on: the banner, the GPC notice and the tags rendered."""
        return f"{int(self.decided)}{int(self.performance)}{int(self.advertising)}{int(self.gpc_honoured)}"

    def to_cookie(self) -> str:
        fields = [
            COOKIE_FORMAT,
            self.consent_id.hex if self.consent_id else "",
            self.policy_version,
            str(int(self.decided)),
            str(int(self.performance)),
            str(int(self.advertising)),
            str(int(self.gpc_honoured)),
        ]
        return signing.TimestampSigner(salt=COOKIE_SALT).sign(".".join(fields))

    def with_signal(self, gpc_signal: bool) -> ConsentState:
        return replace(self, gpc_signal=gpc_signal)


NO_CHOICE = ConsentState()


def from_cookie(value: str | None) -> ConsentState:
    """The state a cookie holds; no choice when it is missing, forged, malformed, older than 12 months, or
    made before the latest material change of the consent-based categories."""
    if not value:
        return NO_CHOICE
    try:
        text = signing.TimestampSigner(salt=COOKIE_SALT).unsign(value, max_age=settings.CONSENT_COOKIE_MAX_AGE)
        fmt, consent_id, version, decided, performance, advertising, gpc = text.split(".")
        if fmt != COOKIE_FORMAT or not {decided, performance, advertising, gpc} <= {"0", "1"}:
            return NO_CHOICE
        state = ConsentState(
            consent_id=uuid.UUID(hex=consent_id) if consent_id else None,
            decided=decided == "1",
            performance=performance == "1",
            advertising=advertising == "1",
            gpc_honoured=gpc == "1",
            policy_version=version,
        )
    except (signing.BadSignature, ValueError):
        return NO_CHOICE
    if state.decided and version < settings.CONSENT_RENEWED_AT_VERSION:
        # Asked again: the choice predates a material change. The browser keeps its id and GPC flag.
        return replace(state, decided=False, performance=False, advertising=False)
    return state
