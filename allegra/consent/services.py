"""Writes to the consent ledger, and the browser's copy of the choice in its cookie (K1-K6, S5, GDPR Art. 7(1)).

Every choice appends one `ConsentRecord`; nothing here changes or deletes a record, except the retention purge.
The state a function returns is what the browser's cookie should hold next: the caller passes it to
`remember_choice(response, state)`.

What a record keeps of the browser, and why it is enough for proof without identifying anyone by itself:

* the IP address truncated before storage (IPv4 to its /24, IPv6 to its /48: the network, not the device),
  from ``REMOTE_ADDR`` only (a client can write any ``X-Forwarded-For`` it likes; the production proxy sets
  REMOTE_ADDR to the real peer);
* a keyed HMAC-SHA256 of the user agent, under the shop's blind-index key (`allegra.core.encryption`) with a
  purpose of its own. That key is made for exactly this, keyed digests to answer "is this the same value?",
  it is stable (SECRET_KEY is rotated when it leaks and would turn every stored hash unverifiable), and
  production refuses to start without it (system check allegra.E001). Without the key nobody can test
  guesses of user agents against the ledger, as one could against a plain hash.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import replace
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse
from django.utils import timezone, translation

from allegra.consent.models import ConsentNotice, ConsentRecord, PurposeConsentRecord, PurposeSource, Source
from allegra.consent.purposes import MARKETING_EMAIL, PurposeConsentError, email_index_of, get_purpose
from allegra.consent.selectors import _purpose_records_of
from allegra.consent.state import NO_CHOICE, ConsentState
from allegra.core.encryption import blind_index
from allegra.core.network import truncate_ip
from allegra.privacy.restriction import is_restricted

USER_AGENT_PURPOSE = "consent.user_agent"
# A user agent longer than this is cut before hashing: real ones are a few hundred characters.
USER_AGENT_MAX_CHARS = 1024
# Retention (data map: Retention.CONSENT_RECORDS): proof is kept 5 years after the consent ended.
RETENTION = timedelta(days=5 * 365 + 1)
GPC_RECORDS_PER_HOUR = 30


# --- what a record keeps of the browser ----------------------------------------------------------------------


def hash_user_agent(user_agent: str | None) -> str:
    """A keyed hash of the user agent ("" when there is none); see the module's docstring for the key."""
    if not user_agent:
        return ""
    return blind_index(user_agent[:USER_AGENT_MAX_CHARS], purpose=USER_AGENT_PURPOSE)


def normalise_notice(text: str) -> str:
    """The text as it counts for its hash: runs of whitespace (template indentation, line breaks) are one space."""
    return " ".join((text or "").split())


def notice_hash(text: str) -> str:
    return hashlib.sha256(normalise_notice(text).encode("utf-8")).hexdigest()


def _notice_for(*, text: str, source: Source | PurposeSource) -> ConsentNotice | None:
    """The stored notice for this exact text, created the first time it is shown with a choice."""
    normalised = normalise_notice(text)
    if not normalised:
        return None
    notice, _created = ConsentNotice.objects.get_or_create(
        text_hash=notice_hash(normalised),
        defaults={
            "language": translation.get_language() or settings.LANGUAGE_CODE,
            "source": source,
            "policy_version": settings.PRIVACY_POLICY_VERSION,
            "text": normalised,
        },
    )
    return notice


def _current(request) -> ConsentState:
    return getattr(request, "consent", None) or NO_CHOICE


def _account(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _append(
    *,
    request,
    consent_id: uuid.UUID,
    performance: bool,
    advertising: bool,
    source: Source,
    gpc: bool,
    notice: ConsentNotice | None,
) -> ConsentRecord:
    return ConsentRecord.objects.create(
        consent_id=consent_id,
        user=_account(request),
        performance=performance,
        advertising=advertising,
        source=source,
        gpc=gpc,
        policy_version=settings.PRIVACY_POLICY_VERSION,
        notice=notice,
        ip_truncated=truncate_ip(request.META.get("REMOTE_ADDR")),
        user_agent_hash=hash_user_agent(request.META.get("HTTP_USER_AGENT")),
    )


# --- choices ---------------------------------------------------------------------------------------------------


@transaction.atomic
def record_choice(
    *, request, performance: bool, advertising: bool, source: Source, notice_text: str = ""
) -> ConsentState:
    """Appends the visitor's choice to the ledger and returns the state the browser's cookie should hold.

    The browser keeps its consent id (a new one is minted on its first choice); a signed-in customer's choice is
    linked to the account. With a Global Privacy Control signal on the request, "Accept all" on the banner's
    first layer still leaves advertising refused (S5): only an explicit tick, on the choose layer or the
    account page, overrides the signal. `notice_text` is the exact text shown with the choice.
    """
    source = Source(source)
    current = _current(request)
    performance, advertising = bool(performance), bool(advertising)
    if current.gpc_signal and source == Source.BANNER_FIRST_LAYER:
        advertising = False
    consent_id = current.consent_id or uuid.uuid4()
    _append(
        request=request,
        consent_id=consent_id,
        performance=performance,
        advertising=advertising,
        source=source,
        gpc=current.gpc_signal,
        notice=_notice_for(text=notice_text, source=source),
    )
    return ConsentState(
        consent_id=consent_id,
        decided=True,
        performance=performance,
        advertising=advertising,
        # Once the signal was seen with a choice, it is not recorded again as a refusal: the visitor's explicit
        # choice made with the signal on stays the choice in force.
        gpc_honoured=current.gpc_honoured or current.gpc_signal,
        policy_version=settings.PRIVACY_POLICY_VERSION,
        gpc_signal=current.gpc_signal,
    )


def _gpc_record_allowed(request) -> bool:
    """A client that keeps no cookies and sends `Sec-GPC: 1` would otherwise add a record on every request.
    Each network (the truncated address) may add GPC_RECORDS_PER_HOUR of them; past that the signal is still
    honoured for the request, only not written down again."""
    key = f"consent:gpc:{truncate_ip(request.META.get('REMOTE_ADDR')) or '-'}"
    cache.add(key, 0, timeout=60 * 60)
    try:
        return cache.incr(key) <= GPC_RECORDS_PER_HOUR
    except ValueError:  # the key expired between add and incr
        return True


@transaction.atomic
def record_gpc_refusal(*, request) -> ConsentState:
    """Records the Global Privacy Control signal as a refusal of advertising (source GPC; linked to the account
    when signed in). Performance stays as the browser had it; a visitor who has not chosen yet still sees the
    banner, which now says that the signal was honoured."""
    current = _current(request)
    consent_id = current.consent_id or uuid.uuid4()
    if _gpc_record_allowed(request) or _account(request) is not None:
        _append(
            request=request,
            consent_id=consent_id,
            performance=current.performance,
            advertising=False,
            source=Source.GPC,
            gpc=True,
            notice=None,
        )
    return replace(
        current,
        consent_id=consent_id,
        advertising=False,
        gpc_honoured=True,
        policy_version=current.policy_version or settings.PRIVACY_POLICY_VERSION,
        gpc_signal=True,
    )


def remember_choice(response: HttpResponse, state: ConsentState) -> None:
    """Puts the state in the browser's signed consent cookie (a functional cookie: 12 months)."""
    response.set_cookie(
        settings.CONSENT_COOKIE_NAME,
        state.to_cookie(),
        max_age=settings.CONSENT_COOKIE_MAX_AGE,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


# --- sign-in ---------------------------------------------------------------------------------------------------


@transaction.atomic
def attach_browser_to_account(*, request, user) -> ConsentState | None:
    """Called right after sign-in: links the browser's anonymous records to the account, and makes the newer of
    the browser's latest choice and the account's latest choice the one in force.

    Returns the state the browser's cookie should now hold, or None when the cookie already holds the choice in
    force (the browser's own choice is the newer, or neither has any): re-signing it would stretch its 12 months.
    A refusal by Global Privacy Control recorded for the account, from any browser, is newer than an older
    grant in this browser, so it wins here too (S5); it refuses advertising and leaves the rest as it was.
    """
    browser = _current(request)
    browser_latest = None
    if browser.consent_id is not None:
        ConsentRecord.objects.filter(consent_id=browser.consent_id).attach_to_account(user)
        browser_latest = ConsentRecord.objects.filter(consent_id=browser.consent_id).order_by("-recorded_at", "-id")
        browser_latest = browser_latest.first()
    account_latest = ConsentRecord.objects.filter(user=user).order_by("-recorded_at", "-id").first()
    if account_latest is None:
        return None
    if browser_latest is not None and (browser_latest.recorded_at, browser_latest.pk) >= (
        account_latest.recorded_at,
        account_latest.pk,
    ):
        return None
    consent_id = browser.consent_id or uuid.uuid4()
    if account_latest.source == Source.GPC:
        return replace(browser, consent_id=consent_id, advertising=False, gpc_honoured=True)
    state = ConsentState(
        consent_id=consent_id,
        decided=True,
        performance=account_latest.performance,
        advertising=account_latest.advertising,
        gpc_honoured=browser.gpc_honoured,
        policy_version=account_latest.policy_version,
        gpc_signal=browser.gpc_signal,
    )
    expired = account_latest.recorded_at <= timezone.now() - timedelta(seconds=settings.CONSENT_COOKIE_MAX_AGE)
    if expired or state.policy_version < settings.CONSENT_RENEWED_AT_VERSION:
        # Older than 12 months, or made before the latest material change: asked again (as `from_cookie` does).
        state = replace(state, decided=False, performance=False, advertising=False)
    return state


# --- retention -------------------------------------------------------------------------------------------------


@transaction.atomic
def purge_expired_records(*, now: datetime | None = None, dry_run: bool = False, held: dict | None = None) -> int:
    """Deletes the records whose consent ended more than 5 years ago, and returns how many went.

    A record's consent ends when a newer record of the same browser (consent id) or of the same account
    supersedes it, or when it lapses: 12 months after it was made the cookie expires and the choice is asked
    again (`from_cookie`, `attach_browser_to_account`). Without the lapse a browser that never came back would
    keep its last record for ever.
    """
    cutoff = (now or timezone.now()) - RETENTION
    lapsed_before_cutoff = Q(recorded_at__lt=cutoff - timedelta(seconds=settings.CONSENT_COOKIE_MAX_AGE))
    newer = ConsentRecord.objects.filter(recorded_at__lte=cutoff).filter(
        Q(recorded_at__gt=OuterRef("recorded_at")) | Q(recorded_at=OuterRef("recorded_at"), pk__gt=OuterRef("pk"))
    )
    superseded_in_browser = newer.filter(consent_id=OuterRef("consent_id"))
    superseded_in_account = newer.filter(user__isnull=False, user=OuterRef("user"))
    expired = ConsentRecord.objects.filter(recorded_at__lt=cutoff).filter(
        lapsed_before_cutoff | Exists(superseded_in_browser) | Exists(superseded_in_account)
    )
    return _purge_unheld(ConsentRecord, expired, now=now, dry_run=dry_run, held=held)


def _purge_unheld(model, expired, *, now, dry_run: bool, held: dict | None) -> int:
    """Deletes the expired records no active legal hold covers (`held` gets how many a hold kept); a dry run
    only counts."""
    from allegra.privacy.registry import Retention
    from allegra.privacy.retention import expired_and_held

    expired, kept = expired_and_held(expired, rule=Retention.CONSENT_RECORDS, now=now)
    if held is not None:
        held[model._meta.label] = kept
    ids = list(expired.values_list("pk", flat=True))
    if dry_run or not ids:
        return len(ids)
    return model.objects.filter(pk__in=ids).purge()


def purge_expired_consent_records(*, now=None, dry_run: bool = False) -> tuple[dict[str, int], dict[str, int]]:
    """The retention job of CONSENT_RECORDS (registered in consent/personal_data.py): (counts, held)."""
    now = now or timezone.now()
    held: dict[str, int] = {}
    counts = {
        "consent.ConsentRecord": purge_expired_records(now=now, dry_run=dry_run, held=held),
        "consent.PurposeConsentRecord": purge_expired_purpose_records(now=now, dry_run=dry_run, held=held),
    }
    return counts, held


# --- consents to purposes other than cookies (U2, U6, C7) -------------------------------------------------------
#
# The newsletter, personalisation and contest issues record their consents here. A person is an account or,
# without one, an email address kept only as its blind index. Each record also keeps the index of the email it
# was given with (the account's address when none is given): a withdrawal stays findable by the address after
# the account is deleted or for a sender that knows only the address.


def _checked_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise PurposeConsentError("not an email address") from None
    return email


@transaction.atomic
def record_purpose_consent(
    *,
    request=None,
    purpose: str,
    granted: bool,
    source: PurposeSource,
    notice_text: str,
    user=None,
    email: str | None = None,
    recorded_by=None,
) -> PurposeConsentRecord:
    """Appends a consent to `purpose` (granted) or its withdrawal (not granted) and returns the record.

    The person is `user` or, for someone without an account, `email` (kept only as its blind index). A grant
    needs `notice_text`, the exact words shown with it (the proof of what the person agreed to); a withdrawal
    keeps the text shown with it when there was one (an unsubscribe page). A consent recorded by staff in a
    store or at an event (C7) names the staff member in `recorded_by`, and only such a consent does. Unknown
    purposes raise `UnknownPurpose`; any other refusal raises `PurposeConsentError`; either way nothing is stored.
    """
    get_purpose(purpose)
    try:
        source = PurposeSource(source)
    except ValueError:
        raise PurposeConsentError(f"unknown source of a purpose consent {str(source)[:40]!r}") from None
    if user is not None and not user.is_authenticated:
        user = None
    if user is None and not email:
        raise PurposeConsentError("a purpose consent needs an account or an email address")
    if email:
        email = _checked_email(email)
    granted = bool(granted)
    notice = _notice_for(text=notice_text, source=source)
    if granted and notice is None:
        raise PurposeConsentError("a consent needs the exact text shown with it (notice_text)")
    if source == PurposeSource.STAFF_RECORDED:
        if recorded_by is None or not recorded_by.is_staff:
            raise PurposeConsentError("a consent recorded by staff names the staff member who recorded it")
    elif recorded_by is not None:
        raise PurposeConsentError("only a consent recorded by staff has recorded_by")
    meta = request.META if request is not None else {}
    return PurposeConsentRecord.objects.create(
        purpose=purpose,
        user=user,
        email_index=email_index_of(email or user.email),
        granted=granted,
        source=source,
        policy_version=settings.PRIVACY_POLICY_VERSION,
        notice=notice,
        ip_truncated=truncate_ip(meta.get("REMOTE_ADDR")),
        user_agent_hash=hash_user_agent(meta.get("HTTP_USER_AGENT")),
        recorded_by=recorded_by,
    )


def may_send_marketing(*, user=None, email: str | None = None) -> bool:
    """THE answer to "may we send marketing email to this person?" (U2, R3.restrict): every marketing send (a
    newsletter, a campaign, a similar-products email) must ask it first, for the account or the address it
    is about to write to. Yes only when all of these hold:

    * the person has not restricted the processing of their data (`allegra.privacy.restriction`);
    * their latest choice for `marketing_email` grants it (a withdrawal, by unsubscribe link or anywhere else,
      is the latest word and wins; no record means no);
    * a grant that came only from checkout's soft opt-in (the buyer left "no thanks" unticked) also needs a paid
      order of that person: the soft opt-in covers existing customers only, and an order never paid makes
      nobody a customer.

    Reads only; two or three queries.
    """
    if user is not None and not user.is_authenticated:
        user = None
    email = (email or "").strip() or None
    if user is None and email is None:
        return False
    if is_restricted(user=user, email=email):
        return False
    latest = (
        _purpose_records_of(user=user, email=email)
        .filter(purpose=MARKETING_EMAIL)
        .order_by("-recorded_at", "-id")
        .values_list("granted", "source")
        .first()
    )
    if latest is None or not latest[0]:
        return False
    if latest[1] != PurposeSource.CHECKOUT:
        return True
    return _has_paid_order(user=user, email=email)


# The order states of an order that was paid (whatever happened after). Orders are reached by name, not imported:
# the consent app sits under the shop apps.
PAID_ORDER_STATES = ("paid", "in_fulfilment", "shipped", "delivered", "partly_refunded")


def _has_paid_order(*, user, email: str | None) -> bool:
    order_model = apps.get_model("orders", "Order")
    person = Q()
    if user is not None:
        person |= Q(user=user)
    if email:
        person |= Q(email__iexact=email)
    return order_model.objects.filter(person, state__in=PAID_ORDER_STATES).exists()


@transaction.atomic
def attach_email_consents_to_account(*, user) -> int:
    """Links the consents given with the account's email address before there was an account (a newsletter
    sign-up) to the account, once the address is proven to be theirs (sign-up verification). Returns how many."""
    if user is None or not user.email:
        return 0
    return PurposeConsentRecord.objects.filter(email_index=email_index_of(user.email)).attach_to_account(user)


@transaction.atomic
def purge_expired_purpose_records(
    *, now: datetime | None = None, dry_run: bool = False, held: dict | None = None
) -> int:
    """Deletes the purpose consents that ended more than 5 years ago, and returns how many went.

    A record ends when a newer record of the same person (the same account, or the same email address) and the
    same purpose supersedes it. The latest record is the one in force, grant or withdrawal, and is kept as long
    as it is: a grant proves the consent the shop relies on, a withdrawal proves the person must not be asked.
    """
    cutoff = (now or timezone.now()) - RETENTION
    newer = PurposeConsentRecord.objects.filter(recorded_at__lte=cutoff, purpose=OuterRef("purpose")).filter(
        Q(recorded_at__gt=OuterRef("recorded_at")) | Q(recorded_at=OuterRef("recorded_at"), pk__gt=OuterRef("pk"))
    )
    superseded_for_account = newer.filter(user__isnull=False, user=OuterRef("user"))
    superseded_for_email = newer.exclude(email_index="").filter(email_index=OuterRef("email_index"))
    expired = PurposeConsentRecord.objects.filter(recorded_at__lt=cutoff).filter(
        Exists(superseded_for_account) | Exists(superseded_for_email)
    )
    return _purge_unheld(PurposeConsentRecord, expired, now=now, dry_run=dry_run, held=held)
