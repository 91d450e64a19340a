"""Encryption at rest (policy R1): authenticated field encryption and keyed blind indexes.

Values are sealed with AES-256-GCM under the newest key of a keyring read from the environment
(``FIELD_ENCRYPTION_KEYS``) and stored as text::

    v1:<key id>:<base64url(nonce | ciphertext | tag)>

* A fresh random 96-bit nonce per value: equal plaintexts never give equal ciphertexts.
* The associated data names the column (``"<app_label>.<model>.<field>"``): a value copied into another
  column, or another row's column of a different kind, fails to decrypt instead of being read as valid.
* The key id travels with the value, so older keys keep decrypting while ``rotate_encryption_keys``
  re-encrypts rows to the newest key: the shop never stops during a rotation. Random nonces stay safe for
  about 2**32 encryptions under one key (NIST SP 800-38D); rotating yearly keeps a shop far below that.

Equality look-ups on encrypted data (for example "is this email already registered?") use
:func:`blind_index`, a keyed HMAC-SHA256 of the normalised value under ``BLIND_INDEX_KEY``. Without the key
nobody can test guesses against the stored index, unlike a plain hash of an email address.

Keys are read at first use, never at import: a shop that holds no customer data yet starts without them;
the system check ``allegra.E001`` reports missing or malformed keys in production.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

FORMAT_VERSION = "v1"
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # 96 bits, the size GCM is designed for
TAG_BYTES = 16
KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


class EncryptionError(Exception):
    """Base class of every encryption error (never carries the plaintext)."""


class DecryptionError(EncryptionError):
    """A stored value cannot be authenticated: tampered, moved to another column, or malformed."""


class UnknownKeyError(DecryptionError):
    """A stored value names a key id that is not in the keyring (a key was removed too early)."""


@dataclass(frozen=True)
class Keyring:
    """The encryption keys, newest first: the first encrypts, every one decrypts."""

    keys: dict[str, bytes]
    current_id: str

    def cipher(self, key_id: str) -> AESGCM:
        try:
            return _cipher(self.keys[key_id])
        except KeyError:
            raise UnknownKeyError(
                f"The value was encrypted with key id {key_id!r}, which is not in FIELD_ENCRYPTION_KEYS. "
                "Keep an old key in the keyring until rotate_encryption_keys has re-encrypted every row."
            ) from None


@functools.lru_cache(maxsize=64)
def _cipher(key: bytes) -> AESGCM:
    return AESGCM(key)


def _b64decode(text: str) -> bytes:
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode_key(text: str, *, name: str) -> bytes:
    """Decodes one base64url key of exactly 32 bytes, or says clearly what is wrong (never echoing it)."""
    try:
        key = _b64decode(text)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{name}: a key is not valid base64url.") from None
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(f"{name}: a key must be {KEY_BYTES} random bytes, base64url (got {len(key)}).")
    return key


def parse_keyring(text: str) -> Keyring:
    """Parses ``FIELD_ENCRYPTION_KEYS``: comma-separated ``keyid:base64url(32 bytes)``, newest first."""
    entries = [entry.strip() for entry in (text or "").split(",") if entry.strip()]
    if not entries:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is not set: customer data is stored encrypted and needs at least one key "
            "('keyid:base64url of 32 random bytes'; `manage.py generate_dev_keys` prints a fresh one)."
        )
    keys: dict[str, bytes] = {}
    for entry in entries:
        key_id, separator, encoded = entry.partition(":")
        key_id = key_id.strip()
        if not separator or not KEY_ID_PATTERN.match(key_id):
            raise ImproperlyConfigured(
                "FIELD_ENCRYPTION_KEYS: each entry must be 'keyid:key', the key id made of 1-32 letters, "
                "digits, '.', '_' or '-'."
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS: key id {key_id!r} appears twice.")
        keys[key_id] = decode_key(encoded, name=f"FIELD_ENCRYPTION_KEYS ({key_id})")
    return Keyring(keys=keys, current_id=next(iter(keys)))


@functools.cache
def get_keyring() -> Keyring:
    return parse_keyring(getattr(settings, "FIELD_ENCRYPTION_KEYS", ""))


@functools.cache
def get_blind_index_key() -> bytes:
    text = getattr(settings, "BLIND_INDEX_KEY", "")
    if not (text or "").strip():
        raise ImproperlyConfigured(
            "BLIND_INDEX_KEY is not set: look-ups on encrypted data need a keyed index "
            "(base64url of 32 random bytes; `manage.py generate_dev_keys` prints a fresh one)."
        )
    return decode_key(text, name="BLIND_INDEX_KEY")


def reset_keys() -> None:
    """Forgets the cached keys (after the settings changed, in tests or a reloaded process)."""
    get_keyring.cache_clear()
    get_blind_index_key.cache_clear()


@receiver(setting_changed)
def _on_setting_changed(*, setting: str, **kwargs) -> None:
    if setting in {"FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY"}:
        reset_keys()


def encrypt(plaintext: str, *, context: str, keyring: Keyring | None = None) -> str:
    """Seals ``plaintext`` for the column named by ``context`` under the newest key."""
    keyring = keyring or get_keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = keyring.cipher(keyring.current_id).encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
    return f"{FORMAT_VERSION}:{keyring.current_id}:{_b64encode(nonce + sealed)}"


def key_id_of(token: str) -> str:
    """The key id a stored value names (without decrypting it)."""
    _, key_id, _ = _split(token)
    return key_id


def _split(token: str) -> tuple[str, str, str]:
    parts = token.split(":", 2) if isinstance(token, str) else []
    if len(parts) != 3 or parts[0] != FORMAT_VERSION or not parts[1]:
        raise DecryptionError(
            f"Not an encrypted value of format {FORMAT_VERSION} (was it written without encryption?)."
        )
    return parts[0], parts[1], parts[2]


def decrypt(token: str, *, context: str, keyring: Keyring | None = None) -> str:
    """Opens a stored value, or raises :class:`DecryptionError`: never returns unauthenticated data."""
    keyring = keyring or get_keyring()
    _, key_id, payload = _split(token)
    cipher = keyring.cipher(key_id)
    try:
        raw = _b64decode(payload)
    except (binascii.Error, ValueError):
        raise DecryptionError(f"Encrypted value for {context} is not valid base64url.") from None
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError(f"Encrypted value for {context} is truncated.")
    try:
        plaintext = cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode("utf-8"))
    except InvalidTag:
        raise DecryptionError(
            f"Encrypted value for {context} failed authentication: it was altered, or belongs to another column."
        ) from None
    return plaintext.decode("utf-8")


def needs_rotation(token: str | None, *, keyring: Keyring | None = None) -> bool:
    """True when a stored value is encrypted under a key other than the newest one."""
    if token is None or token == "":
        return False
    keyring = keyring or get_keyring()
    return key_id_of(token) != keyring.current_id


def normalize_for_index(value: str) -> str:
    """What counts as "the same value" for a blind index: Unicode NFKC, case folded, outer spaces removed."""
    return unicodedata.normalize("NFKC", value).casefold().strip()


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed HMAC-SHA256 (hex) of the normalised ``value`` for equality look-ups on encrypted data.

    ``purpose`` (e.g. ``"accounts.email"``) separates indexes: the same value gives unrelated digests for
    different purposes, so one index cannot be joined with another. Store the digest in an indexed column
    next to the encrypted value and filter on ``blind_index(candidate, purpose=...)``. It only answers
    "equal or not", never ranges or prefixes; normalisation means ``" Maria@X.gr "`` matches ``"maria@x.gr"``.
    """
    if not purpose:
        raise ValueError("blind_index needs a purpose, e.g. 'accounts.email'.")
    subkey = hmac.new(get_blind_index_key(), b"allegra-blind-index:" + purpose.encode("utf-8"), hashlib.sha256)
    return hmac.new(subkey.digest(), normalize_for_index(value).encode("utf-8"), hashlib.sha256).hexdigest()


def generate_key() -> str:
    """A fresh key: 32 random bytes, base64url."""
    return _b64encode(secrets.token_bytes(KEY_BYTES))


def generate_key_id() -> str:
    """A short unique key id, e.g. ``k20261128a3f9``: the date helps operators see which key is newer."""
    from django.utils import timezone

    return f"k{timezone.now():%Y%m%d}{secrets.token_hex(2)}"


def configuration_problems() -> list[str]:
    """Every problem with the configured keys, for the system check (messages never include key material)."""
    problems = []
    try:
        parse_keyring(getattr(settings, "FIELD_ENCRYPTION_KEYS", ""))
    except ImproperlyConfigured as error:
        problems.append(str(error))
    text = getattr(settings, "BLIND_INDEX_KEY", "")
    if not (text or "").strip():
        problems.append("BLIND_INDEX_KEY is not set (base64url of 32 random bytes).")
    else:
        try:
            decode_key(text, name="BLIND_INDEX_KEY")
        except ImproperlyConfigured as error:
            problems.append(str(error))
    return problems
