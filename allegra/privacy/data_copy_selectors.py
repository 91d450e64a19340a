"""Reads of a person's copies of their data (R3.copy). The ZIP column is never loaded here: only the download
reads it (data_copy.open_copy)."""

from __future__ import annotations

from django.utils import timezone

from allegra.privacy.models import DataCopy


def copies_for(user, *, limit: int = 5) -> list[DataCopy]:
    """The account's latest copies, newest first (one query)."""
    if user is None or not user.is_authenticated:
        return []
    return list(DataCopy.objects.defer("content").filter(user=user)[:limit])


def copy_of(user, public_id) -> DataCopy | None:
    """The copy with this public id if it belongs to `user` (signed in), else None: staff included."""
    if user is None or not user.is_authenticated:
        return None
    return DataCopy.objects.defer("content").filter(user=user, public_id=public_id).first()


def downloadable_copy(user, public_id, *, now=None) -> DataCopy | None:
    """The owner's copy while it is ready and unexpired, else None."""
    copy = copy_of(user, public_id)
    if copy is None or not copy.is_downloadable(now=now or timezone.now()):
        return None
    return copy
