"""Login throttling per account and per IP address, with counters in Django's cache.

The cache is Redis when REDIS_URL is set, so every app server counts the same failures. Keys never hold
the plain email or IP address: both are turned into a keyed hash first (an IPv6 address is cut to its /64
network before hashing, since one customer usually holds a whole /64).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

KEY_PREFIX = "login-throttle"


@dataclass(frozen=True)
class Limit:
    scope: str  # "account" or "ip"
    attempts: int
    window_seconds: int


def account_limit() -> Limit:
    return Limit("account", settings.LOGIN_THROTTLE_ACCOUNT_ATTEMPTS, settings.LOGIN_THROTTLE_WINDOW_SECONDS)


def ip_limit() -> Limit:
    return Limit("ip", settings.LOGIN_THROTTLE_IP_ATTEMPTS, settings.LOGIN_THROTTLE_WINDOW_SECONDS)


class LoginLocked(ValidationError):
    """Raised by the authentication backend while a login is locked.

    A ValidationError on purpose: Django's AuthenticationForm (and the admin's, which extends it) calls
    authenticate() inside clean(), so the message shows as the form's error on both login pages.
    """

    def __init__(self, minutes: int):
        self.minutes = minutes
        message = ngettext(
            "Too many attempts. Try again in %(minutes)d minute.",
            "Too many attempts. Try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
        super().__init__(message, code="throttled")


def _digest(purpose: str, value: str) -> str:
    key = hashlib.sha256(f"allegra.login-throttle:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def ip_network(address: str) -> str:
    """The part of the address we count by: the whole IPv4 address, or the /64 network of an IPv6 one."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:  # ::ffff:1.2.3.4 is the IPv4 client 1.2.3.4
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def client_ip(request) -> str:
    # REMOTE_ADDR only: a forwarded-for header is set by the client unless a trusted proxy rewrites it.
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def _keys(limit: Limit, identity: str) -> tuple[str, str]:
    base = f"{KEY_PREFIX}:{limit.scope}:{_digest(limit.scope, identity)}"
    return f"{base}:count", f"{base}:until"


def _identities(request, email: str) -> list[tuple[Limit, str]]:
    return [(account_limit(), normalize_email(email)), (ip_limit(), ip_network(client_ip(request)))]


def locked_minutes(request, email: str) -> int:
    """Minutes until the login for this email from this client may be tried again; 0 when it may now."""
    now = time.time()
    longest = 0.0
    for limit, identity in _identities(request, email):
        count_key, until_key = _keys(limit, identity)
        values = cache.get_many([count_key, until_key])
        if values.get(count_key, 0) >= limit.attempts and values.get(until_key):
            longest = max(longest, values[until_key] - now)
    return math.ceil(longest / 60) if longest > 0 else 0


def check(request, email: str) -> None:
    minutes = locked_minutes(request, email)
    if minutes:
        raise LoginLocked(minutes)


def record_failure(request, email: str) -> None:
    """Counts one failed login against the account and the client; the window starts at the first failure."""
    for limit, identity in _identities(request, email):
        count_key, until_key = _keys(limit, identity)
        window = limit.window_seconds
        if cache.add(count_key, 0, timeout=window):
            cache.set(until_key, time.time() + window, timeout=window)
        try:
            count = cache.incr(count_key)
        except ValueError:  # expired between add and incr
            cache.set(count_key, 1, timeout=window)
            count = 1
        if count >= limit.attempts:
            # Locked: the lock lasts a full window from the failure that caused it.
            cache.set_many({count_key: count, until_key: time.time() + window}, timeout=window)


def reset_account(email: str) -> None:
    """A successful login clears the account's counter (the IP's stays: it may be trying many accounts)."""
    cache.delete_many(list(_keys(account_limit(), normalize_email(email))))
