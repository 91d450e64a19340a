"""A visitor's country without asking anyone: from the browser's time zone, else its language's region (C6).

The IANA zone tables (`zone.tab`, `zone1970.tab`) name the country of each time zone. They come with the
`tzdata` package (a dependency, so every machine has the same tables) or, failing that, the system's
zoneinfo. No outside service is asked and no IP address is looked up: the country is as coarse as the
visitor's own settings.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

_SYSTEM_ZONEINFO = (Path("/usr/share/zoneinfo"), Path("/usr/lib/zoneinfo"))
_ZONE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$")
# BCP 47: a language, an optional script, then a two-letter region ("el-GR", "sr-Latn-RS", "en_GB").
_REGION = re.compile(r"^[a-zA-Z]{2,3}(?:[-_][a-zA-Z]{4})?[-_]([a-zA-Z]{2})(?:[-_].*)?$")


def _table_text(name: str) -> str:
    try:
        return resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        pass
    for folder in _SYSTEM_ZONEINFO:
        try:
            return (folder / name).read_text(encoding="utf-8")
        except OSError:
            continue
    return ""


def _rows(text: str):
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) >= 3:
            yield columns[0], columns[2]


@lru_cache(maxsize=1)
def zone_countries() -> dict[str, str]:
    """Time zone -> ISO 3166 country code. zone.tab names one country per zone; zone1970.tab adds the zones
    it merged, with the first of their countries."""
    countries: dict[str, str] = {}
    for codes, zone in _rows(_table_text("zone1970.tab")):
        countries[zone] = codes.split(",")[0]
    for code, zone in _rows(_table_text("zone.tab")):
        countries[zone] = code
    return countries


@lru_cache(maxsize=1)
def known_countries() -> frozenset[str]:
    codes = {code for code, _name in _rows_iso(_table_text("iso3166.tab"))}
    return frozenset(codes or zone_countries().values())


def _rows_iso(text: str):
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, _, name = line.partition("\t")
            yield code.strip(), name.strip()


@lru_cache(maxsize=1024)
def country_for_time_zone(time_zone: str) -> str:
    """The country of an IANA time zone ("Europe/Athens" -> "GR"), or "" when the zone names none (UTC)."""
    if not time_zone or len(time_zone) > 64 or not _ZONE_NAME.match(time_zone):
        return ""
    return zone_countries().get(time_zone, "")


def country_for_language(language: str) -> str:
    """The region of a language tag ("el-GR" -> "GR", "en" -> ""), when it is a real country."""
    match = _REGION.match((language or "").strip())
    if not match:
        return ""
    code = match.group(1).upper()
    return code if code in known_countries() else ""


def guess_country(*, time_zone: str = "", languages: list[str] | tuple[str, ...] = ()) -> str:
    """The time zone's country, else the first language tag with a region; "" when neither says."""
    country = country_for_time_zone(time_zone)
    if country:
        return country
    for language in languages:
        country = country_for_language(language)
        if country:
            return country
    return ""
