"""Links sent by email that name one record: its public ID and the time of issue, sealed by the field encryption
(AES-GCM) under a purpose of their own. A sealed token cannot be forged or altered, carries no personal data,
and a token of one purpose opens nothing of another (an order look-up is no pay link, no request confirmation,
no copy download). The order look-up, the pay link, the confirmation of a privacy request and a guest's copy of
their data all seal their links here."""

from __future__ import annotations

import json
import time

from allegra.core import encryption

MAX_TOKEN_CHARS = 1024


class InvalidSeal(Exception):
    """Forged, damaged, of another purpose, or older than allowed."""


def seal(public_id, *, purpose: str, now: float | None = None) -> str:
    payload = json.dumps({"id": str(public_id), "t": int(now if now is not None else time.time())})
    return encryption.encrypt(payload, context=purpose)


def unseal(token: str, *, purpose: str, max_age: int | None = None) -> str:
    """The public ID sealed in `token` under `purpose`, issued at most `max_age` seconds ago (None: no age
    limit, the caller's record says how long it lives); InvalidSeal otherwise."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        raise InvalidSeal
    try:
        payload = json.loads(encryption.decrypt(token, context=purpose))
        issued, public_id = int(payload["t"]), str(payload["id"])
    except Exception as error:  # any decoding or authentication failure: not a link of ours
        raise InvalidSeal from error
    if max_age is not None and time.time() - issued > max_age:
        raise InvalidSeal
    return public_id
