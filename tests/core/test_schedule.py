"""The scheduler of periodic jobs (R2's retention runs on schedule): a due job is enqueued exactly once, even
with several schedulers, and a job whose task is missing is reported without stopping the others."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from allegra.core import schedule
from allegra.core.models import ScheduledJob
from allegra.core.schedule import JOBS, Job, run_due

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
ROLL_UP = Job("analytics-roll-up", "allegra.analytics.tasks.roll_up_analytics", timedelta(hours=1))
MISSING = Job("nothing", "allegra.core.no_such_module.no_task", timedelta(days=1))
NOT_A_TASK = Job("not-a-task", "allegra.core.schedule.run_due", timedelta(days=1))


def enqueued(task_path: str = ROLL_UP.task_path) -> int:
    return DBTaskResult.objects.filter(task_path=task_path).count()


@pytest.mark.policy("C6")
def test_the_analytics_roll_up_runs_hourly_and_the_retention_jobs_daily():
    jobs = {job.name: job for job in JOBS}
    assert jobs["analytics-roll-up"].task_path == "allegra.analytics.tasks.roll_up_analytics"
    assert jobs["analytics-roll-up"].interval == timedelta(hours=1)
    # The consent purge, like every other retention purge, runs in the one daily retention job (R2).
    assert jobs["retention"].task_path == "allegra.privacy.tasks.enforce_retention"
    assert jobs["retention"].interval == timedelta(days=1)
    assert not [name for name in jobs if name.endswith("-purge")]
    schedule.resolve(jobs["retention"])
    schedule.resolve(jobs["analytics-roll-up"])


@pytest.mark.django_db
def test_a_due_job_is_enqueued_once_and_again_after_its_interval():
    assert run_due(now=NOW, jobs=(ROLL_UP,)).enqueued == ["analytics-roll-up"]
    assert enqueued() == 1
    # A second scheduler (or the next tick) at the same time, and half an hour later: nothing new.
    assert run_due(now=NOW, jobs=(ROLL_UP,)).enqueued == []
    assert run_due(now=NOW + timedelta(minutes=30), jobs=(ROLL_UP,)).enqueued == []
    assert enqueued() == 1
    assert run_due(now=NOW + timedelta(hours=1), jobs=(ROLL_UP,)).enqueued == ["analytics-roll-up"]
    assert enqueued() == 2
    assert ScheduledJob.objects.get(name="analytics-roll-up").last_enqueued_at == NOW + timedelta(hours=1)


@pytest.mark.django_db
def test_a_missing_task_is_reported_and_the_other_jobs_still_run():
    report = run_due(now=NOW, jobs=(MISSING, NOT_A_TASK, ROLL_UP))
    assert report.enqueued == ["analytics-roll-up"]
    assert len(report.failed) == 2
    assert "allegra.core.no_such_module.no_task" in report.failed[0] and "cannot be imported" in report.failed[0]
    assert "is not a task" in report.failed[1]
    assert not ScheduledJob.objects.filter(name__in=["nothing", "not-a-task"], last_enqueued_at__isnull=False)
    assert schedule.problems((MISSING, ROLL_UP)) == [report.failed[0]]


@pytest.mark.django_db
def test_a_failed_enqueue_leaves_the_job_due(monkeypatch):
    task = schedule.resolve(ROLL_UP)

    def broken(*args, **kwargs):
        raise RuntimeError("queue down")

    monkeypatch.setattr(type(task), "enqueue", broken)
    report = run_due(now=NOW, jobs=(ROLL_UP,))
    assert report.enqueued == [] and "enqueue failed" in report.failed[0]
    monkeypatch.undo()
    assert run_due(now=NOW, jobs=(ROLL_UP,)).enqueued == ["analytics-roll-up"]


@pytest.mark.django_db
def test_run_schedule_once_enqueues_the_due_jobs_and_exits(monkeypatch):
    monkeypatch.setattr(schedule, "JOBS", (ROLL_UP, MISSING))
    out, err = StringIO(), StringIO()
    call_command("run_schedule", "--once", stdout=out, stderr=err)
    assert "Enqueued analytics-roll-up" in out.getvalue(), err.getvalue()
    assert "Scheduled job skipped" in err.getvalue() and "no_such_module" in err.getvalue()
    assert enqueued() == 1
    call_command("run_schedule", "--once", stdout=StringIO(), stderr=StringIO())
    assert enqueued() == 1


def test_the_command_documents_its_jobs():
    from allegra.core.management.commands.run_schedule import Command

    assert "--once" in Command.help and "analytics-roll-up" in Command.help


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_the_same_moment_enqueue_a_job_once():
    assert connection.vendor == "postgresql"
    ScheduledJob.objects.create(name=ROLL_UP.name)
    barrier = threading.Barrier(4)
    results = []

    def scheduler():
        try:
            barrier.wait()
            results.append(run_due(now=NOW, jobs=(ROLL_UP,)).enqueued)
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(len, results)) == [0, 0, 0, 1]
    assert enqueued() == 1


def test_every_job_has_a_name_of_its_own():
    names = [job.name for job in JOBS]
    assert len(names) == len(set(names))
