"""Periodic jobs: which task runs how often. `manage.py run_schedule` enqueues each job when it is due; the task
worker (`manage.py db_worker`) runs it.

Jobs name their task by import path and are resolved only when the scheduler runs, so a task that does not
exist (yet) is reported as a clear problem (`problems()`, shown by the command and by `manage.py check`)
instead of stopping the other jobs.

Several schedulers may run at once (two servers, a cron `--once` beside a loop): a due job is claimed by one
conditional UPDATE of its `ScheduledJob` row ("set last_enqueued_at = now where it is still old enough"), and
the task is enqueued in the same transaction, so exactly one scheduler enqueues it, and a failed enqueue
leaves the job due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import checks
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task


@dataclass(frozen=True)
class Job:
    name: str
    task_path: str
    interval: timedelta
    description: str = ""


JOBS: tuple[Job, ...] = (
    Job(
        "analytics-roll-up",
        "allegra.analytics.tasks.roll_up_analytics",
        timedelta(hours=1),
        "daily analytics aggregates; raw events and searches deleted after 13 months",
    ),
    Job(
        "retention",
        "allegra.privacy.tasks.enforce_retention",
        timedelta(days=1),
        "every retention job of the registry (allegra.privacy.retention): orders, fraud records, consent records, "
        "guest carts, raw analytics, the back-office log, copies of data, closed privacy requests; records under a "
        "legal hold are kept",
    ),
    Job(
        "privacy-request-reminders",
        "allegra.privacy.tasks.remind_privacy_officers",
        timedelta(days=1),
        "one email a day to the Privacy officers: data-subject requests overdue or due within "
        "PRIVACY_REQUEST_REMIND_DAYS (references, kinds, due dates; nothing about the people); none when none are due",
    ),
)


class JobNotResolvable(Exception):
    """The job's task path does not name a task."""


def resolve(job: Job) -> Task:
    """The job's task, or JobNotResolvable saying why not."""
    try:
        found = import_string(job.task_path)
    except ImportError as error:
        raise JobNotResolvable(f"job {job.name!r}: task {job.task_path!r} cannot be imported ({error})") from error
    if not isinstance(found, Task):
        raise JobNotResolvable(f"job {job.name!r}: {job.task_path!r} is not a task (decorate it with @task)")
    return found


def problems(jobs: tuple[Job, ...] | None = None) -> list[str]:
    """One message per job whose task cannot be resolved."""
    found = []
    for job in JOBS if jobs is None else jobs:
        try:
            resolve(job)
        except JobNotResolvable as error:
            found.append(str(error))
    return found


@checks.register("schedule")
def check_schedule(app_configs=None, **kwargs):
    """allegra.E010: every scheduled job names a task that exists."""
    return [checks.Error(message, id="allegra.E010") for message in problems()]


def claim(job: Job, *, now: datetime) -> bool:
    """Marks the job enqueued at `now` if it is due; True for the one caller that got it."""
    from allegra.core.models import ScheduledJob

    ScheduledJob.objects.get_or_create(name=job.name)
    due = Q(last_enqueued_at__isnull=True) | Q(last_enqueued_at__lte=now - job.interval)
    return ScheduledJob.objects.filter(due, name=job.name).update(last_enqueued_at=now) == 1


@dataclass
class TickReport:
    enqueued: list[str]
    failed: list[str]


def run_due(*, now: datetime | None = None, jobs: tuple[Job, ...] | None = None) -> TickReport:
    """Enqueues every due job once. A job whose task cannot be resolved or enqueued is reported in `failed`
    and stays due; the other jobs go on."""
    now = now or timezone.now()
    report = TickReport(enqueued=[], failed=[])
    for job in JOBS if jobs is None else jobs:
        try:
            task = resolve(job)
        except JobNotResolvable as error:
            report.failed.append(str(error))
            continue
        try:
            with transaction.atomic():
                if claim(job, now=now):
                    task.enqueue()
                    report.enqueued.append(job.name)
        except Exception as error:  # noqa: BLE001 - one broken job must not stop the others; it stays due
            report.failed.append(f"job {job.name!r}: enqueue failed ({error.__class__.__name__})")
    return report
