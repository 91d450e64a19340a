"""Two-factor authentication for staff (R1): a TOTP authenticator app plus ten single-use recovery codes.

Staff confirm an authenticator app once (QR code or the secret typed in), receive recovery codes that are
shown only then, and from then on every back-office session needs a code from the app or one recovery code.
The secrets live in django-otp's tables; a recovery code is deleted the moment it is used.
"""

from __future__ import annotations

import base64
import re

import segno
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
_NOT_CODE_CHARACTERS = re.compile(r"[\s-]+")


def has_confirmed_device(user) -> bool:
    """Whether the user has finished setting up an authenticator app (recovery codes alone do not count)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_totp_device(user) -> TOTPDevice:
    """The unconfirmed authenticator device being set up (created on first call, reused on reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def manual_secret(device: TOTPDevice) -> str:
    """The secret as authenticator apps expect it typed in: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """An inline <svg> of the otpauth:// URL; drawn on the server so no third party sees the secret."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#222", light="#fff")


def normalize_code(code: str) -> str:
    return _NOT_CODE_CHARACTERS.sub("", code or "").lower()[:32]


@transaction.atomic
def confirm_totp_device(device: TOTPDevice, code: str) -> list[str] | None:
    """Confirms the pending device if `code` is right; returns fresh recovery codes, or None if wrong."""
    code = normalize_code(code)
    if not code.isdigit() or not device.verify_token(code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # Any other half-finished set-up is dropped: one authenticator per person.
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    return new_recovery_codes(device.user)


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replaces the user's recovery codes with ten new ones (the old ones stop working) and returns them."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = []
    while len(codes) < RECOVERY_CODE_COUNT:
        token = StaticToken.random_token()
        if token not in codes:
            codes.append(token)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=token) for token in codes])
    return codes


@transaction.atomic
def verify_code(user, code: str):
    """The confirmed device that accepts `code` (a 6-digit app code or a recovery code), else None.

    Both device types count failed tries and slow down further ones (django-otp's throttling), and a
    recovery code is deleted once it has been used.
    """
    code = normalize_code(code)
    if not code:
        return None
    wanted = TOTPDevice if code.isdigit() and len(code) <= 8 else StaticDevice
    for device in devices_for_user(user, confirmed=True, for_verify=True):
        if isinstance(device, wanted) and device.verify_token(code):
            return device
    return None
