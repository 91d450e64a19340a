"""Retention enforcement (R2): one registry of retention jobs, one entry point that runs them all.

Each app that keeps data under a rule of the retention table registers the job that enforces it, from its own
`personal_data.py` (next to the declarations that name the rule), with `register(RetentionJob(...))`. The
privacy app never imports a shop app: it only calls what was registered.

A job's `purge(now=..., dry_run=...)` returns what it removed (or, in a dry run, would remove) as counts per
category ("orders.Order": 3, "aggregated days": 2). Every job skips what an active `LegalHold` covers, through
`exclude_held(queryset, rule=..., now=...)`; a hold that has ended stops applying by itself, so the next run
removes what it kept.

`run(dry_run=..., now=..., only=...)` runs the jobs, records a `RetentionRun` and returns it; the command
`manage.py enforce_retention` and the daily task `allegra.privacy.tasks.enforce_retention` both call it.
The system check privacy.E020 fails when a rule the personal-data map uses has no job.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.core import checks
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min, QuerySet
from django.utils import timezone

from allegra.privacy.registry import PersonalDataMap, Retention, personal_data_map

logger = logging.getLogger(__name__)

# Rules no job has to enforce, and why (shown by the check's hint and the command's report).
ENFORCED_ELSEWHERE: dict[Retention, str] = {
    Retention.WHILE_ACCOUNT_EXISTS: "erased with the account (account deletion), not by a schedule",
    Retention.SUPPRESSION_LIST: "kept indefinitely as a keyed hash",
}
# Rules of apps that do not exist yet: no data, so nothing to remove. Their app registers a job when it comes.
NO_DATA_YET: dict[Retention, str] = {
    Retention.SUPPORT_TICKETS: "no data yet (no support tickets app)",
    Retention.CONTEST_ENTRIES: "no data yet (no contest app)",
}


@dataclass
class JobResult:
    """What one job removed (or would remove): counts per category, and how many an active hold kept."""

    job: str
    rules: list[str]
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)
    held: dict[str, int] = field(default_factory=dict)
    error: str = ""
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict:
        return asdict(self)


PurgeResult = dict[str, int] | tuple[dict[str, int], dict[str, int]]


@dataclass(frozen=True)
class RetentionJob:
    """A job that enforces one or more rules of the retention table.

    `purge(*, now, dry_run)` returns counts per category, or (counts, held) where `held` counts what an active
    hold kept. It must remove nothing when `dry_run` is true, and report the same counts it would remove.
    """

    name: str
    rules: tuple[Retention, ...]
    purge: Callable[..., PurgeResult]
    description: str = ""

    @property
    def rule(self) -> Retention:
        return self.rules[0]

    def run(self, *, dry_run: bool, now: datetime | None = None) -> JobResult:
        now = now or timezone.now()
        result = JobResult(job=self.name, rules=[str(rule) for rule in self.rules], dry_run=dry_run)
        started = time.monotonic()
        try:
            outcome = self.purge(now=now, dry_run=dry_run)
        except Exception as error:  # one failing job must not stop the others; it is reported
            logger.exception("retention job failed", extra={"job": self.name})
            result.error = error.__class__.__name__
        else:
            counts, held = outcome if isinstance(outcome, tuple) else (outcome, {})
            result.counts = {key: int(value) for key, value in counts.items()}
            result.held = {key: int(value) for key, value in held.items() if value}
        result.seconds = round(time.monotonic() - started, 3)
        return result


_jobs: dict[str, RetentionJob] = {}


class RegistrationError(ValueError):
    """A retention job registered twice, or without a rule."""


def register(job: RetentionJob) -> RetentionJob:
    if not job.rules:
        raise RegistrationError(f"retention job {job.name!r} names no rule")
    if job.name in _jobs and _jobs[job.name] is not job:
        raise RegistrationError(f"retention job {job.name!r} is registered twice")
    _jobs[job.name] = job
    return job


def unregister(name: str) -> None:
    _jobs.pop(name, None)


def jobs(*, only: Retention | str | None = None) -> list[RetentionJob]:
    found = list(_jobs.values())
    if only:
        rule = Retention(only)
        found = [job for job in found if rule in job.rules]
    return found


def enforced_rules() -> set[Retention]:
    return {rule for job in _jobs.values() for rule in job.rules}


# --- legal holds ---------------------------------------------------------------------------------------------


def active_holds(now: datetime | None = None):
    from allegra.privacy.models import LegalHold

    return LegalHold.objects.active(now)


def exclude_held(queryset: QuerySet, *, rule: Retention | str, now: datetime | None = None) -> QuerySet:
    """`queryset` without the rows an active legal hold covers: every row when the rule (category) or the
    model is held, the held records by primary key, and the rows of held people (through the model's subject
    path in the personal-data map)."""
    from allegra.privacy.models import LegalHold

    holds = list(active_holds(now).values("scope", "rule", "model_label", "object_id", "user_id"))
    if not holds:
        return queryset
    model = queryset.model
    label = model._meta.label
    Scope = LegalHold.Scope
    if any(
        (hold["scope"] == Scope.CATEGORY and hold["rule"] == str(rule))
        or (hold["scope"] == Scope.MODEL and hold["model_label"] == label)
        for hold in holds
    ):
        return queryset.none()
    record_ids = []
    for hold in holds:
        if hold["scope"] == Scope.RECORD and hold["model_label"] == label:
            # A malformed id holds nothing (clean() refuses them anyway).
            with contextlib.suppress(ValidationError):
                record_ids.append(model._meta.pk.to_python(hold["object_id"]))
    if record_ids:
        queryset = queryset.exclude(pk__in=record_ids)
    people = [hold["user_id"] for hold in holds if hold["scope"] == Scope.PERSON and hold["user_id"]]
    entry = personal_data_map.models.get(label)
    if people and entry is not None and entry.subject_path is not None:
        path = entry.subject_path or "pk"
        queryset = queryset.exclude(**{f"{path}__in": people})
    return queryset


def expired_and_held(queryset: QuerySet, *, rule: Retention | str, now: datetime | None = None):
    """(the expired rows no active hold covers, how many expired rows a hold keeps)."""
    kept = exclude_held(queryset, rule=rule, now=now)
    if kept is queryset:
        return queryset, 0
    return kept, queryset.count() - kept.count()


def delete_in_chunks(queryset: QuerySet, *, chunk: int = 20_000) -> int:
    """Deletes the rows of `queryset` by ranges of primary keys, one short transaction per range: a million
    rows never take one long lock, and each DELETE uses the primary key index. For models without cascades
    or delete signals (raw events): no object is loaded into Python."""
    bounds = queryset.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return 0
    deleted = 0
    start = bounds["low"]
    while start <= bounds["high"]:
        part = queryset.filter(pk__gte=start, pk__lt=start + chunk)
        with transaction.atomic(using=queryset.db):
            deleted += part._raw_delete(queryset.db)
        start += chunk
    return deleted


# --- running ---------------------------------------------------------------------------------------------------


def run(
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    only: Retention | str | None = None,
    trigger: str = "command",
    progress: Callable[[int, int, RetentionJob], None] | None = None,
    record: bool = True,
):
    """Runs every registered job (or those of one rule) and records a `RetentionRun`; returns the run."""
    from allegra.privacy.models import RetentionRun

    now = now or timezone.now()
    selected = jobs(only=only)
    retention_run = RetentionRun(
        started_at=timezone.now(), dry_run=dry_run, only=str(only or ""), trigger=trigger, report={}
    )
    if record:
        retention_run.save()
    results = []
    for index, job in enumerate(selected):
        if progress is not None:
            progress(index, len(selected), job)
        results.append(job.run(dry_run=dry_run, now=now))
    if progress is not None and selected:
        progress(len(selected), len(selected), None)
    retention_run.finished_at = timezone.now()
    retention_run.report = report_of(results, now=now)
    if record:
        retention_run.save(update_fields=["finished_at", "report"])
    retention_run.results = results
    logger.info(
        "retention run finished",
        extra={"dry_run": dry_run, "jobs": len(results), "removed": sum(r.total for r in results)},
    )
    return retention_run


def report_of(results: Iterable[JobResult], *, now: datetime) -> dict:
    results = list(results)
    totals: dict[str, int] = {}
    held: dict[str, int] = {}
    for result in results:
        for key, value in result.counts.items():
            totals[key] = totals.get(key, 0) + value
        for key, value in result.held.items():
            held[key] = held.get(key, 0) + value
    return {
        "now": now.isoformat(),
        "jobs": [result.as_dict() for result in results],
        "totals": totals,
        "held": held,
        "errors": [result.job for result in results if result.error],
        "not_enforced": {str(rule): reason for rule, reason in {**ENFORCED_ELSEWHERE, **NO_DATA_YET}.items()},
    }


# --- the system check ------------------------------------------------------------------------------------------


def unenforced_rules(data_map: PersonalDataMap | None = None) -> dict[Retention, list[str]]:
    """Rules used in the map that no registered job enforces (besides the exempt ones): rule -> models."""
    data_map = data_map or personal_data_map
    used: dict[Retention, set[str]] = {}
    for item in data_map.fields:
        used.setdefault(item.retention, set()).add(item.model)
    exempt = set(ENFORCED_ELSEWHERE) | set(NO_DATA_YET)
    enforced = enforced_rules()
    return {rule: sorted(models) for rule, models in used.items() if rule not in exempt and rule not in enforced}


def check_retention_jobs(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """privacy.E020: every retention rule the personal-data map uses is enforced by a registered job."""
    return [
        checks.Error(
            f"Retention rule {rule.value!r} is used in the personal-data map ({', '.join(models)}) but no "
            "retention job enforces it.",
            hint="Register a RetentionJob for it from the app's personal_data.py (allegra.privacy.retention.register).",
            obj=rule.value,
            id="privacy.E020",
        )
        for rule, models in unenforced_rules().items()
    ]
