"""Reads of the consent ledger for one account: its history and the choice in force."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from allegra.consent.models import Category, ConsentRecord


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
