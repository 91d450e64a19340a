"""Counting attempts per client network in Django's cache (a shared Redis in production): order look-ups,
privacy requests from the web form. The network (IPv4 /24, IPv6 /48) is kept only as a keyed hash in the key,
so the cache holds no address."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache

from allegra.core.network import truncate_ip


def _key(scope: str, ip: str) -> str:
    network = truncate_ip(ip) or "unknown"
    secret = hashlib.sha256(f"allegra.{scope}:{settings.SECRET_KEY}".encode()).digest()
    return f"{scope}:{hmac.new(secret, network.encode(), hashlib.sha256).hexdigest()[:32]}"


def allow_from_network(*, scope: str, ip: str, limit: int, window_seconds: int) -> bool:
    """Counts one attempt of `scope` from the client's network; False once the network used up its window."""
    key = _key(scope, ip)
    cache.add(key, 0, timeout=window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        count = 1
    return count <= limit
