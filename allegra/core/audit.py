"""Appending to and verifying the hash-chained staff audit log (R1).

`record_access(actor=..., subject=..., action=..., fields=[...], reason=...)` is the one way to write an entry.
Writers are serialised so that the chain stays a single line: on PostgreSQL the table is locked in EXCLUSIVE
mode for the rest of the transaction (readers go on, a second writer waits; this also covers the very first
entry, when there is no row to lock with SELECT ... FOR UPDATE), and on SQLite the project's IMMEDIATE
transactions already let only one writer in. A unique constraint on `previous_hash` backs this up.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import connection, transaction

from allegra.core.models import AuditEntry

GENESIS_HASH = "0" * 64
Action = AuditEntry.Action


def actor_label(actor: Any) -> str:
    """Who acted, as text that stays readable whatever later happens to the account."""
    if actor is None:
        return "system"
    return f"{actor.get_username()} ({actor.public_id})"


def subject_id(subject: Any) -> str:
    """A user (or anything with a `public_id`) or an ID given as text/UUID -> the stored subject ID."""
    public_id = getattr(subject, "public_id", subject)
    return str(public_id)


def canonical_payload(entry: AuditEntry) -> bytes:
    """The bytes an entry's hash covers: sorted-key compact JSON of its content plus the previous hash."""
    content = {
        "time": entry.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": entry.actor_label,
        "subject": entry.subject,
        "action": entry.action,
        "fields": list(entry.fields),
        "reason": entry.reason,
        "previous_hash": entry.previous_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(canonical_payload(entry)).hexdigest()


def _lock_the_log() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {AuditEntry._meta.db_table} IN EXCLUSIVE MODE")


def record_access(*, actor, subject, action: str, fields: list[str], reason: str = "") -> AuditEntry:
    """Appends one entry to the chain and returns it (inside the caller's transaction, if there is one)."""
    if action not in Action.values:
        raise ValueError(f"Unknown audit action {action!r}.")
    with transaction.atomic():
        _lock_the_log()
        last = AuditEntry.objects.order_by("-id").only("hash").first()
        entry = AuditEntry(
            actor=actor if actor is not None and actor.pk else None,
            actor_label=actor_label(actor),
            subject=subject_id(subject),
            action=action,
            fields=sorted({str(name) for name in fields}),
            reason=reason[:500],
            previous_hash=last.hash if last else GENESIS_HASH,
        )
        entry.hash = compute_hash(entry)
        entry.save()
    return entry


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_bad_id: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.first_bad_id is None


def verify_chain() -> ChainReport:
    """Walks the log oldest first; reports the first entry whose content or link no longer matches."""
    expected_previous = GENESIS_HASH
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.previous_hash != expected_previous:
            return ChainReport(checked, entry.pk, "its previous hash does not match the entry before it")
        if compute_hash(entry) != entry.hash:
            return ChainReport(checked, entry.pk, "its content does not match its hash")
        expected_previous = entry.hash
        checked += 1
    return ChainReport(checked)
