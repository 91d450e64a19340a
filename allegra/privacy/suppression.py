"""The suppression list (R3): once a person is erased, their address is never sent marketing again.

Only a keyed hash of the normalised address is kept (`blind_index` with its own purpose, under the blind-index
key from the environment), so the list answers "is this address suppressed?" and nothing else.

Callers: the marketing app before every send, and checkout's soft opt-in (an erased person who orders again as
a guest is not opted in by default).
"""

from __future__ import annotations

from allegra.core.encryption import blind_index
from allegra.privacy.models.suppression import SuppressionEntry

SUPPRESSION_PURPOSE = "privacy.suppression"


def suppression_hash(email: str) -> str:
    """The keyed hash the list stores for `email` (normalised: case and spaces do not matter)."""
    return blind_index(email, purpose=SUPPRESSION_PURPOSE)


def is_suppressed(email: str | None) -> bool:
    """True when `email` is on the suppression list (no marketing may be sent to it)."""
    if not email or not email.strip():
        return False
    return SuppressionEntry.objects.filter(email_hash=suppression_hash(email)).exists()


def suppress(email: str, *, reason: str = SuppressionEntry.Reason.ERASURE) -> SuppressionEntry:
    """Adds `email` to the list (once: a second call returns the entry already there)."""
    entry, _created = SuppressionEntry.objects.get_or_create(
        email_hash=suppression_hash(email), defaults={"reason": reason}
    )
    return entry
