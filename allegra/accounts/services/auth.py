"""Writes of the authentication flows: sign-up, verification, password reset, email change, deletion.

Links in emails carry an opaque token: the payload (purpose, public user ID, a fingerprint of the account's
state, maybe the new email, time of issue) sealed by the shop's field encryption (`allegra.core.encryption`:
AES-GCM, bound to the link's purpose, readable through a key rotation). So a token cannot be forged or
altered, shows no personal data in a URL or a log, expires after its purpose's lifetime, and stops working
once used: using it changes the state it fingerprints.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from allegra.consent.services import attach_email_consents_to_account
from allegra.core import encryption
from allegra.core.email import send_templated_email

VERIFY = "verify-email"
RESET = "reset-password"
CHANGE_EMAIL = "change-email"


class InvalidLink(Exception):
    """The link is forged, expired, already used, or belongs to someone else."""


class EmailTaken(Exception):
    """The new address now belongs to another account."""


# Tokens -------------------------------------------------------------------------------------------------


def _context(purpose: str) -> str:
    # A token made for one purpose (a reset) cannot be opened as another (an email change).
    return f"accounts.link.{purpose}"


def _lifetime(purpose: str) -> int:
    return {
        VERIFY: settings.ACCOUNT_VERIFY_LINK_SECONDS,
        RESET: settings.PASSWORD_RESET_TIMEOUT,
        CHANGE_EMAIL: settings.ACCOUNT_VERIFY_LINK_SECONDS,
    }[purpose]


def _fingerprint(purpose: str, user) -> str:
    """What a link's use changes: verifying sets email_verified_at, a reset the password, a change the email."""
    state = [str(user.public_id), user.email, str(user.is_active), str(user.email_verified_at)]
    if purpose in (RESET, CHANGE_EMAIL):
        state += [user.password, str(user.last_login)]
    return hashlib.sha256("\x1f".join([purpose, *state]).encode()).hexdigest()[:32]


def make_token(*, purpose: str, user, extra: str = "") -> str:
    payload = json.dumps(
        {"u": str(user.public_id), "f": _fingerprint(purpose, user), "x": extra, "t": int(time.time())},
        separators=(",", ":"),
    )
    return encryption.encrypt(payload, context=_context(purpose))


def read_token(*, purpose: str, token: str) -> tuple:
    """Returns (user, extra) for a valid, unexpired, unused token; raises InvalidLink otherwise."""
    if not token or len(token) > 1024:
        raise InvalidLink
    try:
        payload = json.loads(encryption.decrypt(token, context=_context(purpose)))
        issued, public_id, fingerprint = int(payload["t"]), payload["u"], payload["f"]
    except Exception as error:  # any decoding or authentication failure means a forged or damaged link
        raise InvalidLink from error
    if time.time() - issued > _lifetime(purpose):
        raise InvalidLink
    user = get_user_model().objects.filter(public_id=public_id).first()
    if user is None or not hmac.compare_digest(fingerprint, _fingerprint(purpose, user)):
        raise InvalidLink
    return user, payload.get("x", "")


# Emails -------------------------------------------------------------------------------------------------


def _link(site_url: str, view: str, token: str, language: str) -> str:
    with translation.override(language):
        return site_url.rstrip("/") + reverse(view, kwargs={"token": token})


def _send_verification(*, user, site_url: str, language: str) -> None:
    token = make_token(purpose=VERIFY, user=user)
    send_templated_email(
        to=user.email,
        template="verify_email",
        context={"screen_name": user.screen_name, "link": _link(site_url, "accounts:verify", token, language)},
        language=language,
    )


# Flows --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignUpResult:
    created: bool  # for tests and logs only: the page a visitor sees never depends on it


def sign_up(*, email: str, screen_name: str, password: str, site_url: str, language: str) -> SignUpResult:
    """Creates an inactive account and sends the verification link.

    An address that already has an account gets a notice instead (or, when never verified, a new link),
    so the answer on the page is the same for every address: sign-up reveals no accounts.
    """
    User = get_user_model()
    email = User.objects.normalize_email(email).strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email, password=password, screen_name=screen_name, is_active=False
                )
        except IntegrityError:
            # The same address signed up at the same moment in another request: answer as for a known one.
            return SignUpResult(created=False)
        _send_verification(user=user, site_url=site_url, language=language)
        return SignUpResult(created=True)
    # Hash anyway, so both answers take as long as each other (Argon2 is the slow part).
    make_password(password)
    if existing.email_verified_at is None and not existing.is_active:
        _send_verification(user=existing, site_url=site_url, language=language)
    else:
        login_url = site_url.rstrip("/") + _reverse_in("accounts:login", language)
        reset_url = site_url.rstrip("/") + _reverse_in("accounts:password_reset", language)
        send_templated_email(
            to=existing.email,
            template="already_registered",
            context={"screen_name": existing.screen_name, "login_url": login_url, "reset_url": reset_url},
            language=language,
        )
    return SignUpResult(created=False)


def _reverse_in(view: str, language: str) -> str:
    with translation.override(language):
        return reverse(view)


@transaction.atomic
def verify_email(*, token: str, current_user=None):
    """Activates the account the link belongs to. Someone else's open session may not use it."""
    user, _extra = read_token(purpose=VERIFY, token=token)
    if current_user is not None and current_user.is_authenticated and current_user.pk != user.pk:
        raise InvalidLink
    user.is_active = True
    user.email_verified_at = timezone.now()
    user.save(update_fields=["is_active", "email_verified_at"])
    # The address is now proven theirs: consents given with it before the account (a newsletter sign-up) join it.
    attach_email_consents_to_account(user=user)
    return user


def request_password_reset(*, email: str, site_url: str, language: str) -> None:
    """Sends a reset link when the address has an active account; silently nothing otherwise."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=(email or "").strip()).first()
    if user is None or not user.is_active or not user.has_usable_password():
        return
    token = make_token(purpose=RESET, user=user)
    send_templated_email(
        to=user.email,
        template="password_reset",
        context={
            "screen_name": user.screen_name,
            "link": _link(site_url, "accounts:password_reset_confirm", token, language),
        },
        language=language,
    )


def check_reset_token(*, token: str):
    return read_token(purpose=RESET, token=token)[0]


@transaction.atomic
def reset_password(*, token: str, password: str):
    user = check_reset_token(token=token)
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def request_email_change(*, user, new_email: str, site_url: str, language: str) -> None:
    """Sends a confirmation link to the new address and a notice to the old one; nothing changes yet.

    An address already in use by another account gets the "already registered" notice instead of a link,
    so the page answers the same way and reveals nothing about other accounts.
    """
    User = get_user_model()
    new_email = User.objects.normalize_email(new_email).strip().lower()
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        send_templated_email(
            to=new_email,
            template="already_registered",
            context={
                "screen_name": "",
                "login_url": site_url.rstrip("/") + _reverse_in("accounts:login", language),
                "reset_url": site_url.rstrip("/") + _reverse_in("accounts:password_reset", language),
            },
            language=language,
        )
    else:
        token = make_token(purpose=CHANGE_EMAIL, user=user, extra=new_email)
        send_templated_email(
            to=new_email,
            template="email_change",
            context={
                "screen_name": user.screen_name,
                "link": _link(site_url, "accounts:email_change_confirm", token, language),
            },
            language=language,
        )
    send_templated_email(
        to=user.email,
        template="email_change_notice",
        context={"screen_name": user.screen_name, "new_email_masked": mask_email(new_email)},
        language=language,
    )


def mask_email(address: str) -> str:
    """j•••@example.com: enough for the owner to recognise, not enough to learn the address."""
    local, _at, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}"


@transaction.atomic
def confirm_email_change(*, user, token: str):
    """Applies the change the link carries, for the signed-in owner of the link only."""
    owner, new_email = read_token(purpose=CHANGE_EMAIL, token=token)
    if owner.pk != user.pk or not new_email:
        raise InvalidLink
    User = get_user_model()
    if User.objects.filter(email__iexact=new_email).exclude(pk=owner.pk).exists():
        raise EmailTaken
    owner.email = new_email
    owner.email_verified_at = timezone.now()
    try:
        with transaction.atomic():
            owner.save(update_fields=["email", "email_verified_at"])
    except IntegrityError as error:
        raise EmailTaken from error
    # The new address is proven now: consents given with it alone (a newsletter sign-up) belong to the account.
    attach_email_consents_to_account(user=owner)
    return owner


def delete_account(*, user, language: str | None = None) -> None:
    """Deletes the account by erasing the person as the personal-data map says (R3.erase): what the law makes the
    shop keep (orders, invoices) stays, pseudonymised and detached; the address may sign up again (R3.again). The
    person gets the erasure report (what was deleted, what was kept, why and until when) once it is committed."""
    from allegra.privacy.erasure import erase_subject

    language = language or translation.get_language() or settings.LANGUAGE_CODE
    erase_subject(user=user, actor=user, reason="account deleted by its owner", language=language, notify=True)
