"""Device type, browser and operating system from the User-Agent header, with `ua-parser` (C6).

Only these three coarse facts are kept, never the header itself or versions: together they describe a kind
of device, not a device. Parsing runs regular expressions over the header, so results are cached: a shop's
visitors send a few hundred distinct headers, not millions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ua_parser import parse

from allegra.analytics.models import Event

# Longer headers are cut before parsing: no real browser sends more, and regular expressions over an
# attacker's megabyte are a denial of service.
MAX_USER_AGENT_LENGTH = 512
_FAMILY_LENGTH = 40

_DESKTOP_SYSTEMS = {"Windows", "Mac OS X", "macOS", "Linux", "Ubuntu", "Fedora", "Debian", "Chrome OS", "FreeBSD"}
_MOBILE_SYSTEMS = {"iOS", "Android", "Windows Phone", "KaiOS", "BlackBerry OS", "Firefox OS", "HarmonyOS"}
_TABLET_DEVICES = ("ipad", "tablet", "kindle", "nexus 7", "nexus 9", "nexus 10", "sm-t", "tab")


@dataclass(frozen=True)
class DeviceFacts:
    device_type: str
    browser: str
    os: str


def _family(value: str | None) -> str:
    if not value or value == "Other":
        return ""
    return value[:_FAMILY_LENGTH]


def _device_type(header: str, device_family: str, device_brand: str, os_family: str) -> str:
    lowered = header.lower()
    if device_family == "Spider" or any(word in lowered for word in ("bot", "crawl", "spider", "slurp")):
        return Event.Device.BOT
    family = f"{device_family} {device_brand}".lower()
    if any(word in family for word in _TABLET_DEVICES) or "tablet" in lowered:
        return Event.Device.TABLET
    if os_family == "Android" and "mobile" not in lowered:
        # Android tablets leave "Mobile" out of the header; phones always send it.
        return Event.Device.TABLET
    if os_family in _MOBILE_SYSTEMS or "mobi" in lowered:
        return Event.Device.MOBILE
    if os_family in _DESKTOP_SYSTEMS:
        return Event.Device.DESKTOP
    return Event.Device.OTHER


@lru_cache(maxsize=4096)
def _describe(header: str) -> DeviceFacts:
    if not header:
        return DeviceFacts(device_type=Event.Device.OTHER, browser="", os="")
    result = parse(header)
    browser = _family(result.user_agent.family if result.user_agent else None)
    os_family = _family(result.os.family if result.os else None)
    device_family = result.device.family if result.device else ""
    device_brand = (result.device.brand if result.device else "") or ""
    return DeviceFacts(
        device_type=_device_type(header, device_family or "", device_brand, os_family),
        browser=browser,
        os=os_family,
    )


def describe(user_agent: str | None) -> DeviceFacts:
    """The device type (one of `Event.Device`), browser family and OS family of a User-Agent header."""
    return _describe((user_agent or "")[:MAX_USER_AGENT_LENGTH])
