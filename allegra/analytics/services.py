"""Writes of the analytics app.

`record_search` is the single entry point of the search log: the consent work gates this one function, so
no other code may write `SearchRecord` rows.
"""

import hashlib
import hmac
import os
import re
import uuid
from contextlib import contextmanager
from decimal import Decimal
from functools import lru_cache
from urllib.parse import urlsplit

try:
    import fcntl
except ImportError:  # not on Windows; SQLite's own locking is enough there for development
    fcntl = None

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import connections, router
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from allegra.analytics.geo import guess_country
from allegra.analytics.models import NORMALIZED_QUERY_MAX_LENGTH, Event, SearchRecord
from allegra.analytics.useragent import describe
from allegra.catalog.models import Product
from allegra.catalog.search import normalize
from allegra.core import encryption
from allegra.core.network import truncate_ip
from allegra.privacy.restriction import is_restricted

# A shopper may paste a phone, card or order number into the search box. Long digit runs are never product
# words, so they are blanked before anything is stored.
_LONG_NUMBER = re.compile(r"\d{5,}")


def _known_language(language: str) -> str:
    code = (language or "").strip().lower()[:8]
    return code if code in {code for code, _name in settings.LANGUAGES} else ""


def clean_query_for_log(normalized_query: str) -> str:
    """The query as stored: long numbers blanked, spaces collapsed, cut to the column length."""
    text = _LONG_NUMBER.sub("#", normalized_query or "")
    return " ".join(text.split())[:NORMALIZED_QUERY_MAX_LENGTH].strip()


def record_search(*, normalized_query: str, language: str, result_count: int) -> SearchRecord | None:
    """Records one storefront search for research (U5), without anything that identifies the visitor.

    Returns the record, or None when nothing was stored: the log is switched off (`SEARCH_LOG_ENABLED`)
    or the query is empty after cleaning.
    """
    if not settings.SEARCH_LOG_ENABLED:
        return None
    query = clean_query_for_log(normalized_query)
    if not query:
        return None
    return SearchRecord.objects.create(
        normalized_query=query,
        language=_known_language(language),
        result_count=max(0, int(result_count)),
    )


# --- Consented first-party analytics (C6, K2, U5) -----------------------------------------------------------
#
# Everything below records only when the visitor allowed performance cookies (`request.consent.performance`),
# or, for an email open, when the account's latest choice allows them. What is kept is coarse on purpose:
# a random visitor id (the performance cookie), the page without its query string or private ids, the
# device kind, browser and OS families, a country guessed from the time zone, the referring domain and an IP
# address without its last part. Nothing that tells one device from another (no fingerprinting).

# The kinds a browser may report. Add to cart and purchases are recorded by the server (record_server_event),
# so nobody can inflate sales figures from a console.
CLIENT_KINDS = frozenset({Event.Kind.PAGE_VIEW, Event.Kind.PRODUCT_CLICK, Event.Kind.SEARCH, Event.Kind.SEARCH_CLICK})
SERVER_KINDS = frozenset({Event.Kind.ADD_TO_CART, Event.Kind.PURCHASE})

# Longest accepted value of each text field of an event; anything longer refuses the whole batch.
MAX_LENGTHS = {
    "kind": 16,
    "path": 300,
    "product": 140,
    "query": NORMALIZED_QUERY_MAX_LENGTH,
    "referrer": 2048,
    "tz": 64,
    "language": 35,
}
INTEGER_FIELDS = {"position": (1, 10_000), "results": (0, 10_000_000)}
EVENT_FIELDS = frozenset(MAX_LENGTHS) | frozenset(INTEGER_FIELDS)

# Where the account area starts, after the language prefix: its deeper segments may hold order numbers or
# one-time tokens, so only the section's name is kept ("/el/account/orders/").
_ACCOUNT_SEGMENT = "account"
_UUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")
_CAMPAIGN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
# The performance cookie lives 12 months from the first consented request, like the consent itself.
VISITOR_COOKIE_MAX_AGE = 365 * 24 * 60 * 60
# Email opens are stored with this path (no leading slash, so never a page of the site) and the campaign.
EMAIL_OPEN_PATH_PREFIX = "email:"
EMAIL_PIXEL_SALT = "allegra.analytics.email-pixel"
_EMAIL_PIXEL_CONTEXT = "analytics.email_pixel.account"
# An email opened years later says little about the campaign; old tokens are refused.
EMAIL_PIXEL_MAX_AGE = 400 * 24 * 60 * 60


_REFERRER_DOMAIN_LENGTH = Event._meta.get_field("referrer_domain").max_length
# The columns of one multi-row INSERT, in order (see _insert_events).
_INSERT_FIELDS = (
    "kind",
    "visitor",
    "occurred_at",
    "path",
    "language",
    "product",
    "search_query",
    "result_position",
    "result_count",
    "device_type",
    "browser",
    "os",
    "country",
    "referrer_domain",
    "ip_truncated",
)


class EventBatchError(ValueError):
    """An event batch that is refused whole; the message says what is wrong, in words a developer reads."""


@lru_cache(maxsize=4096)
def generalise_path(path: str) -> str:
    """A page's path as stored: no query string or fragment, UUIDs and account-area details replaced.

    "/el/p/ring/?variant=X" -> "/el/p/ring/"; "/el/account/orders/1042/" -> "/el/account/orders/";
    "/x/3f2b…-…/" -> "/x/:id/". Only local paths are accepted (callers check that it starts with "/").
    """
    path = urlsplit(path).path or "/"
    segments = path.split("/")
    out = []
    for index, segment in enumerate(segments):
        out.append(":id" if _UUID.match(segment) else segment)
        # "/account/..." or "/<lang>/account/...": keep the account section, drop what follows.
        if segment == _ACCOUNT_SEGMENT and index <= 2:
            section = segments[index + 1] if index + 1 < len(segments) else ""
            if section and not _UUID.match(section) and not section.isdigit():
                out.append(section)
            out.append("")
            break
    return "/".join(out)[: Event._meta.get_field("path").max_length]


def page_language(path: str) -> str:
    """The shop language of a page, from its prefix ("/el/..." -> "el"); "" for pages outside them."""
    first = path.split("/", 2)[1] if path.startswith("/") and len(path) > 1 else ""
    return _known_language(first) if first else ""


def referrer_domain(*, referrer: str, request) -> str:
    """The referring site's host name, only when it is another site: the shop's own pages are no referrer,
    and the rest of the address (its path and query) may name a person, so it is dropped."""
    if not referrer:
        return ""
    host = _referrer_host(referrer)
    own = request.get_host().rsplit(":", 1)[0].lower() if request is not None else ""
    if not host or host == own or host.removeprefix("www.") == own.removeprefix("www."):
        return ""
    return host


@lru_cache(maxsize=2048)
def _referrer_host(referrer: str) -> str:
    try:
        parts = urlsplit(referrer)
        host = (parts.hostname or "").lower()
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https"):
        return ""
    return host[:_REFERRER_DOMAIN_LENGTH]


def _visitor_cookie_value(request) -> uuid.UUID | None:
    value = request.COOKIES.get(settings.ANALYTICS_VISITOR_COOKIE_NAME, "")
    if not value or len(value) > 36:
        return None
    try:
        visitor = uuid.UUID(value)
    except ValueError:
        return None
    return visitor if visitor.version == 4 else None


def visitor_for(request) -> uuid.UUID:
    """The browser's analytics id: its performance cookie's, or a new uuid4 the response then sets
    (`remember_visitor`). Only for requests with performance consent."""
    visitor = getattr(request, "analytics_visitor", None)
    if visitor is None:
        visitor = _visitor_cookie_value(request)
        request.analytics_visitor_is_new = visitor is None
        visitor = visitor or uuid.uuid4()
        request.analytics_visitor = visitor
    return visitor


def restricted_visitor(request) -> bool:
    """True when the signed-in customer has restricted the processing of their data (R3.restrict): nothing about
    them is recorded, whatever their cookie consent says. One query, remembered for the request."""
    restricted = getattr(request, "analytics_restricted", None)
    if restricted is None:
        user = getattr(request, "user", None)
        restricted = bool(user is not None and user.is_authenticated and is_restricted(user=user))
        request.analytics_restricted = restricted
    return restricted


def remember_visitor(*, request, response) -> None:
    """Sets the performance cookie when this request minted the visitor id, and deletes it when the visitor
    does not (or no longer) allow performance cookies: withdrawing consent removes the id too (K2). A customer
    who restricted processing (R3.restrict, found by this request's own recording) loses the id as well."""
    name = settings.ANALYTICS_VISITOR_COOKIE_NAME
    if not request.consent.performance or getattr(request, "analytics_restricted", False):
        if name in request.COOKIES:
            response.delete_cookie(name, path="/", samesite="Lax")
        return
    if getattr(request, "analytics_visitor_is_new", False):
        response.set_cookie(
            name,
            str(request.analytics_visitor),
            max_age=VISITOR_COOKIE_MAX_AGE,
            path="/",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


def _request_facts(request) -> dict:
    """What every event of one request shares: device kind, browser, OS, truncated IP, visitor id."""
    device = describe(request.META.get("HTTP_USER_AGENT"))
    return {
        "visitor": visitor_for(request),
        "device_type": device.device_type,
        "browser": device.browser,
        "os": device.os,
        "ip_truncated": truncate_ip(request.META.get("REMOTE_ADDR")),
    }


def _accept_languages(request) -> tuple[str, ...]:
    return _parse_accept_language(request.META.get("HTTP_ACCEPT_LANGUAGE", "")[:200])


@lru_cache(maxsize=512)
def _parse_accept_language(header: str) -> tuple[str, ...]:
    return tuple(part.split(";")[0].strip() for part in header.split(",") if part.strip())[:5]


def validate_batch(payload: object) -> list[dict]:
    """The events of a batch, checked field by field; raises EventBatchError on the first problem."""
    if not isinstance(payload, dict):
        raise EventBatchError('The body must be a JSON object: {"events": [...]}.')
    unknown = set(payload) - {"events"}
    if unknown:
        raise EventBatchError(f"Unknown key in the batch: {sorted(unknown)[0][:40]!r}.")
    events = payload.get("events")
    if not isinstance(events, list) or not events:
        raise EventBatchError('"events" must be a non-empty list.')
    if len(events) > settings.ANALYTICS_MAX_BATCH:
        raise EventBatchError(f"Too many events in one batch: at most {settings.ANALYTICS_MAX_BATCH}.")
    checked = []
    for number, event in enumerate(events, start=1):
        if not isinstance(event, dict):
            raise EventBatchError(f"Event {number} must be a JSON object.")
        unknown = set(event) - EVENT_FIELDS
        if unknown:
            raise EventBatchError(f"Event {number}: unknown field {sorted(unknown)[0][:40]!r}.")
        for name, value in event.items():
            if name in INTEGER_FIELDS:
                low, high = INTEGER_FIELDS[name]
                if value is None:
                    continue
                if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                    raise EventBatchError(f"Event {number}: {name!r} must be a whole number from {low} to {high}.")
            elif not isinstance(value, str):
                raise EventBatchError(f"Event {number}: {name!r} must be a string.")
            elif len(value) > MAX_LENGTHS[name]:
                raise EventBatchError(f"Event {number}: {name!r} is longer than {MAX_LENGTHS[name]} characters.")
        if event.get("kind") not in CLIENT_KINDS:
            raise EventBatchError(f"Event {number}: unknown kind; the kinds are {', '.join(sorted(CLIENT_KINDS))}.")
        path = event.get("path", "")
        if path and not (path.startswith("/") and not path.startswith("//")):
            raise EventBatchError(f"Event {number}: 'path' must be a path of this site, starting with '/'.")
        checked.append(event)
    return checked


def _query_for_event(query: str) -> str:
    # Folded like the search engine folds it, long numbers blanked like the anonymous log does.
    return clean_query_for_log(" ".join(normalize.words(query)))


def record_events(*, request, payload: dict) -> int:
    """Records a browser's batch of events (POST /a/events); returns how many were stored.

    The batch is validated whole first: any bad event refuses it all (EventBatchError) and nothing is stored.
    A valid batch is stored only with performance consent, and never for a signed-in customer who restricted
    processing (R3.restrict); otherwise nothing is, and 0 is returned.
    All events go in one INSERT whatever their number.
    """
    events = validate_batch(payload)
    if not request.consent.performance or restricted_visitor(request):
        return 0
    shared = _request_facts(request)
    languages = _accept_languages(request)
    slugs = {event["product"] for event in events if event.get("product")}
    product_ids = dict(Product.objects.filter(slug__in=slugs).values_list("slug", "pk")) if slugs else {}
    rows = []
    for event in events:
        kind = event["kind"]
        path = generalise_path(event.get("path") or "")
        is_search = kind in (Event.Kind.SEARCH, Event.Kind.SEARCH_CLICK)
        browser_language = event.get("language") or ""
        rows.append(
            {
                "kind": kind,
                "path": path,
                "language": page_language(path),
                "product": product_ids.get(event.get("product") or ""),
                "search_query": _query_for_event(event.get("query") or "") if is_search else "",
                "result_position": event.get("position")
                if kind in (Event.Kind.PRODUCT_CLICK, Event.Kind.SEARCH_CLICK)
                else None,
                "result_count": event.get("results") if is_search else None,
                "country": guess_country(
                    time_zone=event.get("tz") or "",
                    languages=(browser_language, *languages) if browser_language else languages,
                ),
                "referrer_domain": referrer_domain(referrer=event.get("referrer") or "", request=request),
            }
        )
    _insert_events(rows, shared=shared)
    return len(rows)


def _insert_events(rows: list[dict], *, shared: dict) -> None:
    """One multi-row INSERT for the whole batch: a single statement, so a single (implicit) transaction.

    The beacon is the shop's hottest write (`make bench`), and `bulk_create` spends most of its time preparing
    each value of each row through its field. Here the values shared by the batch (visitor id, time, device,
    address) are prepared once through their fields, and the rest are plain strings and integers that every
    backend takes as they are.
    """
    connection = connections[router.db_for_write(Event)]
    fields = [Event._meta.get_field(name) for name in _INSERT_FIELDS]
    common = {
        "visitor": fields[1].get_db_prep_save(shared["visitor"], connection),
        "occurred_at": fields[2].get_db_prep_save(timezone.now(), connection),
        "device_type": shared["device_type"],
        "browser": shared["browser"],
        "os": shared["os"],
        "ip_truncated": fields[-1].get_db_prep_save(shared["ip_truncated"], connection),
    }
    quote = connection.ops.quote_name
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    columns = ", ".join(quote(field.column) for field in fields)
    # Table and column names come from the model; every value goes in as a parameter.
    sql = f"INSERT INTO {quote(Event._meta.db_table)} ({columns}) VALUES {', '.join([placeholders] * len(rows))}"  # noqa: S608
    params = [row[name] if name in row else common[name] for row in rows for name in _INSERT_FIELDS]
    with _sqlite_writer_turn(connection), connection.cursor() as cursor:
        cursor.execute(sql, params)


@contextmanager
def _sqlite_writer_turn(connection):
    """On a SQLite file, waits for this process's turn to write behind an OS file lock.

    SQLite lets one writer in at a time, and a writer that finds the database busy sleeps 1, 2, 5, 10, 15…
    ms before it tries again, however soon the other finished. Two app servers posting bursts of events
    collide constantly, and those sleeps cut the beacon's throughput by more than half under `make bench`. A
    blocking `flock` wakes the waiter the moment the lock is free. PostgreSQL needs nothing of the kind.
    """
    path = _sqlite_lock_path(connection)
    if path is None:
        yield
        return
    with open(path, "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _sqlite_lock_path(connection) -> str | None:
    if connection.vendor != "sqlite" or fcntl is None or connection.is_in_memory_db():
        return None
    name = str(connection.settings_dict["NAME"])
    return f"{name}.writers.lock" if os.path.isabs(name) else None


def record_page_pixel(*, request, kind: str, path: str) -> bool:
    """Records a page view from the <noscript> pixel (GET /a/p.gif); True when stored.

    Bad parameters record nothing (the pixel still answers: an image must never fail visibly)."""
    try:
        return record_events(request=request, payload={"events": [{"kind": kind, "path": path}]}) == 1
    except EventBatchError:
        return False


def record_server_event(*, request, kind: str, product=None, value=None) -> Event | None:
    """Records an add to cart or a purchase seen by the server, only with performance consent and never for a
    signed-in customer who restricted processing (R3.restrict); else None.

    `product` is a catalog Product or its id, `value` the amount in euros. A caller that wants the visitor
    id kept should pass its response to `remember_visitor` (a first-time id is minted here otherwise).
    """
    if kind not in SERVER_KINDS:
        raise ValueError(f"record_server_event records {sorted(SERVER_KINDS)}, not {kind!r}")
    if not getattr(request, "consent", None) or not request.consent.performance or restricted_visitor(request):
        return None
    path = generalise_path(request.path)
    return Event.objects.create(
        kind=kind,
        path=path,
        language=page_language(path) or _known_language(get_language() or ""),
        product_id=getattr(product, "pk", product),
        value=None if value is None else Decimal(value).quantize(Decimal("0.01")),
        country=guess_country(languages=_accept_languages(request)),
        **_request_facts(request),
    )


def email_pixel_url(*, user, campaign: str) -> str | None:
    """The open-tracking pixel for a marketing email to `user`, or None when the account does not allow
    performance cookies or has restricted processing (R3.restrict): then the email carries no pixel at all (K2).

    The token is signed, and the account inside it is sealed by the shop's field encryption: the address of
    the image tells nobody who received it (no email address, no readable account id).
    """
    from allegra.consent.models import Category
    from allegra.consent.selectors import account_allows

    if not _CAMPAIGN.match(campaign or ""):
        raise ValueError("campaign must be a short slug: lower-case letters, digits, - and _")
    if user is None or not user.pk or not account_allows(user=user, category=Category.PERFORMANCE):
        return None
    if is_restricted(user=user):
        return None
    sealed = encryption.encrypt(str(user.pk), context=_EMAIL_PIXEL_CONTEXT)
    token = signing.dumps({"a": sealed, "c": campaign}, salt=EMAIL_PIXEL_SALT)
    path = reverse("analytics:email-pixel", kwargs={"token": token})
    return f"{settings.SITE_URL.rstrip('/')}{path}" if getattr(settings, "SITE_URL", "") else path


def _email_visitor(user_pk: int) -> uuid.UUID:
    # The same account's opens share one id, derived with a secret so it cannot be turned back into the account.
    digest = hmac.new(settings.SECRET_KEY.encode(), f"email-open:{user_pk}".encode(), hashlib.sha256).digest()
    return uuid.UUID(bytes=digest[:16], version=4)


def record_email_open(*, request, token: str) -> bool:
    """Records the opening of a marketing email (GET /a/m/<token>.gif) when the token is genuine and the
    account still allows performance cookies now and has not restricted processing since (R3.restrict); True
    when stored."""
    from allegra.consent.models import Category
    from allegra.consent.selectors import account_allows

    try:
        data = signing.loads(token, salt=EMAIL_PIXEL_SALT, max_age=EMAIL_PIXEL_MAX_AGE)
        user_pk = int(encryption.decrypt(data["a"], context=_EMAIL_PIXEL_CONTEXT))
        campaign = data["c"]
    except (signing.BadSignature, encryption.EncryptionError, KeyError, TypeError, ValueError):
        return False
    if not isinstance(campaign, str) or not _CAMPAIGN.match(campaign):
        return False
    user = get_user_model().objects.filter(pk=user_pk, is_active=True).first()
    if user is None or not account_allows(user=user, category=Category.PERFORMANCE) or is_restricted(user=user):
        return False
    device = describe(request.META.get("HTTP_USER_AGENT"))
    Event.objects.create(
        kind=Event.Kind.EMAIL_OPEN,
        visitor=_email_visitor(user_pk),
        path=f"{EMAIL_OPEN_PATH_PREFIX}{campaign}",
        device_type=device.device_type,
        browser=device.browser,
        os=device.os,
        ip_truncated=truncate_ip(request.META.get("REMOTE_ADDR")),
    )
    return True
