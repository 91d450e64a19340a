"""Reads of the consent ledgers for one person: the history of their choices and the choice in force."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, Q
from django.utils import timezone

from allegra.consent.models import Category, ConsentRecord, PurposeConsentRecord
from allegra.consent.purposes import PurposeConsentError, email_index_of, get_purpose
from allegra.privacy.restriction import active_restrictions_of


def history_for(*, user) -> list[ConsentRecord]:
    """Every choice of the account, newest first (one query). Another account's records never appear."""
    if user is None or not user.is_authenticated:
        return []
    return list(ConsentRecord.objects.filter(user=user).order_by("-recorded_at", "-id"))


def latest_for_account(*, user) -> ConsentRecord | None:
    """The account's choice in force: its latest record, from whichever browser or page it was made."""
    if user is None or not user.is_authenticated:
        return None
    return ConsentRecord.objects.filter(user=user).order_by("-recorded_at", "-id").first()


def account_allows(*, user, category: str) -> bool:
    """Whether the account's latest choice grants `category` (for email pixels: performance). No record means
    no consent, and so does a choice older than 12 months: it lapsed with its cookie and is asked again."""
    if category == Category.FUNCTIONAL:
        return True
    latest = latest_for_account(user=user)
    if latest is None or latest.recorded_at <= timezone.now() - timedelta(seconds=settings.CONSENT_COOKIE_MAX_AGE):
        return False
    return latest.granted(category)


# --- consents to purposes other than cookies (U2, U6) -----------------------------------------------------------


def _purpose_records_of(*, user=None, email: str | None = None):
    """The records that speak for a person: an account's own, and those given with its email address before the
    account existed (not linked yet) plus any withdrawal made with the address alone (an unsubscribe link must
    count, whenever it was used); for an address alone, every record made with it."""
    if user is not None and user.is_authenticated:
        index = email_index_of(user.email)
        before_account = Q(recorded_at__lte=user.date_joined) | Q(granted=False)
        own_address = Q(user__isnull=True, email_index=index) & before_account
        return PurposeConsentRecord.objects.filter(Q(user=user) | own_address)
    if email:
        return PurposeConsentRecord.objects.filter(email_index=email_index_of(email))
    raise PurposeConsentError("a purpose consent belongs to an account or an email address")


def purpose_granted(*, purpose: str, user=None, email: str | None = None) -> bool:
    """Whether the person's latest record for `purpose` grants it (one query). No record means no consent.

    A person who restricted the processing of their data (R3.restrict) counts as not consenting to any marketing
    purpose (newsletter, personalisation) while the restriction holds; their records stay as they were, so
    lifting it restores their choices. The restriction is asked inside the same query.
    """
    latest = _purpose_records_of(user=user, email=email).filter(purpose=purpose).order_by("-recorded_at", "-id")
    if get_purpose(purpose).marketing:
        account = user if user is not None and user.is_authenticated else None
        latest = latest.annotate(restricted=Exists(active_restrictions_of(user=account, email=email)))
        answer = latest.values_list("granted", "restricted").first()
        return bool(answer and answer[0] and not answer[1])
    return bool(latest.values_list("granted", flat=True).first())


def purpose_history_for(*, user) -> list[PurposeConsentRecord]:
    """Every purpose consent that speaks for the account, newest first (one query); never another's."""
    if user is None or not user.is_authenticated:
        return []
    return list(_purpose_records_of(user=user).order_by("-recorded_at", "-id"))


def purposes_in_force(history: list[PurposeConsentRecord]) -> dict[str, PurposeConsentRecord]:
    """The latest record of each purpose in a history ordered newest first (no query)."""
    in_force: dict[str, PurposeConsentRecord] = {}
    for record in history:
        in_force.setdefault(record.purpose, record)
    return in_force
